// The offset between Prometheus's clock and gameday's, from `clock.sampled` reads: the read with
// the shortest round trip (NTP's idea): offset = prometheusTime − midpoint, ± half the round trip.
// Pure; the run logs it, the analysis corrects every Prometheus time by it.

import type { ClockSample } from './events.ts';

export interface ClockOffset {
  /** Prometheus's clock minus gameday's, in milliseconds: positive when Prometheus is ahead. */
  offsetMs: number;
  /** Half the round trip of the read it comes from: the true offset is within ± this. */
  uncertaintyMs: number;
}

/** The offset from the read with the shortest round trip; null without reads. Pure. */
export function clockOffset(samples: readonly ClockSample[]): ClockOffset | null {
  let best: ClockOffset | null = null;
  for (const sample of samples) {
    const sent = Date.parse(sample.sentAt);
    const received = Date.parse(sample.receivedAt);
    const prometheus = Date.parse(sample.prometheusTime);
    if (![sent, received, prometheus].every(Number.isFinite) || received < sent) continue;
    const candidate = { offsetMs: Math.round(prometheus - (sent + received) / 2), uncertaintyMs: Math.ceil((received - sent) / 2) };
    if (best === null || candidate.uncertaintyMs < best.uncertaintyMs) best = candidate;
  }
  return best;
}
