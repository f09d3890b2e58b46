// The geometry of the timeline: its fixed layout, the time span it covers and the scale from a
// moment to an x coordinate, the axis ticks, and the small number and time formats its marks use.

import type { ReportJson } from '../report-json.ts';
import type { TraceRecord } from '../trace-record.ts';

export const WIDTH = 1200;
export const LEFT = 210;
export const RIGHT = 24;
export const PLOT = WIDTH - LEFT - RIGHT;
export const ROW = 20;
export const LANE = 84;
export const GAP = 26;

export interface Span {
  from: number;
  to: number;
}

/** Unix ms to an x coordinate on the plot. */
export type XScale = (at: number) => number;

export function xScale(span: Span): XScale {
  return (at) => LEFT + ((at - span.from) / (span.to - span.from)) * PLOT;
}

/** From the first thing to draw to the last, with a little room on both sides. */
export function timeSpan(report: ReportJson, trace: TraceRecord): Span {
  const times: number[] = [];
  const add = (iso: string | null | undefined) => {
    const at = parse(iso);
    if (at !== null) times.push(at);
  };
  add(report.run.windowStartedAt);
  add(report.run.windowEndedAt);
  for (const fault of report.faults) {
    add(fault.injectedAt);
    add(fault.revertedAt);
    add(fault.measuredFrom);
    for (const e of fault.expectations) {
      add(e.pendingAt);
      add(e.firingAt);
      add(e.notifiedAt);
      add(e.resolvedAt);
    }
  }
  for (const burst of report.bursts) {
    add(burst.startedAt);
    add(burst.endedAt);
  }
  for (const alert of report.unexpectedAlerts) add(alert.firstStartedAt);
  // Blind stretches, from the run's start at the earliest (the record reaches back before it).
  const runStart = parse(report.run.startedAt);
  for (const interval of report.blindIntervals ?? []) {
    const from = parse(interval.from);
    if (from !== null) times.push(runStart === null ? from : Math.max(from, runStart));
    add(interval.to);
  }
  const first = trace.samples[0];
  const last = trace.samples[trace.samples.length - 1];
  if (first) times.push(first[0]);
  if (last) times.push(last[0]);
  if (times.length === 0) add(report.run.startedAt);
  const from = Math.min(...times);
  const to = Math.max(...times, from + 60_000);
  const pad = (to - from) * 0.01;
  return { from: from - pad, to: to + pad };
}

/** Seconds between axis ticks: about ten ticks. */
export function tickStep(seconds: number): number {
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  return steps.find((step) => seconds / step <= 12) ?? 14_400;
}

export function niceBucket(ms: number): number {
  const steps = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  return steps.find((step) => step >= ms) ?? 600_000;
}

/** t+90s, t−30s; t+2m when the ticks are whole minutes apart. */
export function relative(offsetSeconds: number, minutes: boolean): string {
  const sign = offsetSeconds < 0 ? '−' : '+';
  const abs = Math.abs(offsetSeconds);
  return minutes ? `t${sign}${abs / 60}m` : `t${sign}${abs}s`;
}

export function clock(at: number, precise = false): string {
  const iso = new Date(at).toISOString();
  return precise ? `${iso.slice(11, 23)}Z` : `${iso.slice(11, 19)}Z`;
}

export function parse(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : null;
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** An SVG path through the points, lifting the pen at each gap (null). */
export function pathOf(points: ReadonlyArray<readonly [number, number] | null>): string {
  let d = '';
  let pen = false;
  for (const point of points) {
    if (point === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${round(point[0])} ${round(point[1])} `;
    pen = true;
  }
  return d.trim();
}
