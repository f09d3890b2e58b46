// The timeline's two trace lanes: the share of requests that succeeded (with a tick per failed
// request) and the iteration latency on a log scale, both from the trace's per-request record.

import { joinHtml, markup, type SafeHtml } from '../html/template.ts';
import type { TraceRecord } from '../trace-record.ts';
import { emptyNote, laneLabel } from './labels.ts';
import { clock, LANE, LEFT, niceBucket, pathOf, PLOT, RIGHT, round, type Span, WIDTH, type XScale } from './scales.ts';

/** The success rate line is over this trailing window (or one bucket, if longer). */
const SUCCESS_WINDOW_MS = 5000;

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

export function successLane(trace: TraceRecord, span: Span, x: XScale, top: number): SafeHtml {
  const y = (ratio: number) => top + (1 - ratio) * LANE;
  const out = [markup`<g class="lane lane-success">`, laneLabel('trace success', top, LANE, 'share of requests that passed every check')];
  for (const ratio of [0, 0.5, 1]) {
    out.push(markup`<line class="hgrid" x1="${LEFT}" y1="${round(y(ratio))}" x2="${WIDTH - RIGHT}" y2="${round(y(ratio))}"/>`);
    out.push(markup`<text class="ytick" x="${LEFT - 6}" y="${round(y(ratio)) + 4}" text-anchor="end">${ratio * 100} %</text>`);
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
    markup`<path class="success-line" d="${pathOf(points)}"><title>share of requests that succeeded over the trailing ${over}</title></path>`,
  );
  for (const [time, ok] of trace.samples) {
    if (ok) continue;
    out.push(
      markup`<rect class="trace-failure" x="${round(x(time) - 0.75)}" y="${top + LANE - 8}" width="1.5" height="8"><title>request failed at ${clock(time, true)}</title></rect>`,
    );
  }
  if (trace.samples.length === 0) out.push(emptyNote('no trace samples recorded', top + LANE / 2));
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}

/** One latency lane: the whole trace's, or one journey's (`journey` set) when the trace has named journeys. */
export function latencyLane(trace: TraceRecord, span: Span, x: XScale, top: number, journey?: string): SafeHtml {
  const out = [
    journey === undefined ? markup`<g class="lane lane-latency">` : markup`<g class="lane lane-latency" data-journey="${journey}">`,
    journey === undefined
      ? laneLabel('trace latency', top, LANE, 'iteration time (write + read back), log scale')
      : laneLabel(`latency: ${journey}`, top, LANE, `iteration time of journey ${journey} (all its steps), log scale`),
  ];
  const max = Math.max(10, ...trace.latencies.map(([, ms]) => ms));
  const decades = Math.max(1, Math.ceil(Math.log10(max)));
  const y = (ms: number) => top + LANE - (Math.log10(Math.max(1, ms)) / decades) * LANE;
  for (let d = 0; d <= decades; d++) {
    const ms = 10 ** d;
    out.push(markup`<line class="hgrid" x1="${LEFT}" y1="${round(y(ms))}" x2="${WIDTH - RIGHT}" y2="${round(y(ms))}"/>`);
    out.push(
      markup`<text class="ytick" x="${LEFT - 6}" y="${round(y(ms)) + 4}" text-anchor="end">${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}</text>`,
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
    markup`<path class="latency-max" d="${pathOf(stat((s) => s[s.length - 1] ?? 0))}"><title>slowest request per ${size / 1000} s</title></path>`,
  );
  if (size > 1000) {
    out.push(
      markup`<path class="latency-median" d="${pathOf(stat((s) => s[Math.floor(s.length / 2)] ?? 0))}"><title>median per ${size / 1000} s</title></path>`,
    );
  }
  if (trace.latencies.length === 0) out.push(emptyNote('no latencies recorded (journal from before gameday kept them)', top + LANE / 2));
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}
