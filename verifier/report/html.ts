// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) for the
// people at the retrospective: the timeline on top, the per-fault table with verdicts, figures and
// runbook links below, then impact, bursts, unexpected alerts and the evidence. Everything comes
// from report.json, except the per-request trace the timeline draws (report.json keeps totals).
// Pure; an optional trend across runs (`gameday compare`) adds a section.

import type { Verdict } from '../analyze/index.ts';
import { escapeHtml as esc } from './html-escape.ts';
import { formatClock, formatMilliseconds, formatPercent, formatRate, formatSeconds, formatSelector, NONE, verdictWords } from './format.ts';
import type { ReportBurst, ReportExpectation, ReportFault, ReportJson } from './report-json.ts';
import { type LinkBase, runbookHref } from './runbook-link.ts';
import { timelineSvg, verdictColors } from './timeline-svg.ts';
import type { TraceRecord } from './trace-record.ts';
import { formatChange, formatCoverage, latestCell, type RunTrend, trendCellText } from './trend.ts';

export interface HtmlOptions {
  /** Where runbook paths resolve from and to (as for report.md). */
  links: LinkBase;
  /** The trace's per-request record from the journal; the timeline is empty without it. */
  trace?: TraceRecord;
  /** Runs of the same plan to show the trend across (`gameday compare`). */
  trend?: RunTrend;
}

export function toHtml(report: ReportJson, options: HtmlOptions): string {
  const trace = options.trace ?? { samples: [], latencies: [] };
  const title = `Game day: ${report.plan.name} — run ${report.run.id}`;
  const body = [
    header(report),
    `<section id="timeline"><h2>Timeline</h2>\n<div class="chart">${timelineSvg(report, trace)}</div>\n${legend()}</section>`,
    detectionSection(report, options.links),
    impactSection(report),
    burstsSection(report.bursts),
    unexpectedSection(report),
    notesSection(report),
    evidenceSection(report),
    options.trend ? trendSection(options.trend, report.run.id) : '',
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body.join('\n')}
<footer>gameday ${esc(report.run.gamedayVersion)} · report version ${report.version} · computed from the run's journal.jsonl; report.json holds every figure on this page.</footer>
</main>
</body>
</html>
`;
}

function header(report: ReportJson): string {
  const { run, summary } = report;
  const counts = Object.entries(summary.verdicts)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `<span class="badge" style="background:${color(verdict)}">${count} ${esc(word(verdict))}</span>`)
    .join(' ');
  const status =
    run.status === 'completed'
      ? ''
      : `<p class="warning">Run ${esc(run.status)}${run.reason ? `: ${esc(run.reason)}` : ''}. Figures cover what was recorded.</p>`;
  return `<header>
<h1>Game day: ${esc(report.plan.name)}</h1>
<p class="headline ${summary.exitCode === 0 ? 'pass' : 'fail'}" id="headline">${esc(summary.headline)}</p>
<p>${counts}</p>
${status}
<dl class="facts">
<dt>Run</dt><dd><code>${esc(run.id)}</code>, ${esc(run.status)}, ${esc(run.startedAt)} → ${esc(run.endedAt ?? 'no end recorded')}</dd>
<dt>Window</dt><dd>${esc(run.windowStartedAt ?? NONE)} → ${esc(run.windowEndedAt ?? NONE)} (UTC)</dd>
<dt>Plan</dt><dd><code>${esc(report.plan.file)}</code></dd>
<dt>Trace</dt><dd>${report.trace.totalRequests} requests in the window, ${report.trace.failedRequests} failed, ${esc(formatPercent(report.trace.successRatio))} success</dd>
</dl>
</header>`;
}

function legend(): string {
  const item = (svg: string, text: string) =>
    `<span class="legend-item"><svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">${svg}</svg>${esc(text)}</span>`;
  return `<p class="legend">${[
    item('<rect class="fault-band" x="0" y="0" width="22" height="14"/>', 'fault in place'),
    item('<rect class="burst" x="0" y="3" width="22" height="8"/>', 'burst'),
    item('<rect class="target-span" x="0" y="3" width="22" height="8"/>', 'detection target'),
    item('<circle class="mark mark-pending" cx="11" cy="7" r="5"/>', 'pending'),
    item(`<circle class="mark" cx="11" cy="7" r="4" style="fill:${verdictColors.detected}"/>`, 'firing (colour: verdict)'),
    item('<path class="mark mark-notified" d="M11 1 L16 10 L6 10 Z"/>', 'notification received'),
    item('<rect class="mark mark-resolved" x="9.5" y="2" width="3" height="10"/>', 'resolved'),
    item('<rect class="blind-interval" x="0" y="0" width="22" height="14"/>', 'monitoring blind'),
    item('<path class="mark mark-unexpected" d="M11 1 L17 7 L11 13 L5 7 Z"/>', 'unexpected alert'),
    item('<rect class="trace-failure" x="10" y="2" width="2" height="10"/>', 'failed request'),
  ].join('')}</p>`;
}

function detectionSection(report: ReportJson, links: LinkBase): string {
  const rows = report.faults.flatMap((fault) =>
    fault.expectations.map((expectation) => {
      const runbook = expectation.runbookUrl ? `<a href="${esc(runbookHref(expectation.runbookUrl, links))}">runbook</a>` : NONE;
      return `<tr data-fault="${esc(fault.name)}" data-alert="${esc(expectation.alert)}" data-verdict="${esc(expectation.verdict)}">
<td>${esc(fault.name)}${fault.measuredFromBurst ? `<br><small>from burst ${esc(fault.measuredFromBurst)}</small>` : ''}</td>
<td><code>${esc(formatSelector(expectation.alert, expectation.labels))}</code></td>
<td class="num" data-figure="target">${esc(formatSeconds(expectation.withinSeconds))}</td>
<td class="num" data-figure="pending">${esc(formatSeconds(expectation.pendingAfterSeconds))}</td>
<td class="num" data-figure="firing">${esc(formatSeconds(expectation.firingAfterSeconds))}</td>
<td class="num" data-figure="notified">${esc(formatSeconds(expectation.notifiedAfterSeconds))}</td>
<td data-figure="verdict"${inconclusiveTitle(expectation)}>${verdictBadge(expectation.verdict)}</td>
<td class="num" data-figure="resolved">${esc(formatSignedSeconds(expectation.resolvedAfterRevertSeconds ?? null))}</td>
<td data-figure="delivery" title="${esc(expectation.delivery?.explanation ?? '')}">${esc(deliveryWords(expectation.delivery?.status ?? 'not-fired'))}</td>
<td>${runbook}</td>
</tr>`;
    }),
  );
  return `<section id="detection">
<h2>Detection</h2>
<table class="detection">
<thead><tr><th>fault</th><th>alert</th><th>target</th><th>pending</th><th>firing</th><th>notified</th><th>verdict</th><th>resolved after revert</th><th>notification</th><th>runbook</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="explain">Seconds from the moment the fault was in place (or the start of the burst that exposes it).
<b>pending</b>: the rule first saw the condition (<code>activeAt</code>); <b>firing</b>: the alert fired (the detection latency);
<b>notified</b>: the webhook arrived; <b>resolved after revert</b>: until the alert was gone (negative: before the revert);
<b>notification</b>: whether the page came on time, and if not, why (hover for the explanation).</p>
</section>`;
}

function impactSection(report: ReportJson): string {
  const rows = report.faults
    .filter((fault): fault is ReportFault & { impact: NonNullable<ReportFault['impact']> } => fault.impact !== null)
    .map(
      ({ name, impact }) => `<tr data-fault="${esc(name)}">
<td>${esc(name)}</td><td class="num">${impact.totalRequests}</td><td class="num">${impact.failedRequests}</td>
<td>${esc(formatClock(impact.impactStartedAt))}</td><td class="num">${esc(formatSeconds(impact.impactSeconds))}</td>
<td>${esc(formatClock(impact.restoredAt))}</td><td class="num">${esc(formatSeconds(impact.timeToRestoreSeconds))}</td>
</tr>`,
    );
  const table =
    rows.length === 0
      ? ''
      : `<table class="impact">
<thead><tr><th>fault</th><th>requests</th><th>failed</th><th>first failure</th><th>impact</th><th>restored</th><th>time to restore</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
  return `<section id="impact">
<h2>What users saw</h2>
<p>The trace sends ${esc('one request a second')} for the whole window. Per fault, from injection to revert + grace;
<b>time to restore</b> runs from the revert to the first success after the last failure.</p>
${table}
</section>`;
}

function burstsSection(bursts: readonly ReportBurst[]): string {
  if (bursts.length === 0) return '';
  const rows = bursts.map(
    (burst) => `<tr data-burst="${esc(burst.name)}">
<td>${esc(burst.name)}</td><td>${esc(`${formatRate(burst.requestedRate)} for ${formatSeconds(burst.durationSeconds)}`)}</td>
<td class="num">${esc(formatRate(burst.achievedRate))}</td>
<td class="num">${burst.droppedIterations === null ? NONE : esc(`${burst.droppedIterations} (${formatPercent(burst.droppedRatio)})`)}</td>
<td class="num">${esc(formatMilliseconds(burst.p95Ms))}</td><td>${esc(burst.status)}${burst.error ? `: ${esc(burst.error)}` : ''}</td>
</tr>`,
  );
  return `<section id="bursts">
<h2>Bursts</h2>
<table>
<thead><tr><th>burst</th><th>requested</th><th>achieved</th><th>dropped</th><th>p95</th><th>outcome</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function unexpectedSection(report: ReportJson): string {
  if (report.unexpectedAlerts.length === 0) {
    return '<section id="unexpected"><h2>Unexpected alerts</h2><p>None: every alert in the window was expected (or the watchdog).</p></section>';
  }
  const rows = report.unexpectedAlerts.map(
    (alert) => `<tr>
<td><code>${esc(formatSelector(alert.alertname, alert.labels))}</code></td><td class="num">${alert.episodes}</td>
<td>${esc(formatClock(alert.firstStartedAt))}</td><td>${alert.fired ? 'yes' : 'pending only'}</td>
<td>${alert.duringFaults.length > 0 ? esc(alert.duringFaults.join(', ')) : NONE}</td>
</tr>`,
  );
  return `<section id="unexpected">
<h2>Unexpected alerts</h2>
<p>Alerts that match no expectation: collateral damage worth a line, or noise.</p>
<table>
<thead><tr><th>alert</th><th>episodes</th><th>first started</th><th>fired</th><th>during faults</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function notesSection(report: ReportJson): string {
  const notes = report.faults.flatMap((fault) => [
    ...fault.notes.map((note) => `${fault.name}: ${note}`),
    ...fault.expectations.flatMap((e: ReportExpectation) => e.notes.map((note) => `${fault.name} / ${e.alert}: ${note}`)),
  ]);
  if (notes.length === 0) return '';
  return `<section id="notes"><h2>Notes</h2><ul>${notes.map((note) => `<li>${esc(note)}</li>`).join('\n')}</ul></section>`;
}

function evidenceSection(report: ReportJson): string {
  const { monitoring } = report;
  const failures = Object.entries(monitoring.observeFailures)
    .filter(([, count]) => count > 0)
    .map(([source, count]) => `${source} ${count}`);
  return `<section id="evidence">
<h2>Evidence</h2>
<ul>
<li>Prometheus's own record (<code>ALERTS</code>, <code>ALERTS_FOR_STATE</code>): ${monitoring.reconciled ? 'reconciled after the window' : '<b>not recorded</b>; figures come from the polls'}</li>
<li>Polls: Prometheus ${monitoring.prometheusPolls}, Alertmanager ${monitoring.alertmanagerPolls}; webhooks received: ${monitoring.webhooks}</li>
<li>Failed observations: ${failures.length > 0 ? esc(failures.join(', ')) : 'none'}</li>
<li>Blind intervals (hatched on the timeline): ${(report.blindIntervals ?? []).length === 0 ? 'none found in what was recorded' : ''}</li>
</ul>
${blindTable(report)}
</section>`;
}

function blindTable(report: ReportJson): string {
  const blind = report.blindIntervals ?? [];
  if (blind.length === 0) return '';
  const rows = blind.map(
    (
      interval,
    ) => `<tr data-cause="${esc(interval.cause)}"><td>${esc(interval.cause)}</td><td>${esc(formatClock(interval.from))}</td><td>${esc(interval.to === null ? 'end of record' : formatClock(interval.to))}</td>
<td class="num">${esc(formatSeconds(interval.seconds))}</td><td>${esc(interval.alert ?? 'all')}</td><td>${interval.affectsVerdicts ? 'yes' : 'no'}</td><td>${esc(interval.detail)}</td></tr>`,
  );
  return `<table class="blind">
<thead><tr><th>cause</th><th>from</th><th>to</th><th>length</th><th>alert</th><th>affects verdicts</th><th>detail</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function trendSection(trend: RunTrend, currentRun: string): string {
  const labels = trend.runs.map((run, index) => `#${index + 1}`);
  const runRows = trend.runs.map(
    (run, index) => `<tr data-run="${esc(run.id)}"${run.id === currentRun ? ' class="current"' : ''}>
<td>${labels[index]}</td><td><code>${esc(run.id)}</code></td><td>${esc(run.startedAt)}</td><td>${esc(run.status)}</td>
<td class="num">${run.detectedInTime} of ${run.expectations}</td><td class="num">${esc(formatCoverage(run.coverage))}</td>
<td class="num">${esc(formatSeconds(run.meanDetectionSeconds))}</td><td class="num">${esc(formatSeconds(run.worstTimeToRestoreSeconds))}</td>
</tr>`,
  );
  const latencyRows = trend.expectations.map((row) => {
    const cells = row.cells.map(
      (cell) => `<td class="num"${cell ? ` style="color:${color(cell.verdict)}"` : ''}>${esc(trendCellText(cell))}</td>`,
    );
    return `<tr data-key="${esc(row.key)}"><td>${esc(row.key)}</td><td class="num">${esc(formatSeconds(latestCell(row)?.withinSeconds ?? null))}</td>${cells.join('')}<td>${sparkline(
      row.cells.map((c) => c?.firingAfterSeconds ?? null),
      latestCell(row)?.withinSeconds ?? null,
    )}</td><td class="num">${esc(formatChange(row.changeSeconds))}</td></tr>`;
  });
  const restoreRows = trend.faults.map(
    (row) =>
      `<tr><td>${esc(row.fault)}</td>${row.timeToRestoreSeconds.map((s) => `<td class="num">${esc(s === undefined ? NONE : formatSeconds(s))}</td>`).join('')}</tr>`,
  );
  const head = labels.map((label) => `<th>${label}</th>`).join('');
  return `<section id="trend">
<h2>Trend across game days of plan ${esc(trend.plan)}</h2>
<table class="trend-runs">
<thead><tr><th></th><th>run</th><th>started</th><th>status</th><th>detected in time</th><th>coverage (faults)</th><th>mean detection</th><th>worst restore</th></tr></thead>
<tbody>
${runRows.join('\n')}
</tbody>
</table>
<h3>Detection latency</h3>
<table class="trend-latency">
<thead><tr><th>fault / alert</th><th>target</th>${head}<th>trend</th><th>change</th></tr></thead>
<tbody>
${latencyRows.join('\n')}
</tbody>
</table>
<h3>Time to restore</h3>
<table class="trend-restore">
<thead><tr><th>fault</th>${head}</tr></thead>
<tbody>
${restoreRows.join('\n')}
</tbody>
</table>
</section>`;
}

/** Firing latency per run as a small line, with the target dashed; gaps where a run did not fire. */
function sparkline(values: ReadonlyArray<number | null>, target: number | null): string {
  const width = 120;
  const height = 26;
  const max = Math.max(1, target ?? 0, ...values.filter((v): v is number => v !== null)) * 1.1;
  const x = (i: number) => (values.length === 1 ? width / 2 : 4 + (i / (values.length - 1)) * (width - 8));
  const y = (v: number) => height - 3 - (v / max) * (height - 6);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)} `;
    pen = true;
  });
  const dots = values.map((v, i) => (v === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2"/>`)).join('');
  const targetLine =
    target === null ? '' : `<line class="spark-target" x1="0" x2="${width}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}"/>`;
  return `<svg class="sparkline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true">${targetLine}<path d="${d.trim()}"/>${dots}</svg>`;
}

/** The reasons of an inconclusive verdict, on hover. Older report.json files have no reasons. */
function inconclusiveTitle(expectation: ReportExpectation): string {
  const reasons = expectation.inconclusive ?? [];
  return reasons.length > 0 ? ` title="${esc(reasons.map((reason) => reason.detail).join('; '))}"` : '';
}

/** A delivery status in words: `delayed-by-grouping` → `delayed by grouping`. */
export function deliveryWords(status: string): string {
  return status === 'not-fired' ? NONE : status.replaceAll('-', ' ');
}

function formatSignedSeconds(seconds: number | null): string {
  if (seconds === null) return NONE;
  return seconds < 0 ? `−${formatSeconds(-seconds)}` : formatSeconds(seconds);
}

function verdictBadge(verdict: Verdict | string): string {
  return `<span class="badge" style="background:${color(verdict)}">${esc(word(verdict))}</span>`;
}

function color(verdict: string): string {
  return verdictColors[verdict as Verdict] ?? '#57606a';
}

function word(verdict: string): string {
  return verdictWords[verdict as Verdict] ?? verdict;
}

const css = `
:root { color-scheme: light; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.headline { font-size: 18px; font-weight: 600; margin: 4px 0; }
.headline.pass { color: #1a7f37; } .headline.fail { color: #cf222e; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 6px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; }
.facts dt { color: #57606a; } .facts dd { margin: 0; }
.badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { background: #ddf4ff; }
.explain, footer { color: #57606a; font-size: 12px; }
footer { margin-top: 32px; }
.chart { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: #57606a; }
.legend-item { display: inline-flex; align-items: center; gap: 4px; }
svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
svg .lane-label, svg .section-label { font-weight: 600; fill: #1f2328; font-size: 12px; }
svg .row-label { fill: #1f2328; }
svg .row-note { font-style: italic; }
svg .grid { stroke: #eaeef2; }
svg .hgrid { stroke: #eaeef2; stroke-dasharray: 2 3; }
svg .fault-band { fill: #cf222e; fill-opacity: 0.07; }
svg .fault-window { fill: #cf222e; fill-opacity: 0.55; }
svg .measured-from { stroke: #0969da; stroke-width: 2; }
svg .burst { fill: #0969da; fill-opacity: 0.6; }
svg .burst-mark { stroke: #0969da; stroke-dasharray: 4 3; stroke-opacity: 0.7; }
svg .success-line { fill: none; stroke: #1a7f37; stroke-width: 1.6; }
svg .trace-failure { fill: #cf222e; }
svg .latency-max { fill: none; stroke: #8250df; stroke-width: 1.3; }
svg .latency-median { fill: none; stroke: #8250df; stroke-opacity: 0.45; stroke-width: 1; }
svg .target-span { fill: #1a7f37; fill-opacity: 0.15; stroke: #1a7f37; stroke-opacity: 0.4; }
svg .mark-pending { fill: #fff; stroke: #bf8700; stroke-width: 2; }
svg .pending-span { stroke: #bf8700; stroke-width: 2; }
svg .mark-firing { stroke: #fff; stroke-width: 1; }
svg .mark-notified { fill: #0969da; }
svg .mark-unexpected { fill: #6e7781; }
svg .mark-resolved { fill: #57606a; }
svg .active-span { stroke-width: 2; stroke-opacity: 0.35; }
svg .blind-interval { fill: url(#blind-hatch); fill-opacity: 0.5; }
svg .blind-interval.minor { fill-opacity: 0.2; }
svg #blind-hatch line { stroke: #6e7781; stroke-width: 2; }
.legend svg .blind-interval { fill: #d0d7de; }
.sparkline path { fill: none; stroke: #0969da; stroke-width: 1.5; }
.sparkline circle { fill: #0969da; }
.sparkline .spark-target { stroke: #1a7f37; stroke-dasharray: 3 2; }
@media print { .chart { overflow: visible; } }
`;
