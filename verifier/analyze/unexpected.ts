// Alerts nobody expected: episodes inside the window that match no expectation of any fault.
// They are either collateral damage of a fault (worth a line in the post-mortem) or noise. An
// alert is put down to the faults whose span from injection to revert one of its episodes
// overlaps; falling into a fault's grace period after the revert is not enough (the next fault,
// or nothing at all, may have caused it). UNEXPECTED_ATTRIBUTION says so in the reports.

import type { FaultSpec } from '../plan/types.ts';
import { labelKey, matchesExpectation } from '../alerting/labels.ts';
import type { AlertEpisode, UnexpectedAlert } from './model.ts';
import type { EpochMs } from './time.ts';

export interface FaultSpan {
  name: string;
  /** Injected; null when it never was. */
  from: EpochMs | null;
  /** Reverted; for a fault never reverted, revert + grace or the end of the record. */
  to: EpochMs | null;
}

/** The rule behind `duringFaults`, in the reports' words. */
export const UNEXPECTED_ATTRIBUTION =
  "an alert counts as during a fault when one of its episodes overlaps the fault's span from injection to revert (the grace after the revert does not count)";

export function unexpectedAlerts(
  episodes: readonly AlertEpisode[],
  faults: readonly FaultSpec[],
  spans: readonly FaultSpan[],
  window: { from: EpochMs; to: EpochMs },
  watchdog: string | null,
): UnexpectedAlert[] {
  const expectations = faults.flatMap((fault) => fault.expect);
  const byLabels = new Map<string, UnexpectedAlert>();
  for (const episode of episodes) {
    if (episode.alertname === watchdog) continue;
    if (episode.startedAt < window.from || episode.startedAt > window.to) continue;
    if (expectations.some((expectation) => matchesExpectation(episode.labels, expectation))) continue;

    const key = labelKey(episode.labels);
    const entry: UnexpectedAlert = byLabels.get(key) ?? {
      alertname: episode.alertname,
      labels: episode.labels,
      episodes: 0,
      firstStartedAt: episode.startedAt,
      fired: false,
      duringFaults: [],
      stillActiveAtEnd: false,
    };
    entry.episodes += 1;
    entry.firstStartedAt = Math.min(entry.firstStartedAt, episode.startedAt);
    entry.fired ||= episode.firing !== null;
    entry.stillActiveAtEnd ||= episode.endedBy === null;
    for (const span of spans) {
      const overlaps =
        span.from !== null &&
        span.to !== null &&
        episode.startedAt <= span.to &&
        (episode.endedBy === null || episode.endedBy >= span.from);
      if (overlaps && !entry.duringFaults.includes(span.name)) entry.duringFaults.push(span.name);
    }
    byLabels.set(key, entry);
  }
  return [...byLabels.values()].sort((a, b) => a.firstStartedAt - b.firstStartedAt);
}
