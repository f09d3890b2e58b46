// The trace's per-request record, straight from the journal: report.json keeps only totals, and the
// timeline in report.html draws every request. Pure.

import type { JournalEvent } from '../journal/events.ts';

export interface TraceRecord {
  /** [unix ms of the iteration, 1 ok / 0 failed], oldest first. */
  samples: Array<[number, 0 | 1]>;
  /** [unix ms of the iteration, its duration in ms], oldest first; empty for journals from before latencies were kept. */
  latencies: Array<[number, number]>;
  /** The same per named journey (`trace.samples` events with a `journey`), in order of first appearance; empty for an unnamed trace. */
  journeys?: JourneyRecord[];
}

export interface JourneyRecord {
  journey: string;
  samples: Array<[number, 0 | 1]>;
  latencies: Array<[number, number]>;
}

export function traceRecord(events: readonly JournalEvent[]): TraceRecord {
  const samples: Array<[number, 0 | 1]> = [];
  const latencies: Array<[number, number]> = [];
  const journeys = new Map<string, JourneyRecord>();
  for (const event of events) {
    if (event.kind !== 'trace.samples') continue;
    const journey =
      event.journey === undefined ? undefined : (journeys.get(event.journey) ?? { journey: event.journey, samples: [], latencies: [] });
    if (journey) journeys.set(journey.journey, journey);
    for (const [at, ok] of event.samples) {
      samples.push([at, ok]);
      journey?.samples.push([at, ok]);
    }
    for (const [at, ms] of event.latencies ?? []) {
      latencies.push([at, ms]);
      journey?.latencies.push([at, ms]);
    }
  }
  for (const list of [samples, latencies, ...[...journeys.values()].flatMap((j) => [j.samples, j.latencies])])
    list.sort((a, b) => a[0] - b[0]);
  return { samples, latencies, journeys: [...journeys.values()] };
}
