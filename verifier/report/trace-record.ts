// The trace's per-request record, straight from the journal: report.json keeps only totals, and the
// timeline in report.html draws every request. Pure.

import type { JournalEvent } from '../journal/events.ts';

export interface TraceRecord {
  /** [unix ms of the iteration, 1 ok / 0 failed], oldest first. */
  samples: Array<[number, 0 | 1]>;
  /** [unix ms of the iteration, its duration in ms], oldest first; empty for journals from before latencies were kept. */
  latencies: Array<[number, number]>;
}

export function traceRecord(events: readonly JournalEvent[]): TraceRecord {
  const samples: Array<[number, 0 | 1]> = [];
  const latencies: Array<[number, number]> = [];
  for (const event of events) {
    if (event.kind !== 'trace.samples') continue;
    for (const [at, ok] of event.samples) samples.push([at, ok]);
    for (const [at, ms] of event.latencies ?? []) latencies.push([at, ms]);
  }
  samples.sort((a, b) => a[0] - b[0]);
  latencies.sort((a, b) => a[0] - b[0]);
  return { samples, latencies };
}
