// The production LoadRunner: the orchestrator's load boundary implemented with the k6 runner.
// Reads each process's results when it ends, so the journal gets figures, not file names.

import { errorMessage } from '../errors.ts';
import type { LoadProcessEnded } from '../journal/events.ts';
import {
  type K6Exit,
  K6ExitError,
  type K6Process,
  burstVuPool,
  mergeBurstResults,
  probeLatency,
  readBurstResult,
  startBurst,
  startSegmentedBurst,
  traceVusDefault,
  startTrace,
} from '../load/index.ts';
import type { BurstStart, LoadFinish, LoadHandle, LoadRunner } from './ports.ts';

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
      const { trace } = process;
      // What the run has not taken yet: the samples read since the last chunk it journaled.
      const handle = handleFor(process, traceVusDefault, async () => {
        const { samples, latencies, journeys } = trace.take(true);
        const problem = trace.problem;
        return {
          traceSamples: samples,
          traceLatencies: latencies,
          ...(journeys.length > 0 && { traceJourneys: journeys }),
          ...(problem !== undefined && { error: problem }),
        };
      });
      return { ...handle, progress: async () => trace.progress(), stream: trace };
    },
    async startBurst(spec) {
      // The VU pool is sized from the target's latency right now (see loadtests/lib/vus.ts).
      const latencyMs = spec.vus === undefined ? (await probeLatency({ url: `${spec.baseUrl}/items/burst-0` })).latencyMs : undefined;
      const { processes, ...rest } = spec;
      if (processes !== undefined && processes > 1) return startSplitBurst({ ...rest, processes }, options.k6Path, env, latencyMs);
      const process = await startBurst({ k6Path: options.k6Path, env, ...rest, latencyMs });
      return handleFor(process, spec.vus ?? burstVuPool(spec.rate, latencyMs).vus, async () => ({
        result: await readBurstResult(process.resultFile, spec.rate, spec.durationSeconds),
      }));
    },
  };
}

/** One handle for the N processes of a split burst: it ends when all have, with their merged figures. */
async function startSplitBurst(
  spec: BurstStart & { processes: number },
  k6Path: string,
  env: Record<string, string>,
  latencyMs: number | undefined,
): Promise<LoadHandle> {
  const burst = await startSegmentedBurst({ k6Path, env, ...spec, latencyMs });
  const handles = burst.processes.map((process) =>
    handleFor(process, 0, async () => ({ result: await readBurstResult(process.resultFile, spec.rate, spec.durationSeconds) })),
  );
  const finished = Promise.all(handles.map((h) => h.finished)).then((finishes): LoadFinish => {
    const processes: LoadProcessEnded[] = finishes.map((f, i) => ({
      instanceId: i + 1,
      exitCode: f.exitCode,
      signal: f.signal,
      ...(f.result ? { result: f.result } : {}),
      ...(f.error ? { error: f.error } : {}),
    }));
    const results = finishes.flatMap((f) => (f.result ? [f.result] : []));
    const failed = processes.filter((p) => p.error !== undefined || p.result === undefined);
    const worst = finishes.find((f) => f.exitCode !== 0) ?? finishes[0];
    return {
      exitCode: worst?.exitCode ?? null,
      signal: worst?.signal ?? null,
      // Figures only when every process reported: a partial sum would under-state the burst.
      ...(failed.length === 0 ? { result: mergeBurstResults(results, spec.rate, spec.durationSeconds) } : {}),
      ...(failed.length > 0 ? { error: failed.map((p) => `instance ${p.instanceId}: ${p.error ?? 'no figures'}`).join('; ') } : {}),
      processes,
    };
  });
  return {
    pid: burst.processes[0]?.pid ?? -1,
    vus: burst.vus,
    processes: burst.processes.map((process, i) => ({ instanceId: i + 1, pid: process.pid })),
    releaseSkewMs: burst.release.skewMs,
    finished,
    stop: async () => {
      await burst.stop();
      return finished;
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
