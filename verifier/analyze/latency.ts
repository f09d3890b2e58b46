// Slowness as user impact: the trace's iteration durations during a fault against the baseline
// before the first fault. A fault whose p95 exceeds `factor` × the baseline p95 hurt users even if
// every request succeeded; it lasted from the first request slower than that threshold to the first
// request back under it after the last slow one (the same rule as restoration after failures).

import type { LatencyFigures, LatencyImpact } from './impact-model.ts';
import { type EpochMs, round3, secondsBetween } from './time.ts';

/** [unix ms of the iteration, its duration in ms], as the journal's `trace.samples` keep them. */
export type TraceLatency = readonly [EpochMs, number];

/** The default of the plan's `impact.latencyFactor`. */
export const DEFAULT_LATENCY_FACTOR = 2;

/** Below this many requests, one slow request is the baseline's p95 (nearest rank: ceil(0.95·n) = n). */
export const STEADY_BASELINE_REQUESTS = 20;

/** Words for a baseline too thin to judge slowness by, or none. */
export function thinBaselineNote(baseline: LatencyFigures | null): string[] {
  if (baseline === null) return ['no trace latency before the first fault: slowness could not be judged (start the first fault later)'];
  if (baseline.requests >= STEADY_BASELINE_REQUESTS) return [];
  return [
    `the latency baseline holds only ${baseline.requests} trace requests before the first fault, so its slowest request sets its p95 ` +
      `(${baseline.p95Ms} ms); start the first fault later (${STEADY_BASELINE_REQUESTS} requests or more) for a steadier baseline`,
  ];
}

/** Nearest-rank percentile (p in 0..1) of values sorted ascending; the value of a real request. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] as number;
}

export function latencyFigures(durations: readonly number[]): LatencyFigures | null {
  if (durations.length === 0) return null;
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    p50Ms: round3(percentile(sorted, 0.5)),
    p95Ms: round3(percentile(sorted, 0.95)),
    maxMs: round3(sorted.at(-1) as number),
  };
}

/** The trace's latencies before `firstFault` (the first injection): the run's normal. */
export function baselineLatency(latencies: readonly TraceLatency[], firstFault: EpochMs | null): LatencyFigures | null {
  const before = firstFault === null ? latencies : latencies.filter(([at]) => at < firstFault);
  return latencyFigures(before.map(([, ms]) => ms));
}

/**
 * Latency between `span.from` and `span.to` (latencies sorted by time). Null when the journal kept
 * no latencies at all (journals from before they were recorded), so "no data" never reads as "fast".
 */
export function latencyImpact(
  latencies: readonly TraceLatency[],
  span: { from: EpochMs; to: EpochMs },
  baseline: LatencyFigures | null,
  factor: number,
): LatencyImpact | null {
  if (latencies.length === 0) return null;
  const inSpan = latencies.filter(([at]) => at >= span.from && at <= span.to);
  const during = latencyFigures(inSpan.map(([, ms]) => ms));
  const thresholdMs = baseline === null ? null : round3(factor * baseline.p95Ms);
  const slow = thresholdMs !== null && during !== null && during.p95Ms > thresholdMs;
  const slowRequests = thresholdMs === null ? [] : inSpan.filter(([, ms]) => ms > thresholdMs);
  let slowStartedAt: EpochMs | null = null;
  let slowEndedAt: EpochMs | null = null;
  if (slow && thresholdMs !== null) {
    slowStartedAt = slowRequests[0]?.[0] ?? null;
    const lastSlow = slowRequests.at(-1)?.[0] ?? null;
    slowEndedAt = lastSlow === null ? null : (latencies.find(([at, ms]) => at > lastSlow && ms <= thresholdMs)?.[0] ?? null);
  }
  const lastSample = latencies.at(-1)?.[0] ?? null;
  return {
    baseline,
    during,
    factor,
    thresholdMs,
    slow,
    slowRequests: slowRequests.length,
    slowStartedAt,
    slowEndedAt,
    slowSeconds: slowStartedAt === null ? null : secondsBetween(slowStartedAt, slowEndedAt ?? lastSample ?? slowStartedAt),
  };
}
