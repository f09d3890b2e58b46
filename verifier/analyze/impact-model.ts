// What users saw during each fault, in the analysis model (re-exported by model.ts): failures and
// slowness of the trace, overall and per named journey.

import type { EpochMs } from './time.ts';

/** What the trace (1 req/s for the whole window) saw between injection and revert + grace. */
export interface FaultImpact extends TraceImpact {
  from: EpochMs;
  to: EpochMs;
  /** The same figures per named journey (`trace.samples` events with a `journey`); empty for an unnamed trace. */
  journeys: JourneyImpact[];
}

export interface JourneyImpact extends TraceImpact {
  journey: string;
}

/** What users saw: failures, slowness, both, or neither. */
export type ImpactKind = 'none' | 'failures' | 'latency' | 'failures-and-latency';

export interface TraceImpact {
  totalRequests: number;
  failedRequests: number;
  /** The first failed request in the span. */
  firstFailureAt: EpochMs | null;
  /** The first failed request, or the first slow one when the fault counts as slow (`latency.slow`). */
  impactStartedAt: EpochMs | null;
  /** When failures and slowness had both ended: the first success after the last failure, the first fast request after the last slow one. */
  restoredAt: EpochMs | null;
  /** From the start of the impact to restoration (or to the last trace sample, if never restored). */
  impactSeconds: number | null;
  /** restoredAt − revertedAt, never negative; null if never restored or never reverted. */
  timeToRestoreSeconds: number | null;
  kind: ImpactKind;
  /** Null when the journal kept no latencies (recorded before they were). */
  latency: LatencyImpact | null;
}

/** Nearest-rank percentiles of the trace's iteration durations, in milliseconds. */
export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LatencyImpact {
  /** Before the first fault was injected; null when the trace timed nothing before it. */
  baseline: LatencyFigures | null;
  /** Between injection and revert + grace. */
  during: LatencyFigures | null;
  /** The plan's impact.latencyFactor (default 2). */
  factor: number;
  /** factor × baseline p95: a request slower than this is slow. */
  thresholdMs: number | null;
  /** The p95 during the fault exceeded the threshold: user-visible impact. */
  slow: boolean;
  slowRequests: number;
  /** Only when `slow`: the first slow request, and the first request under the threshold after the last slow one. */
  slowStartedAt: EpochMs | null;
  slowEndedAt: EpochMs | null;
  slowSeconds: number | null;
}
