// The timeline of report.html as inline SVG, drawn here so the page needs no script and no network:
// the trace's success rate and latency across the run, fault windows shaded, bursts marked, and per
// expected alert its target span and its pending, firing and notified moments. Pure.
//
// Elements carry classes (and data-* attributes) the browser test counts: one .fault-window per
// injected fault, one .burst per started burst, one .mark-pending / .mark-firing / .mark-notified
// per figure in report.json, one .trace-failure per failed trace request.

import type { ReportExpectation, ReportFault, ReportJson } from './report-json.ts';
import { formatSeconds, formatSelector } from './format.ts';
import type { TraceRecord } from './trace-record.ts';
import type { Verdict } from '../analyze/index.ts';
import { escapeHtml as esc } from './html-escape.ts';

export const verdictColors: Record<Verdict, string> = {
  detected: '#1a7f37',
  late: '#bc4c00',
  missed: '#cf222e',
  'not-injected': '#6e7781',
  inconclusive: '#8250df',
};

const WIDTH = 1200;
const LEFT = 210;
const RIGHT = 24;
const PLOT = WIDTH - LEFT - RIGHT;
const ROW = 20;
const LANE = 84;
const GAP = 26;
/** The success rate line is over this trailing window (or one bucket, if longer). */
const SUCCESS_WINDOW_MS = 5000;

interface Span {
  from: number;
  to: number;
}

export function timelineSvg(report: ReportJson, trace: TraceRecord): string {
  const span = timeSpan(report, trace);
  const x = (at: number) => LEFT + ((at - span.from) / (span.to - span.from)) * PLOT;
  const origin = parse(report.run.windowStartedAt) ?? span.from;

  const expectations = report.faults.flatMap((fault) => fault.expectations.map((expectation) => ({ fault, expectation })));
  const top = 30;
  const successTop = top;
  const latencyTop = successTop + LANE + GAP;
  const faultsTop = latencyTop + LANE + GAP;
  const burstsTop = faultsTop + Math.max(1, report.faults.length) * ROW + GAP;
  const alertsTop = burstsTop + Math.max(1, report.bursts.length) * ROW + GAP;
  const alertRows = expectations.length + report.unexpectedAlerts.length;
  const bottom = alertsTop + Math.max(1, alertRows) * ROW;
  const height = bottom + 44;

  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${esc(`Timeline of run ${report.run.id}`)}">`,
  );
  parts.push(
    '<defs><pattern id="blind-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6"/></pattern></defs>',
  );
  parts.push(axis(span, origin, x, top, bottom));
  parts.push(faultBands(report.faults, x, span, successTop, bottom));
  parts.push(blindBands(report, x, span, successTop, bottom));
  parts.push(successLane(trace, span, x, successTop));
  parts.push(latencyLane(trace, span, x, latencyTop));
  parts.push(faultLane(report.faults, x, span, faultsTop));
  parts.push(burstLane(report, x, span, burstsTop, successTop, bottom));
  parts.push(alertLane(report, expectations, x, span, alertsTop));
  parts.push('</svg>');
  return parts.join('\n');
}

/** From the first thing to draw to the last, with a little room on both sides. */
function timeSpan(report: ReportJson, trace: TraceRecord): Span {
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

function axis(span: Span, origin: number, x: (at: number) => number, top: number, bottom: number): string {
  const step = tickStep((span.to - span.from) / 1000);
  const out = ['<g class="axis">'];
  const first = Math.ceil((span.from - origin) / 1000 / step) * step;
  for (let offset = first; origin + offset * 1000 <= span.to; offset += step) {
    const at = origin + offset * 1000;
    const px = round(x(at));
    out.push(`<line class="grid" x1="${px}" y1="${top - 4}" x2="${px}" y2="${bottom}"/>`);
    out.push(`<text class="tick" x="${px}" y="${top - 10}" text-anchor="middle">${esc(relative(offset, step >= 60))}</text>`);
    out.push(`<text class="tick clock" x="${px}" y="${bottom + 16}" text-anchor="middle">${esc(clock(at))}</text>`);
  }
  out.push(`<text class="axis-note" x="${LEFT}" y="${bottom + 36}">t = seconds from the window start; clock times in UTC</text>`);
  out.push('</g>');
  return out.join('\n');
}

function faultBands(faults: readonly ReportFault[], x: (at: number) => number, span: Span, top: number, bottom: number): string {
  const out = ['<g class="fault-bands">'];
  for (const fault of faults) {
    const window = faultWindow(fault, span);
    if (!window) continue;
    out.push(
      `<rect class="fault-band" data-fault="${esc(fault.name)}" x="${round(x(window.from))}" y="${top}" width="${round(Math.max(1, x(window.to) - x(window.from)))}" height="${bottom - top}"/>`,
    );
  }
  out.push('</g>');
  return out.join('\n');
}

/** Stretches when the monitoring pipeline could not be seen working: hatched, with the reason on hover. */
function blindBands(report: ReportJson, x: (at: number) => number, span: Span, top: number, bottom: number): string {
  const out = ['<g class="blind-intervals">'];
  for (const interval of report.blindIntervals ?? []) {
    const from = Math.max(span.from, parse(interval.from) ?? span.from);
    const to = Math.min(span.to, parse(interval.to) ?? span.to);
    if (to <= from) continue;
    const title = `blind (${interval.cause}${interval.alert ? `, ${interval.alert}` : ''}): ${interval.detail}${interval.affectsVerdicts ? '' : ' (affects no verdict)'}`;
    out.push(
      `<rect class="blind-interval${interval.affectsVerdicts ? '' : ' minor'}" data-cause="${esc(interval.cause)}" x="${round(x(from))}" y="${top}" width="${round(Math.max(1, x(to) - x(from)))}" height="${bottom - top}"><title>${esc(title)}</title></rect>`,
    );
  }
  out.push('</g>');
  return out.join('\n');
}

function faultWindow(fault: ReportFault, span: Span): Span | null {
  const from = parse(fault.injectedAt);
  if (from === null) return null;
  return { from, to: parse(fault.revertedAt) ?? parse(fault.deadline) ?? span.to };
}

interface Bucket {
  from: number;
  total: number;
  ok: number;
  latencies: number[];
}

function buckets(trace: TraceRecord, span: Span): { size: number; buckets: Bucket[] } {
  // About one bucket per 4 px, never under a second: a 1 req/s trace then shows every request.
  const size = Math.max(1000, niceBucket((span.to - span.from) / (PLOT / 4)));
  const count = Math.ceil((span.to - span.from) / size);
  const list: Bucket[] = Array.from({ length: count }, (_, i) => ({ from: span.from + i * size, total: 0, ok: 0, latencies: [] }));
  const at = (time: number) => list[Math.min(count - 1, Math.max(0, Math.floor((time - span.from) / size)))];
  for (const [time, ok] of trace.samples) {
    const bucket = at(time);
    if (!bucket) continue;
    bucket.total++;
    bucket.ok += ok;
  }
  for (const [time, ms] of trace.latencies) at(time)?.latencies.push(ms);
  return { size, buckets: list };
}

function successLane(trace: TraceRecord, span: Span, x: (at: number) => number, top: number): string {
  const y = (ratio: number) => top + (1 - ratio) * LANE;
  const out = ['<g class="lane lane-success">', laneLabel('trace success', top, LANE, 'share of requests that passed every check')];
  for (const ratio of [0, 0.5, 1]) {
    out.push(`<line class="hgrid" x1="${LEFT}" y1="${round(y(ratio))}" x2="${WIDTH - RIGHT}" y2="${round(y(ratio))}"/>`);
    out.push(`<text class="ytick" x="${LEFT - 6}" y="${round(y(ratio)) + 4}" text-anchor="end">${ratio * 100} %</text>`);
  }
  const { size, buckets: list } = buckets(trace, span);
  // At 1 req/s a bucket holds one request; a trailing window reads as a rate, as monitoring sees it.
  const trailing = Math.ceil(Math.max(SUCCESS_WINDOW_MS, size) / size);
  const points = list.map((bucket, index) => {
    let total = 0;
    let ok = 0;
    for (let i = Math.max(0, index - trailing + 1); i <= index; i++) {
      total += list[i]?.total ?? 0;
      ok += list[i]?.ok ?? 0;
    }
    return bucket.total > 0 ? ([x(bucket.from + size), y(ok / total)] as const) : null;
  });
  const over = `${(trailing * size) / 1000} s`;
  out.push(
    `<path class="success-line" d="${pathOf(points)}"><title>share of requests that succeeded over the trailing ${over}</title></path>`,
  );
  for (const [time, ok] of trace.samples) {
    if (ok) continue;
    out.push(
      `<rect class="trace-failure" x="${round(x(time) - 0.75)}" y="${top + LANE - 8}" width="1.5" height="8"><title>request failed at ${esc(clock(time, true))}</title></rect>`,
    );
  }
  if (trace.samples.length === 0) out.push(emptyNote('no trace samples recorded', top + LANE / 2));
  out.push('</g>');
  return out.join('\n');
}

function latencyLane(trace: TraceRecord, span: Span, x: (at: number) => number, top: number): string {
  const out = ['<g class="lane lane-latency">', laneLabel('trace latency', top, LANE, 'iteration time (write + read back), log scale')];
  const max = Math.max(10, ...trace.latencies.map(([, ms]) => ms));
  const decades = Math.max(1, Math.ceil(Math.log10(max)));
  const y = (ms: number) => top + LANE - (Math.log10(Math.max(1, ms)) / decades) * LANE;
  for (let d = 0; d <= decades; d++) {
    const ms = 10 ** d;
    out.push(`<line class="hgrid" x1="${LEFT}" y1="${round(y(ms))}" x2="${WIDTH - RIGHT}" y2="${round(y(ms))}"/>`);
    out.push(
      `<text class="ytick" x="${LEFT - 6}" y="${round(y(ms)) + 4}" text-anchor="end">${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}</text>`,
    );
  }
  const { size, buckets: list } = buckets(trace, span);
  const stat = (pick: (sorted: number[]) => number) =>
    list.map((b) => {
      if (b.latencies.length === 0) return null;
      const sorted = [...b.latencies].sort((a, c) => a - c);
      return [x(b.from + size / 2), y(pick(sorted))] as const;
    });
  out.push(
    `<path class="latency-max" d="${pathOf(stat((s) => s[s.length - 1] ?? 0))}"><title>slowest request per ${size / 1000} s</title></path>`,
  );
  if (size > 1000) {
    out.push(
      `<path class="latency-median" d="${pathOf(stat((s) => s[Math.floor(s.length / 2)] ?? 0))}"><title>median per ${size / 1000} s</title></path>`,
    );
  }
  if (trace.latencies.length === 0) out.push(emptyNote('no latencies recorded (journal from before gameday kept them)', top + LANE / 2));
  out.push('</g>');
  return out.join('\n');
}

function faultLane(faults: readonly ReportFault[], x: (at: number) => number, span: Span, top: number): string {
  const out = ['<g class="lane lane-faults">', sectionLabel('faults', top)];
  faults.forEach((fault, row) => {
    const y = top + row * ROW;
    out.push(rowLabel(fault.name, y, fault.description ?? fault.name));
    const window = faultWindow(fault, span);
    if (!window) {
      out.push(
        `<text class="row-note" x="${LEFT + 4}" y="${y + 14}">${esc(`not injected${fault.injectError ? `: ${fault.injectError}` : ''}`)}</text>`,
      );
      return;
    }
    const title = `${fault.name}: in place ${clock(window.from, true)} → ${fault.revertedAt ? clock(window.to, true) : 'never reverted'}`;
    out.push(
      `<rect class="fault-window" data-fault="${esc(fault.name)}" x="${round(x(window.from))}" y="${y + 4}" width="${round(Math.max(2, x(window.to) - x(window.from)))}" height="${ROW - 8}" rx="2"><title>${esc(title)}</title></rect>`,
    );
    const measured = parse(fault.measuredFrom);
    if (fault.measuredFromBurst && measured !== null) {
      out.push(
        `<line class="measured-from" x1="${round(x(measured))}" y1="${y + 1}" x2="${round(x(measured))}" y2="${y + ROW - 1}"><title>${esc(`measured from the start of burst ${fault.measuredFromBurst}, which exposes it`)}</title></line>`,
      );
    }
  });
  out.push('</g>');
  return out.join('\n');
}

function burstLane(report: ReportJson, x: (at: number) => number, span: Span, top: number, chartTop: number, chartBottom: number): string {
  const out = ['<g class="lane lane-bursts">', sectionLabel('bursts', top)];
  report.bursts.forEach((burst, row) => {
    const y = top + row * ROW;
    out.push(rowLabel(burst.name, y, `${burst.name}: ${burst.requestedRate}/s for ${burst.durationSeconds} s`));
    const from = parse(burst.startedAt);
    if (from === null) {
      out.push(`<text class="row-note" x="${LEFT + 4}" y="${y + 14}">never started</text>`);
      return;
    }
    const to = parse(burst.endedAt) ?? Math.min(span.to, from + burst.durationSeconds * 1000);
    const achieved = burst.achievedRate === null ? '' : `, achieved ${burst.achievedRate.toFixed(1)}/s`;
    const dropped = burst.droppedIterations ? `, ${burst.droppedIterations} dropped iterations` : '';
    out.push(`<line class="burst-mark" x1="${round(x(from))}" y1="${chartTop}" x2="${round(x(from))}" y2="${chartBottom}"/>`);
    out.push(
      `<rect class="burst" data-burst="${esc(burst.name)}" x="${round(x(from))}" y="${y + 4}" width="${round(Math.max(2, x(to) - x(from)))}" height="${ROW - 8}" rx="2"><title>${esc(`${burst.name}: ${burst.requestedRate}/s requested${achieved}${dropped}`)}</title></rect>`,
    );
  });
  if (report.bursts.length === 0) out.push(`<text class="row-note" x="${LEFT + 4}" y="${top + 14}">no bursts in this plan</text>`);
  out.push('</g>');
  return out.join('\n');
}

function alertLane(
  report: ReportJson,
  expectations: ReadonlyArray<{ fault: ReportFault; expectation: ReportExpectation }>,
  x: (at: number) => number,
  span: Span,
  top: number,
): string {
  const out = ['<g class="lane lane-alerts">', sectionLabel('expected alerts', top)];
  expectations.forEach(({ fault, expectation }, row) => {
    const y = top + row * ROW;
    const mid = y + ROW / 2;
    const selector = formatSelector(expectation.alert, expectation.labels);
    const color = verdictColors[expectation.verdict] ?? '#57606a';
    out.push(
      `<g class="alert-row" data-fault="${esc(fault.name)}" data-alert="${esc(expectation.alert)}" data-verdict="${esc(expectation.verdict)}">`,
    );
    out.push(rowLabel(`${selector}`, y, `${fault.name} / ${selector}: ${expectation.verdict}`, color));
    const origin = parse(fault.measuredFrom);
    if (origin !== null) {
      const end = Math.min(span.to, origin + expectation.withinSeconds * 1000);
      out.push(
        `<rect class="target-span" x="${round(x(origin))}" y="${y + 6}" width="${round(Math.max(1, x(end) - x(origin)))}" height="${ROW - 12}"><title>${esc(`target: fire within ${formatSeconds(expectation.withinSeconds)} of ${clock(origin, true)}`)}</title></rect>`,
      );
    }
    const pending = parse(expectation.pendingAt);
    const firing = parse(expectation.firingAt);
    if (pending !== null && firing !== null && firing > pending) {
      out.push(`<line class="pending-span" x1="${round(x(pending))}" y1="${mid}" x2="${round(x(firing))}" y2="${mid}"/>`);
    }
    if (pending !== null) {
      out.push(
        `<circle class="mark mark-pending" cx="${round(x(pending))}" cy="${mid}" r="5.5"><title>${esc(`${expectation.alert} pending at ${clock(pending, true)} (+${formatSeconds(expectation.pendingAfterSeconds)})`)}</title></circle>`,
      );
    }
    const resolved = parse(expectation.resolvedAt);
    if (firing !== null && resolved !== null && resolved > firing) {
      out.push(
        `<line class="active-span" x1="${round(x(firing))}" y1="${mid}" x2="${round(x(resolved))}" y2="${mid}" style="stroke:${color}"/>`,
      );
    }
    if (resolved !== null) {
      const after = expectation.resolvedAfterRevertSeconds ?? null;
      const when =
        after === null ? '' : after < 0 ? ` (${formatSeconds(-after)} before the revert)` : ` (${formatSeconds(after)} after the revert)`;
      out.push(
        `<rect class="mark mark-resolved" x="${round(x(resolved)) - 1.5}" y="${y + 4}" width="3" height="${ROW - 8}"><title>${esc(`${expectation.alert} resolved at ${clock(resolved, true)}${when}`)}</title></rect>`,
      );
    }
    if (firing !== null) {
      out.push(
        `<circle class="mark mark-firing" cx="${round(x(firing))}" cy="${mid}" r="4" style="fill:${color}"><title>${esc(`${expectation.alert} firing at ${clock(firing, true)} (+${formatSeconds(expectation.firingAfterSeconds)}): ${expectation.verdict}`)}</title></circle>`,
      );
    }
    const notified = parse(expectation.notifiedAt);
    if (notified !== null) {
      const px = round(x(notified));
      out.push(
        `<path class="mark mark-notified" d="M${px} ${mid - 6} L${px + 5} ${mid + 3} L${px - 5} ${mid + 3} Z"><title>${esc(`notification received at ${clock(notified, true)} (+${formatSeconds(expectation.notifiedAfterSeconds)})`)}</title></path>`,
      );
    }
    out.push('</g>');
  });
  report.unexpectedAlerts.forEach((alert, index) => {
    const y = top + (expectations.length + index) * ROW;
    const selector = formatSelector(alert.alertname, alert.labels);
    out.push(`<g class="alert-row unexpected" data-alert="${esc(alert.alertname)}">`);
    out.push(rowLabel(`unexpected: ${alert.alertname}`, y, `unexpected: ${selector}`, '#57606a'));
    const at = parse(alert.firstStartedAt);
    if (at !== null) {
      const px = round(x(at));
      out.push(
        `<path class="mark mark-unexpected" d="M${px} ${y + 4} L${px + 6} ${y + ROW / 2} L${px} ${y + ROW - 4} L${px - 6} ${y + ROW / 2} Z"><title>${esc(`${selector} first started at ${clock(at, true)}${alert.fired ? '' : ' (pending only)'}`)}</title></path>`,
      );
    }
    out.push('</g>');
  });
  out.push('</g>');
  return out.join('\n');
}

function laneLabel(text: string, top: number, height: number, title: string): string {
  return `<text class="lane-label" x="12" y="${top + height / 2}"><title>${esc(title)}</title>${esc(text)}</text>`;
}

function sectionLabel(text: string, top: number): string {
  return `<text class="section-label" x="12" y="${top - 3}">${esc(text)}</text>`;
}

function rowLabel(text: string, y: number, title: string, color?: string): string {
  const shown = [...text].length > 30 ? `${[...text].slice(0, 29).join('')}…` : text;
  const style = color ? ` style="fill:${color}"` : '';
  return `<text class="row-label" x="${LEFT - 8}" y="${y + 14}" text-anchor="end"${style}><title>${esc(title)}</title>${esc(shown)}</text>`;
}

function emptyNote(text: string, y: number): string {
  return `<text class="row-note" x="${LEFT + PLOT / 2}" y="${y}" text-anchor="middle">${esc(text)}</text>`;
}

function pathOf(points: ReadonlyArray<readonly [number, number] | null>): string {
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

/** Seconds between axis ticks: about ten ticks. */
function tickStep(seconds: number): number {
  const steps = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  return steps.find((step) => seconds / step <= 12) ?? 14_400;
}

function niceBucket(ms: number): number {
  const steps = [1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  return steps.find((step) => step >= ms) ?? 600_000;
}

/** t+90s, t−30s; t+2m when the ticks are whole minutes apart. */
function relative(offsetSeconds: number, minutes: boolean): string {
  const sign = offsetSeconds < 0 ? '−' : '+';
  const abs = Math.abs(offsetSeconds);
  return minutes ? `t${sign}${abs / 60}m` : `t${sign}${abs}s`;
}

function clock(at: number, precise = false): string {
  const iso = new Date(at).toISOString();
  return precise ? `${iso.slice(11, 23)}Z` : `${iso.slice(11, 19)}Z`;
}

function parse(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : null;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
