// What a user would have seen: the trace sends one request a second for the whole window, so its
// failures show when a fault started to hurt and when service came back.

import type { FaultImpact, TraceTotals } from './model.ts';
import { type EpochMs, round3, secondsBetween } from './time.ts';

export type TraceSample = readonly [EpochMs, 0 | 1];

/**
 * The trace between `from` (injection) and `to` (revert + grace). Restoration is looked for past
 * `to` as well: a service that comes back after the grace still came back.
 */
export function faultImpact(
  samples: readonly TraceSample[],
  span: { from: EpochMs; to: EpochMs },
  revertedAt: EpochMs | null,
): FaultImpact {
  const inSpan = samples.filter(([at]) => at >= span.from && at <= span.to);
  const failures = inSpan.filter(([, ok]) => ok === 0);
  const firstFailure = failures[0]?.[0] ?? null;
  const lastFailure = failures.at(-1)?.[0] ?? null;
  const restoredAt = lastFailure === null ? null : (samples.find(([at, ok]) => ok === 1 && at > lastFailure)?.[0] ?? null);
  const lastSample = samples.at(-1)?.[0] ?? null;

  let impactSeconds: number | null = null;
  if (firstFailure !== null) impactSeconds = secondsBetween(firstFailure, restoredAt ?? lastSample ?? firstFailure);
  else if (inSpan.length > 0) impactSeconds = 0;

  return {
    from: span.from,
    to: span.to,
    totalRequests: inSpan.length,
    failedRequests: failures.length,
    impactStartedAt: firstFailure,
    restoredAt,
    impactSeconds,
    timeToRestoreSeconds: restoredAt === null || revertedAt === null ? null : Math.max(0, secondsBetween(revertedAt, restoredAt)),
  };
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
