// Reads Prometheus's clock. Its timestamps (activeAt, startsAt, ALERTS samples) are on its host's
// clock and gameday's injections on gameday's, so a skew between the two hosts would move every
// figure. Each read of `time()` is bracketed by gameday's clock; the analysis takes the read with
// the shortest round trip (NTP's idea): offset = prometheusTime − midpoint, ± half the round trip.

import type { ClockSample } from '../journal/events.ts';

export interface ClockSource {
  /** Value of an instant query; for `time()`, Prometheus's clock in unix seconds (milliseconds kept). */
  instant(query: string): Promise<number | undefined>;
}

/** `count` bracketed reads of `time()`; failed reads are left out (none at all when Prometheus does not answer). */
export async function sampleClock(prometheus: ClockSource, now: () => Date, count = 5): Promise<ClockSample[]> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < count; i++) {
    const sentAt = now();
    const seconds = await prometheus.instant('time()').catch(() => undefined);
    const receivedAt = now();
    if (seconds === undefined || !Number.isFinite(seconds)) continue;
    samples.push({
      sentAt: sentAt.toISOString(),
      prometheusTime: new Date(Math.round(seconds * 1000)).toISOString(),
      receivedAt: receivedAt.toISOString(),
    });
  }
  return samples;
}
