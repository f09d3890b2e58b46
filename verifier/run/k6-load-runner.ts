// The production LoadRunner: the orchestrator's load boundary implemented with the k6 runner.
// Reads each process's results when it ends, so the journal gets figures, not file names.

import { errorMessage } from '../errors.ts';
import {
  type K6Exit,
  K6ExitError,
  type K6Process,
  burstVus,
  readBurstResult,
  readTraceResults,
  startBurst,
  startTrace,
  traceVusDefault,
} from '../load/index.ts';
import type { LoadFinish, LoadHandle, LoadRunner } from './ports.ts';

export interface K6RunnerOptions {
  k6Path: string;
  /** Headers Prometheus wants on every request (credentials, tenant): k6's remote write needs them too. */
  remoteWriteHeaders?: Record<string, string>;
}

export function createK6Runner(options: K6RunnerOptions): LoadRunner {
  // One variable per header, so values with commas or colons survive (K6_PROMETHEUS_RW_HTTP_HEADERS would split them).
  const env = Object.fromEntries(
    Object.entries(options.remoteWriteHeaders ?? {}).map(([name, value]) => [`K6_PROMETHEUS_RW_HEADERS_${name}`, value]),
  );
  return {
    async startTrace(spec) {
      const process = await startTrace({ k6Path: options.k6Path, env, ...spec });
      return handleFor(process, traceVusDefault, async () => {
        const { samples, latencies } = await readTraceResults(process.resultFile);
        return { traceSamples: samples, traceLatencies: latencies };
      });
    },
    async startBurst(spec) {
      const process = await startBurst({ k6Path: options.k6Path, env, ...spec });
      return handleFor(process, spec.vus ?? burstVus(spec.rate), async () => ({
        result: await readBurstResult(process.resultFile, spec.rate, spec.durationSeconds),
      }));
    },
  };
}

function handleFor(process: K6Process, vus: number, readResults: () => Promise<Partial<LoadFinish>>): LoadHandle {
  const withResults = async (exit: K6Exit, problem?: string): Promise<LoadFinish> => {
    const results = await readResults().catch((error: unknown) => ({ error: errorMessage(error) }) as Partial<LoadFinish>);
    const error = [problem, results.error].filter(Boolean).join('; ');
    return { ...results, exitCode: exit.exitCode, signal: exit.signal, ...(error ? { error } : {}) };
  };
  const finished = process.done.then(
    (exit) => withResults(exit),
    (error: unknown) =>
      error instanceof K6ExitError
        ? withResults(error.exit, error.message)
        : Promise.resolve({ exitCode: null, signal: null, error: errorMessage(error) }),
  );
  return {
    pid: process.pid,
    vus,
    finished,
    stop: async () => {
      await process.stop().catch(() => undefined);
      return finished;
    },
  };
}
