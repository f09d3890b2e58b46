// What a user would have seen: the trace sends requests for the whole window, so its failures and
// its slow iterations show when a fault started to hurt and when service came back.

import { latencyImpact, type TraceLatency } from './latency.ts';
import type { FaultImpact, ImpactKind, LatencyFigures, TraceImpact } from './impact-model.ts';
import type { TraceTotals } from './model.ts';
import { type EpochMs, round3, secondsBetween } from './time.ts';

export type TraceSample = readonly [EpochMs, 0 | 1];

/** One trace's record: the whole trace, or one named journey of it. */
export interface TraceRecord {
  samples: readonly TraceSample[];
  latencies: readonly TraceLatency[];
}

/** The latency baselines (before the first fault) and the plan's factor. */
export interface LatencyContext {
  factor: number;
  baseline: LatencyFigures | null;
  journeyBaselines: ReadonlyMap<string, LatencyFigures | null>;
}

/**
 * The trace between `from` (injection) and `to` (revert + grace), over all of it and per named
 * journey. Restoration is looked for past `to` as well: a service that comes back after the grace
 * still came back.
 */
export function faultImpact(
  trace: TraceRecord,
  journeys: ReadonlyMap<string, TraceRecord>,
  span: { from: EpochMs; to: EpochMs },
  revertedAt: EpochMs | null,
  latency: LatencyContext,
): FaultImpact {
  return {
    from: span.from,
    to: span.to,
    ...traceImpact(trace, span, revertedAt, latency.baseline, latency.factor),
    journeys: [...journeys].map(([journey, record]) => ({
      journey,
      ...traceImpact(record, span, revertedAt, latency.journeyBaselines.get(journey) ?? null, latency.factor),
    })),
  };
}

function traceImpact(
  trace: TraceRecord,
  span: { from: EpochMs; to: EpochMs },
  revertedAt: EpochMs | null,
  baseline: LatencyFigures | null,
  factor: number,
): TraceImpact {
  const { samples } = trace;
  const inSpan = samples.filter(([at]) => at >= span.from && at <= span.to);
  const failures = inSpan.filter(([, ok]) => ok === 0);
  const firstFailure = failures[0]?.[0] ?? null;
  const lastFailure = failures.at(-1)?.[0] ?? null;
  const failuresEnded = lastFailure === null ? null : (samples.find(([at, ok]) => ok === 1 && at > lastFailure)?.[0] ?? null);
  const latency = latencyImpact(trace.latencies, span, baseline, factor);
  const slow = latency?.slow === true;

  // Impact runs from the first failed or slow request until both have ended; either never ending
  // means never restored.
  const starts = [firstFailure, slow ? (latency.slowStartedAt ?? null) : null].filter((at): at is number => at !== null);
  const impactStartedAt = starts.length === 0 ? null : Math.min(...starts);
  let restoredAt: EpochMs | null = null;
  if (impactStartedAt !== null) {
    const failureEnd = firstFailure === null ? impactStartedAt : failuresEnded;
    const slowEnd = slow ? latency.slowEndedAt : impactStartedAt;
    restoredAt = failureEnd === null || slowEnd === null ? null : Math.max(failureEnd, slowEnd);
  }
  const lastSample = Math.max(samples.at(-1)?.[0] ?? 0, trace.latencies.at(-1)?.[0] ?? 0) || null;

  let impactSeconds: number | null = null;
  if (impactStartedAt !== null) impactSeconds = secondsBetween(impactStartedAt, restoredAt ?? lastSample ?? impactStartedAt);
  else if (inSpan.length > 0) impactSeconds = 0;

  return {
    totalRequests: inSpan.length,
    failedRequests: failures.length,
    firstFailureAt: firstFailure,
    impactStartedAt,
    restoredAt,
    impactSeconds,
    timeToRestoreSeconds: restoredAt === null || revertedAt === null ? null : Math.max(0, secondsBetween(revertedAt, restoredAt)),
    kind: impactKind(firstFailure !== null, slow),
    latency,
  };
}

function impactKind(failed: boolean, slow: boolean): ImpactKind {
  if (failed && slow) return 'failures-and-latency';
  if (failed) return 'failures';
  return slow ? 'latency' : 'none';
}

export function traceTotals(samples: readonly TraceSample[], span: { from: EpochMs; to: EpochMs }): TraceTotals {
  const inSpan = samples.filter(([at]) => at >= span.from && at <= span.to);
  const failed = inSpan.filter(([, ok]) => ok === 0).length;
  return {
    totalRequests: inSpan.length,
    failedRequests: failed,
    successRatio: inSpan.length === 0 ? null : round3((inSpan.length - failed) / inSpan.length),
  };
}
