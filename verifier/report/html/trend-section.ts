// The trend section of report.html (`gameday compare`): per run its summary, per expected alert its
// firing latency across runs with a sparkline, and per fault its time to restore.

import { formatSeconds, NONE } from '../format.ts';
import { formatChange, formatCoverage, latestCell, type RunTrend, trendCellText, trendImpactText } from '../trend.ts';
import { table } from './table.ts';
import { teamClockTrendTable } from './team-clock-section.ts';
import { markup, type SafeHtml } from './template.ts';
import { verdictColor } from './verdict.ts';

export function trendSection(trend: RunTrend, currentRun: string): SafeHtml {
  const labels = trend.runs.map((run, index) => `#${index + 1}`);
  const runRows = trend.runs.map(
    (run, index) => markup`<tr data-run="${run.id}"${run.id === currentRun ? markup` class="current"` : ''}>
<td>#${index + 1}</td><td><code>${run.id}</code></td><td>${run.startedAt}</td><td>${run.status}</td>
<td class="num">${run.detectedInTime} of ${run.expectations}</td><td class="num">${formatCoverage(run.coverage)}</td>
<td class="num">${formatSeconds(run.meanDetectionSeconds)}</td><td class="num">${formatSeconds(run.worstTimeToRestoreSeconds)}</td>
</tr>`,
  );
  const latencyRows = trend.expectations.map((row) => {
    const target = latestCell(row)?.withinSeconds ?? null;
    const cells = row.cells.map(
      (cell) => markup`<td class="num"${cell ? markup` style="color:${verdictColor(cell.verdict)}"` : ''}>${trendCellText(cell)}</td>`,
    );
    const line = sparkline(
      row.cells.map((c) => c?.firingAfterSeconds ?? null),
      target,
    );
    return markup`<tr data-key="${row.key}"><td>${row.key}</td><td class="num">${formatSeconds(target)}</td>${cells}<td>${line}</td><td class="num">${formatChange(row.changeSeconds)}</td></tr>`;
  });
  const restoreRows = trend.faults.map(
    (row) =>
      markup`<tr><td>${row.fault}</td>${row.timeToRestoreSeconds.map((s) => markup`<td class="num">${s === undefined ? NONE : formatSeconds(s)}</td>`)}</tr>`,
  );
  const impactRows = trend.faults.map(
    (row) => markup`<tr><td>${row.fault}</td>${row.impact.map((cell) => markup`<td class="num">${trendImpactText(cell)}</td>`)}</tr>`,
  );
  const runColumns = ['', 'run', 'started', 'status', 'detected in time', 'coverage (faults)', 'mean detection', 'worst restore'];
  return markup`<section id="trend">
<h2>Trend across game days of plan ${trend.plan}</h2>
${table({ className: 'trend-runs', columns: runColumns, rows: runRows })}
<h3>Detection latency</h3>
${table({ className: 'trend-latency', columns: ['fault / alert', 'target', ...labels, 'trend', 'change'], rows: latencyRows })}
<h3>Time to restore</h3>
${table({ className: 'trend-restore', columns: ['fault', ...labels], rows: restoreRows })}
<h3>User impact: failed or slow requests (p95 during the fault)</h3>
${table({ className: 'trend-impact', columns: ['fault', ...labels], rows: impactRows })}
${teamClockTrendTable(trend.teamClock ?? [], labels)}
</section>`;
}

/** Firing latency per run as a small line, with the target dashed; gaps where a run did not fire. */
function sparkline(values: ReadonlyArray<number | null>, target: number | null): SafeHtml {
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
  const dots = values.map((v, i) => (v === null ? '' : markup`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2"/>`));
  const targetLine =
    target === null
      ? ''
      : markup`<line class="spark-target" x1="0" x2="${width}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}"/>`;
  return markup`<svg class="sparkline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true">${targetLine}<path d="${d.trim()}"/>${dots}</svg>`;
}
