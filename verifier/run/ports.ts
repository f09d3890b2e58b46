// The boundaries the orchestrator talks through. Production implementations live in load/,
// observe/ and faults/; tests pass their own.

import type { LoadProcess, LoadProcessEnded, LoadResult } from '../journal/events.ts';
import type { TraceStream } from '../load/trace-stream.ts';

export interface TraceStart {
  script: string;
  baseUrl: string;
  rate: number;
  durationSeconds: number;
  runId: string;
  runDir: string;
  prometheusUrl: string;
  /** Extra `-e` settings for the script, e.g. JOURNEYS_FILE for traces/journeys.ts. */
  scriptEnv?: Record<string, string>;
}

export interface BurstStart extends TraceStart {
  name: string;
  vus?: number;
  /** k6 processes to split the burst over (execution segments); 1 when absent. */
  processes?: number;
}

export interface LoadFinish {
  exitCode: number | null;
  signal: string | null;
  /** Bursts: figures from k6's summary. */
  result?: LoadResult;
  /** Trace: per-iteration outcome, [unix ms, 1 ok / 0 failed]. */
  traceSamples?: Array<[number, 0 | 1]>;
  /** Trace: per-iteration duration, [unix ms as in traceSamples, milliseconds]. */
  traceLatencies?: Array<[number, number]>;
  /** Trace: the same per named journey; absent or empty for a trace without journeys. */
  traceJourneys?: Array<{ journey: string; samples: Array<[number, 0 | 1]>; latencies: Array<[number, number]> }>;
  /** Set when k6 ended in a way that was not asked for (crash, bad script); carries the log tail. */
  error?: string;
  /** A burst split over k6 processes: each one's own end; `result` is their merge. */
  processes?: LoadProcessEnded[];
}

export interface LoadHandle {
  pid: number;
  vus: number;
  /** A burst split over k6 processes: each one's instance_id and pid (`pid` is the first's). */
  processes?: LoadProcess[];
  releaseSkewMs?: number;
  /** Resolves when k6 has exited and its outputs were read. */
  finished: Promise<LoadFinish>;
  /** Asks k6 to stop (SIGINT, then SIGKILL after a grace) and resolves like `finished`. */
  stop(): Promise<LoadFinish>;
}

/** How far the running trace has got: iterations finished, `trace_ok` samples, those with `started_ms`. */
export interface TraceProgress {
  iterations: number;
  samples: number;
  timed: number;
}

export interface TraceHandle extends LoadHandle {
  /** Read while k6 runs (the baseline): does the trace script keep the trace contract? */
  progress(): Promise<TraceProgress>;
  /**
   * The trace read as it arrives: take() gives the iterations completed since the last take (the
   * run journals them in chunks; `finished` carries the rest), onIteration() tells watchers of each.
   */
  stream?: Pick<TraceStream, 'take' | 'onIteration'>;
}

export interface LoadRunner {
  startTrace(spec: TraceStart): Promise<TraceHandle>;
  startBurst(spec: BurstStart): Promise<LoadHandle>;
}
