// One burst over several k6 processes, the way k6-operator runs a TestRun on Kubernetes: each
// process runs its execution segment (`--execution-segment` / `--execution-segment-sequence`), so
// their arrival rates add up to the burst's; each starts `--paused` with its REST API on its own
// loopback port, tagged `instance_id`; once every one has its VUs ready, all are released together
// with `PATCH /v1/status {"paused": false}` (k6-operator's starter sends the same request). Each
// process reports only its own share; mergeBurstResults adds them up.

import { LoadError } from '../errors.ts';
import { httpRequest } from '../http.ts';
import type { LoadResult } from '../journal/events.ts';
import { freeLoopbackPorts } from '../stack/ports.ts';
import { burstVuPool, type K6Process, startBurst, type StartBurstOptions } from './k6-runner.ts';

export interface SegmentedBurstOptions extends Omit<StartBurstOptions, 'segment'> {
  /** k6 processes, 2 or more. */
  processes: number;
  /** How long the processes may take to initialise their VUs before the release. Default 60 s. */
  readyTimeoutMs?: number | undefined;
  /** Injectable for tests: the REST ports to use (default: free loopback ports). */
  restPorts?: number[] | undefined;
}

export interface Release {
  /** Wall clock (ms) when the first PATCH was sent. */
  at: number;
  /** Between the first and the last process acknowledging its release. */
  skewMs: number;
}

export interface SegmentedBurst {
  /** In instance order: processes[i] has instance_id i + 1. */
  processes: K6Process[];
  release: Release;
  /** Pre-allocated and maximum VUs over all processes (multiples of the process count). */
  vus: number;
  maxVus: number;
  stop(): Promise<void>;
}

export async function startSegmentedBurst(options: SegmentedBurstOptions): Promise<SegmentedBurst> {
  const count = options.processes;
  if (!(Number.isInteger(count) && count >= 2)) {
    throw new LoadError(`invalid processes for burst "${options.name}"; reason: expected a whole number of at least 2, got ${count}`);
  }
  // k6 scales VU counts per segment in whole numbers: multiples of the process count give every
  // process the same share, and none of them zero (which would drop all its iterations).
  const pool = burstVuPool(options.rate, options.latencyMs);
  const roundUp = (n: number) => Math.ceil(n / count) * count;
  const vus = roundUp(options.vus ?? pool.vus);
  const maxVus = roundUp(Math.max(vus, options.maxVus ?? pool.maxVus));
  const ports = options.restPorts ?? (await freeLoopbackPorts(count));

  const processes: K6Process[] = [];
  const stopAll = async () => {
    await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
  };
  try {
    for (let index = 0; index < count; index += 1) {
      const restPort = ports[index] as number;
      processes.push(await startBurst({ ...options, vus, maxVus, segment: { index, count, restPort } }));
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    await Promise.all(processes.map((process, i) => waitPaused(process, ports[i] as number, deadline)));
    const release = await releaseAll(ports);
    return { processes, release, vus, maxVus, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const statusBody = (attributes: Record<string, unknown>) => ({ data: { type: 'status', id: 'default', attributes } });

/** k6's execution status 4 is PausedBeforeRun: VUs initialised, waiting for the release. */
async function waitPaused(process: K6Process, port: number, deadline: number): Promise<void> {
  let exited = false;
  void process.done.then(
    () => (exited = true),
    () => (exited = true),
  );
  let last = 'no answer yet';
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    if (exited) {
      await process.done.catch((error: unknown) => {
        throw new LoadError(`k6 burst "${process.name}" ended before it was released: ${(error as Error).message}`, { cause: error });
      });
      throw new LoadError(`k6 burst "${process.name}" ended before it was released; see ${process.logFile}`);
    }
    try {
      const answer = await httpRequest({ url: `http://127.0.0.1:${port}/v1/status`, timeoutMs: 1000 });
      const attributes = (answer.data as { data?: { attributes?: { status?: number; paused?: boolean } } }).data?.attributes;
      if (attributes?.paused === true && attributes.status === 4) return;
      last = `status ${JSON.stringify(attributes ?? answer.text)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new LoadError(
        `k6 burst "${process.name}" did not become ready (paused, VUs initialised) on 127.0.0.1:${port} in time; last: ${last}. See ${process.logFile}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Sends every PATCH at once; the skew is between the first and the last acknowledgement. */
async function releaseAll(ports: number[]): Promise<Release> {
  const at = Date.now();
  const acknowledged = await Promise.all(
    ports.map(async (port) => {
      const answer = await httpRequest({
        url: `http://127.0.0.1:${port}/v1/status`,
        method: 'PATCH',
        body: statusBody({ paused: false }),
        timeoutMs: 5000,
      });
      if (!answer.ok)
        throw new LoadError(`k6 on 127.0.0.1:${port} refused the release: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
      return performance.now();
    }),
  );
  return { at, skewMs: Math.round((Math.max(...acknowledged) - Math.min(...acknowledged)) * 1000) / 1000 };
}

/**
 * The burst's figures from its processes' own. Counts add up; the failed-request share is
 * weighted by requests; p95 cannot be merged from per-process p95s, so the largest is kept (an
 * upper bound of the whole burst's p95). Iterations over the same scheduled duration make the
 * achieved rate the sum of the processes' rates.
 */
export function mergeBurstResults(results: LoadResult[], requestedRate: number, durationSeconds: number): LoadResult {
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const iterations = sum((r) => r.iterations);
  const httpReqs = sum((r) => r.httpReqs);
  const p95s = results.map((r) => r.httpReqDurationP95Ms).filter((p): p is number => p !== null);
  return {
    requestedRate,
    durationSeconds,
    iterations,
    achievedRate: iterations / durationSeconds,
    droppedIterations: sum((r) => r.droppedIterations),
    httpReqs,
    httpReqFailedRate: httpReqs === 0 ? 0 : sum((r) => r.httpReqFailedRate * r.httpReqs) / httpReqs,
    httpReqDurationP95Ms: p95s.length === 0 ? null : Math.max(...p95s),
  };
}
