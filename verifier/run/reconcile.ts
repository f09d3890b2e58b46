// After the window, Prometheus's own record of the run: raw samples of `ALERTS` and
// `ALERTS_FOR_STATE` (exact evaluation timestamps, every episode, even those between two polls or
// while gameday was not looking), and the sample times of the trace's own series (was the trace
// reaching Prometheus?). Used at the end of a run and, after a crash, by `gameday reconcile`.

import { errorMessage } from '../errors.ts';
import type { SeriesSamples } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';

export interface RecordSource {
  rawSamples(selector: string, rangeSeconds: number, time: Date): Promise<SeriesSamples[]>;
}

export interface ReconcileSpan {
  /** gameday's clock: the run's start (a margin is added before it). */
  from: Date;
  /** gameday's clock: now. */
  to: Date;
  /** Prometheus's clock minus gameday's, if measured: the query is evaluated at Prometheus's "now". */
  offsetMs?: number;
  runId: string;
}

/** Margin before the run's start, so an alert already active then shows where it began. */
export const RECORD_MARGIN_SECONDS = 30;

/**
 * The selector of a series k6 pushes every second while the trace runs, whatever its requests do:
 * its gaps are the times the trace was not reaching Prometheus.
 */
export function traceLivenessSelector(runId: string): string {
  return `k6_vus{testid=${JSON.stringify(runId)},role="trace"}`;
}

/**
 * The events to journal: `alerts.reconciled` and `trace.series`, or `observe.failed` for what
 * could not be read. Never throws: a failed reconciliation leaves the polls as evidence.
 */
export async function reconcileRecord(prometheus: RecordSource, span: ReconcileSpan): Promise<EventInput[]> {
  const at = new Date(span.to.getTime() + (span.offsetMs ?? 0));
  const rangeSeconds = (span.to.getTime() - span.from.getTime()) / 1000 + RECORD_MARGIN_SECONDS;
  const from = new Date(at.getTime() - Math.ceil(rangeSeconds) * 1000).toISOString();
  const events: EventInput[] = [];
  try {
    const [alerts, forState] = await Promise.all([
      prometheus.rawSamples('ALERTS', rangeSeconds, at),
      prometheus.rawSamples('ALERTS_FOR_STATE', rangeSeconds, at),
    ]);
    // `from` and `to` are on Prometheus's clock, like the samples: the query's evaluation time.
    events.push({ kind: 'alerts.reconciled', from, to: at.toISOString(), alerts, forState });
  } catch (error) {
    events.push({ kind: 'observe.failed', source: 'prometheus', phase: 'reconciliation', error: `reconciliation: ${errorMessage(error)}` });
  }
  const selector = traceLivenessSelector(span.runId);
  try {
    const series = await prometheus.rawSamples(selector, rangeSeconds, at);
    const timestamps = [...new Set(series.flatMap((one) => one.samples.map(([seconds]) => seconds)))].sort((a, b) => a - b);
    // k6 stamps its samples with its own clock, gameday's host: so are `from` and `to` here.
    const localFrom = new Date(span.to.getTime() - Math.ceil(rangeSeconds) * 1000).toISOString();
    events.push({ kind: 'trace.series', selector, from: localFrom, to: span.to.toISOString(), timestamps });
  } catch (error) {
    events.push({ kind: 'observe.failed', source: 'prometheus', phase: 'reconciliation', error: `trace series: ${errorMessage(error)}` });
  }
  return events;
}
