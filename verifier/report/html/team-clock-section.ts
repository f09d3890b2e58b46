// The team's clock on report.html: per fault, time to detect, acknowledge and restore with their
// sources; and, on the compare page, each figure's trend across game days with the change in percent.

import { formatSeconds, NONE } from '../format.ts';
import { formatChangePercent, TEAM_CLOCK_COLUMNS, type TeamClockTrendRow, teamClockRows } from '../team-clock.ts';
import type { ReportJson } from '../report-json.ts';
import { table } from './table.ts';
import { markup, type SafeHtml } from './template.ts';

export function teamClockSection(report: ReportJson): SafeHtml | '' {
  const rows = teamClockRows(report);
  if (rows.length === 0) return '';
  const cells = rows.map(
    ([fault, ...figures]) =>
      markup`<tr data-fault="${fault ?? ''}"><td>${fault ?? ''}</td>${figures.map((text, index) => (index < 4 ? markup`<td class="num">${text}</td>` : markup`<td>${text}</td>`))}</tr>`,
  );
  return markup`<section id="team-clock">
<h2>The team's clock</h2>
<p>Seconds from the injection: <strong>detect</strong> is the first expected alert firing; <strong>acknowledge</strong> the first Alertmanager silence created during the fault that mutes its alert, or a <code>gameday mark … acknowledged</code>; <strong>restore</strong> the team marking (or the trace seeing) the service restored, else the revert. Restore is also given from the first alert.</p>
${table({ className: 'team-clock', columns: TEAM_CLOCK_COLUMNS, rows: cells })}
</section>`;
}

export function teamClockTrendTable(rows: readonly TeamClockTrendRow[], labels: readonly string[]): SafeHtml | '' {
  if (rows.length === 0) return '';
  const cells = rows.map(
    (row) =>
      markup`<tr data-fault="${row.fault}" data-figure="${row.figure}"><td>${row.fault}</td><td>${row.figure}</td>${row.cells.map((cell) => markup`<td class="num">${cell === undefined ? NONE : formatSeconds(cell)}</td>`)}<td class="num">${formatChangePercent(row.changePercent)}</td></tr>`,
  );
  return markup`<h3>The team's clock: detect, acknowledge, restore</h3>
${table({ className: 'trend-team-clock', columns: ['fault', 'figure', ...labels, 'change'], rows: cells })}`;
}
