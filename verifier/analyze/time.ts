// Every time the analysis handles becomes milliseconds since the Unix epoch: the journal's ISO
// strings (gameday's clock), Prometheus sample timestamps (unix seconds) and the alert APIs'
// RFC 3339 times (nanoseconds, truncated to milliseconds, the precision Prometheus stores).

import { UsageError } from '../errors.ts';

/** Milliseconds since the Unix epoch. */
export type EpochMs = number;

export function parseInstant(iso: string): EpochMs {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new UsageError(`invalid journal time; reason: expected an ISO 8601 time, got ${JSON.stringify(iso)}`);
  }
  return ms;
}

/** Prometheus sample timestamps are unix seconds with millisecond precision. */
export function fromUnixSeconds(seconds: number): EpochMs {
  return Math.round(seconds * 1000);
}

/** Seconds from `from` to `to`, rounded to 3 decimals: the precision every report shows. */
export function secondsBetween(from: EpochMs, to: EpochMs): number {
  return round3((to - from) / 1000);
}

/** Three decimals: milliseconds for seconds, and enough for ratios. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] as number) + upper) / 2;
}

export function toIso(at: EpochMs): string {
  return new Date(at).toISOString();
}
