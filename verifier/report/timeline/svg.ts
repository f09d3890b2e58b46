// The timeline of report.html as inline SVG, drawn here so the page needs no script and no network:
// the trace's success rate and latency across the run, fault windows shaded, bursts marked, and per
// expected alert its target span and its pending, firing and notified moments. Pure.
//
// Elements carry classes (and data-* attributes) the browser test counts: one .fault-window per
// injected fault, one .burst per started burst, one .mark-pending / .mark-firing / .mark-notified
// per figure in report.json, one .trace-failure per failed trace request.

import { joinHtml, markup, type SafeHtml } from '../html/template.ts';
import type { ReportJson } from '../report-json.ts';
import type { TraceRecord } from '../trace-record.ts';
import { alertLane } from './alert-lane.ts';
import { blindBands, burstLane, faultBands, faultLane } from './lanes.ts';
import {
  clock,
  GAP,
  LANE,
  LEFT,
  parse,
  relative,
  ROW,
  round,
  type Span,
  tickStep,
  timeSpan,
  WIDTH,
  type XScale,
  xScale,
} from './scales.ts';
import { latencyLane, successLane } from './trace-lanes.ts';

export function timelineSvg(report: ReportJson, trace: TraceRecord): SafeHtml {
  const span = timeSpan(report, trace);
  const x = xScale(span);
  const origin = parse(report.run.windowStartedAt) ?? span.from;

  const expectations = report.faults.flatMap((fault) => fault.expectations.map((expectation) => ({ fault, expectation })));
  const top = 30;
  const successTop = top;
  const latencyTop = successTop + LANE + GAP;
  // One latency lane per named journey (each has its own normal), else one for the whole trace.
  const journeys = trace.journeys ?? [];
  const latencyLanes =
    journeys.length === 0
      ? [latencyLane(trace, span, x, latencyTop)]
      : journeys.map((journey, index) => latencyLane(journey, span, x, latencyTop + index * (LANE + GAP), journey.journey));
  const faultsTop = latencyTop + latencyLanes.length * (LANE + GAP);
  const burstsTop = faultsTop + Math.max(1, report.faults.length) * ROW + GAP;
  const alertsTop = burstsTop + Math.max(1, report.bursts.length) * ROW + GAP;
  const alertRows = expectations.length + report.unexpectedAlerts.length;
  const bottom = alertsTop + Math.max(1, alertRows) * ROW;
  const height = bottom + 44;

  const parts = [
    markup`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of run ${report.run.id}">`,
    markup`<defs><pattern id="blind-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6"/></pattern></defs>`,
    axis(span, origin, x, top, bottom),
    faultBands(report.faults, x, span, successTop, bottom),
    blindBands(report, x, span, successTop, bottom),
    successLane(trace, span, x, successTop),
    ...latencyLanes,
    faultLane(report.faults, x, span, faultsTop),
    burstLane(report, x, span, burstsTop, successTop, bottom),
    alertLane(report, expectations, x, span, alertsTop),
    markup`</svg>`,
  ];
  return joinHtml(parts, '\n');
}

/** Ticks in seconds from the window's start on top, the UTC clock below. */
function axis(span: Span, origin: number, x: XScale, top: number, bottom: number): SafeHtml {
  const step = tickStep((span.to - span.from) / 1000);
  const out = [markup`<g class="axis">`];
  const first = Math.ceil((span.from - origin) / 1000 / step) * step;
  for (let offset = first; origin + offset * 1000 <= span.to; offset += step) {
    const at = origin + offset * 1000;
    const px = round(x(at));
    out.push(markup`<line class="grid" x1="${px}" y1="${top - 4}" x2="${px}" y2="${bottom}"/>`);
    out.push(markup`<text class="tick" x="${px}" y="${top - 10}" text-anchor="middle">${relative(offset, step >= 60)}</text>`);
    out.push(markup`<text class="tick clock" x="${px}" y="${bottom + 16}" text-anchor="middle">${clock(at)}</text>`);
  }
  out.push(markup`<text class="axis-note" x="${LEFT}" y="${bottom + 36}">t = seconds from the window start; clock times in UTC</text>`);
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}
