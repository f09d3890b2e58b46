// Two clocks meet in a journal: gameday's (every event's `at`, injections, polls, webhook receipts,
// k6's samples) and Prometheus's (activeAt, startsAt, endsAt, ALERTS sample times). The
// `clock.sampled` events bracket reads of Prometheus's `time()` with gameday's clock; from them
// comes the offset, and every Prometheus time is moved onto gameday's clock before anything is
// measured, so a skew between two hosts does not become a detection latency.

import { type ClockOffset, clockOffset } from '../journal/clock-offset.ts';
import type { ClockSampled, JournalEvent, SeriesSamples } from '../journal/events.ts';

export interface ClockEstimate {
  /** Prometheus's clock minus gameday's, milliseconds: positive when Prometheus is ahead. */
  offsetMs: number;
  /** The offset is known within ± this: half the best read's round trip, plus half the drift. */
  uncertaintyMs: number;
  /** End-of-run offset minus preflight offset; null unless both were read. */
  driftMs: number | null;
  /** Reads the estimate rests on. */
  samples: number;
  /** Whether Prometheus's times were moved by the offset (not when it is under a millisecond). */
  corrected: boolean;
}

/** The offset from the preflight and end-of-run reads (their mean when both exist); null without reads. */
export function estimateClock(events: readonly JournalEvent[]): ClockEstimate | null {
  const sampled = events.filter((event): event is ClockSampled => event.kind === 'clock.sampled');
  const phase = (name: ClockSampled['phase']) =>
    clockOffset(sampled.filter((event) => event.phase === name).flatMap((event) => event.samples));
  const offsets = [phase('preflight'), phase('end')].filter((offset): offset is ClockOffset => offset !== null);
  const first = offsets[0];
  if (first === undefined) return null;
  const last = offsets.at(-1) ?? first;
  const driftMs = offsets.length === 2 ? last.offsetMs - first.offsetMs : null;
  const offsetMs = Math.round((first.offsetMs + last.offsetMs) / 2);
  return {
    offsetMs,
    uncertaintyMs: Math.max(first.uncertaintyMs, last.uncertaintyMs) + Math.ceil(Math.abs(driftMs ?? 0) / 2),
    driftMs,
    samples: sampled.reduce((sum, event) => sum + event.samples.length, 0),
    corrected: offsetMs !== 0,
  };
}

/** Go's zero time: a firing alert's `endsAt` in a webhook. Not a time to move. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * The journal with every Prometheus-clock time moved onto gameday's clock (t − offset). Events
 * are copied, never changed in place. Sample timestamps stay in unix seconds.
 */
export function toGamedayClock(events: readonly JournalEvent[], offsetMs: number): JournalEvent[] {
  if (offsetMs === 0) return [...events];
  const iso = (text: string) => (text === ZERO_TIME || text === '' ? text : shiftIso(text, -offsetMs));
  const seconds = (value: number) => Math.round(value * 1000 - offsetMs) / 1000;
  const series = (list: readonly SeriesSamples[], values: boolean): SeriesSamples[] =>
    list.map((one) => ({
      labels: one.labels,
      samples: one.samples.map(([t, v]) => [seconds(t), values ? seconds(v) : v] as [number, number]),
    }));

  return events.map((event): JournalEvent => {
    switch (event.kind) {
      case 'alerts.prometheus':
        return { ...event, alerts: event.alerts.map((alert) => ({ ...alert, activeAt: iso(alert.activeAt) })) };
      case 'alerts.alertmanager':
        return { ...event, alerts: event.alerts.map((alert) => ({ ...alert, startsAt: iso(alert.startsAt) })) };
      case 'webhook.received':
        return { ...event, alerts: event.alerts.map((alert) => ({ ...alert, startsAt: iso(alert.startsAt), endsAt: iso(alert.endsAt) })) };
      case 'alerts.reconciled':
        // ALERTS_FOR_STATE's value is activeAt, a Prometheus time too.
        return {
          ...event,
          from: iso(event.from),
          to: iso(event.to),
          alerts: series(event.alerts, false),
          forState: series(event.forState, true),
        };
      default:
        return event;
    }
  });
}

function shiftIso(text: string, deltaMs: number): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  // Prometheus writes nanoseconds; keep the sub-millisecond digits out of it: the shift is whole milliseconds.
  return new Date(ms + deltaMs).toISOString();
}
