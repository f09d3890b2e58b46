// The lower sections of report.html: the bursts, the alerts nobody expected, the analysis's notes,
// and the evidence the figures rest on (what was polled, what failed, when monitoring was blind).

import { UNEXPECTED_ATTRIBUTION } from '../../analyze/unexpected.ts';
import { formatClock, formatMilliseconds, formatPercent, formatRate, formatSeconds, formatSelector, NONE } from '../format.ts';
import type { ReportBurst, ReportExpectation, ReportJson } from '../report-json.ts';
import { table } from './table.ts';
import { joinHtml, markup, type SafeHtml } from './template.ts';

export function burstsSection(bursts: readonly ReportBurst[]): SafeHtml | '' {
  if (bursts.length === 0) return '';
  const rows = bursts.map(
    (burst) => markup`<tr data-burst="${burst.name}">
<td>${burst.name}</td><td>${`${formatRate(burst.requestedRate)} for ${formatSeconds(burst.durationSeconds)}`}</td>
<td class="num">${formatRate(burst.achievedRate)}</td>
<td class="num">${burst.droppedIterations === null ? NONE : `${burst.droppedIterations} (${formatPercent(burst.droppedRatio)})`}</td>
<td class="num">${formatMilliseconds(burst.p95Ms)}</td><td>${burst.status}${burst.error ? `: ${burst.error}` : ''}</td>
</tr>`,
  );
  return markup`<section id="bursts">
<h2>Bursts</h2>
${table({ columns: ['burst', 'requested', 'achieved', 'dropped', 'p95', 'outcome'], rows })}
</section>`;
}

export function unexpectedSection(report: ReportJson): SafeHtml {
  if (report.unexpectedAlerts.length === 0) {
    return markup`<section id="unexpected"><h2>Unexpected alerts</h2><p>None: every alert in the window was expected (or the watchdog).</p></section>`;
  }
  const rows = report.unexpectedAlerts.map(
    (alert) => markup`<tr>
<td><code>${formatSelector(alert.alertname, alert.labels)}</code></td><td class="num">${alert.episodes}</td>
<td>${formatClock(alert.firstStartedAt)}</td><td>${alert.fired ? 'yes' : 'pending only'}</td>
<td>${alert.duringFaults.length > 0 ? alert.duringFaults.join(', ') : NONE}</td>
</tr>`,
  );
  return markup`<section id="unexpected">
<h2>Unexpected alerts</h2>
<p>Alerts that match no expectation: collateral damage worth a line, or noise. <strong>during faults</strong>: ${UNEXPECTED_ATTRIBUTION}.</p>
${table({ columns: ['alert', 'episodes', 'first started', 'fired', 'during faults'], rows })}
</section>`;
}

export function notesSection(report: ReportJson): SafeHtml | '' {
  const notes = report.faults.flatMap((fault) => [
    ...fault.notes.map((note) => `${fault.name}: ${note}`),
    ...fault.expectations.flatMap((e: ReportExpectation) => e.notes.map((note) => `${fault.name} / ${e.alert}: ${note}`)),
  ]);
  if (notes.length === 0) return '';
  const items = notes.map((note) => markup`<li>${note}</li>`);
  return markup`<section id="notes"><h2>Notes</h2><ul>${joinHtml(items, '\n')}</ul></section>`;
}

export function evidenceSection(report: ReportJson): SafeHtml {
  const { monitoring } = report;
  const failures = Object.entries(monitoring.observeFailures)
    .filter(([, count]) => count > 0)
    .map(([source, count]) => `${source} ${count}`);
  const blind = report.blindIntervals ?? [];
  return markup`<section id="evidence">
<h2>Evidence</h2>
<ul>
<li>Prometheus's own record (<code>ALERTS</code>, <code>ALERTS_FOR_STATE</code>): ${monitoring.reconciled ? 'reconciled after the window' : markup`<b>not recorded</b>; figures come from the polls`}</li>
<li>Polls: Prometheus ${monitoring.prometheusPolls}, Alertmanager ${monitoring.alertmanagerPolls}; webhooks received: ${monitoring.webhooks}</li>
<li>Failed observations: ${failures.length > 0 ? failures.join(', ') : 'none'}</li>
<li>Blind intervals (hatched on the timeline): ${blind.length === 0 ? 'none found in what was recorded' : ''}</li>
</ul>
${blindTable(blind)}
</section>`;
}

function blindTable(blind: ReportJson['blindIntervals']): SafeHtml | '' {
  if (blind.length === 0) return '';
  const rows = blind.map(
    (interval) =>
      markup`<tr data-cause="${interval.cause}"><td>${interval.cause}</td><td>${formatClock(interval.from)}</td><td>${interval.to === null ? 'end of record' : formatClock(interval.to)}</td>
<td class="num">${formatSeconds(interval.seconds)}</td><td>${interval.alert ?? 'all'}</td><td>${interval.affectsVerdicts ? 'yes' : 'no'}</td><td>${interval.detail}</td></tr>`,
  );
  return table({ className: 'blind', columns: ['cause', 'from', 'to', 'length', 'alert', 'affects verdicts', 'detail'], rows });
}
