// report.md: the page a person pastes into a post-mortem. Everything on it comes from report.json,
// so the two never disagree.

import type { Verdict } from '../analyze/index.ts';
import { formatClock, formatPercent, formatRate, formatSeconds, formatSelector, NONE, verdictWords } from './format.ts';
import type { ReportBurst, ReportExpectation, ReportFault, ReportJson } from './report-json.ts';
import { type LinkBase, runbookHref } from './runbook-link.ts';

/** A marker a reader spots while scrolling; the word beside it is what counts. */
const verdictMarkers: Record<Verdict, string> = {
  detected: '✅',
  late: '⚠️',
  missed: '❌',
  'not-injected': '⛔',
};

export function toMarkdown(report: ReportJson, links: LinkBase): string {
  const sections = [
    header(report),
    detectionSection(report, links),
    impactSection(report),
    burstsSection(report.bursts),
    unexpectedSection(report),
    monitoringSection(report),
  ];
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}

function header(report: ReportJson): string {
  const { run } = report;
  const lines = [
    `# Game day: ${report.plan.name} — run ${run.id}`,
    '',
    `**${report.summary.headline}**`,
    '',
    `- Run: ${run.status}${run.reason ? ` (${run.reason})` : ''}, ${run.startedAt} → ${run.endedAt ?? 'no end recorded'}`,
    `- Window: ${run.windowStartedAt ?? NONE} → ${run.windowEndedAt ?? NONE} (times below are UTC)`,
    `- Plan: \`${report.plan.file}\``,
  ];
  if (run.status === 'incomplete') {
    lines.push('', '> The journal has no end: gameday stopped before the run finished. Figures cover what was recorded.');
  }
  return lines.join('\n');
}

function detectionSection(report: ReportJson, links: LinkBase): string {
  const rows = report.faults.flatMap((fault) =>
    fault.expectations.map((expectation) => [
      fault.name,
      code(formatSelector(expectation.alert, expectation.labels)),
      formatSeconds(expectation.withinSeconds),
      formatSeconds(expectation.pendingAfterSeconds),
      formatSeconds(expectation.firingAfterSeconds),
      formatSeconds(expectation.notifiedAfterSeconds),
      `${verdictMarkers[expectation.verdict]} ${verdictWords[expectation.verdict]}`,
      expectation.runbookUrl ? `[runbook](${runbookHref(expectation.runbookUrl, links)})` : NONE,
    ]),
  );
  const lines = [
    '## Detection',
    '',
    table(
      ['fault', 'alert', 'target', 'pending', 'firing', 'notified', 'verdict', 'runbook'],
      ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'],
      rows,
    ),
    '',
    'Seconds from the moment the fault was in place' +
      measuredFromBursts(report.faults) +
      '. **pending**: the rule first saw the condition (`activeAt`); **firing**: the alert fired ' +
      '(Alertmanager `startsAt`, the detection latency); **notified**: the webhook arrived.',
  ];
  const notes = report.faults.flatMap(faultNotes);
  if (notes.length > 0) lines.push('', '### Notes', '', ...notes);
  return lines.join('\n');
}

function measuredFromBursts(faults: readonly ReportFault[]): string {
  const exposed = faults.filter((fault) => fault.measuredFromBurst !== null);
  if (exposed.length === 0) return '';
  const parts = exposed.map((fault) => `${fault.name} from the start of burst ${fault.measuredFromBurst}`);
  return ` (${parts.join('; ')}, which exposes it)`;
}

function faultNotes(fault: ReportFault): string[] {
  const notes = fault.notes.map((note) => `- ${fault.name}: ${note}`);
  for (const expectation of fault.expectations) {
    for (const note of expectation.notes) notes.push(`- ${fault.name} / ${expectation.alert}: ${note}`);
    for (const source of figureSourcesWorthSaying(expectation)) {
      notes.push(`- ${fault.name} / ${expectation.alert}: ${source}`);
    }
  }
  return notes;
}

/** The usual sources go without saying; a fallback is worth a line because it is less exact. */
function figureSourcesWorthSaying(expectation: ReportExpectation): string[] {
  const { firing } = expectation.sources;
  if (firing === null || firing === 'ALERTS' || firing === 'alertmanager-api') return [];
  return [`firing time from ${firing}: Prometheus's record did not hold this episode`];
}

function impactSection(report: ReportJson): string {
  const rows = report.faults
    .filter((fault) => fault.impact !== null)
    .map((fault) => {
      const impact = fault.impact;
      if (impact === null) return [];
      return [
        fault.name,
        String(impact.totalRequests),
        String(impact.failedRequests),
        formatClock(impact.impactStartedAt),
        formatSeconds(impact.impactSeconds),
        formatClock(impact.restoredAt),
        formatSeconds(impact.timeToRestoreSeconds),
      ];
    });
  const { trace } = report;
  const whole =
    `Whole window: ${trace.totalRequests} requests, ${trace.failedRequests} failed, ` + `${formatPercent(trace.successRatio)} success.`;
  if (rows.length === 0) return ['## What the trace saw', '', whole].join('\n');
  return [
    '## What the trace saw',
    '',
    'The trace sends one request a second for the whole window. Per fault, from injection to revert + grace:',
    '',
    table(
      ['fault', 'requests', 'failed', 'first failure', 'impact', 'restored', 'restored after revert'],
      ['l', 'r', 'r', 'l', 'r', 'l', 'r'],
      rows,
    ),
    '',
    whole,
  ].join('\n');
}

function burstsSection(bursts: readonly ReportBurst[]): string {
  if (bursts.length === 0) return '';
  const rows = bursts.map((burst) => [
    burst.name,
    `${formatRate(burst.requestedRate)} for ${formatSeconds(burst.durationSeconds)}`,
    formatRate(burst.achievedRate),
    burst.droppedIterations === null ? NONE : `${burst.droppedIterations} (${formatPercent(burst.droppedRatio)})`,
    burst.p95Ms === null ? NONE : `${burst.p95Ms} ms`,
    burstOutcome(burst),
  ]);
  return [
    '## Bursts',
    '',
    table(['burst', 'requested', 'achieved', 'dropped', 'p95', 'outcome'], ['l', 'l', 'r', 'r', 'r', 'l'], rows),
  ].join('\n');
}

function burstOutcome(burst: ReportBurst): string {
  switch (burst.status) {
    case 'completed':
      return 'completed';
    case 'running':
      return 'no end recorded';
    case 'not-started':
      return 'never started';
    case 'failed': {
      const how = burst.signal ? `killed by ${burst.signal}` : `exit code ${burst.exitCode ?? NONE}`;
      return burst.error ? `failed: ${how}, ${burst.error}` : `failed: ${how}`;
    }
  }
}

function unexpectedSection(report: ReportJson): string {
  const heading = '## Unexpected alerts';
  if (report.unexpectedAlerts.length === 0) {
    return [heading, '', 'None: every alert in the window was expected (or the watchdog).'].join('\n');
  }
  const rows = report.unexpectedAlerts.map((alert) => [
    code(formatSelector(alert.alertname, alert.labels)),
    String(alert.episodes),
    formatClock(alert.firstStartedAt),
    alert.fired ? 'yes' : 'pending only',
    alert.duringFaults.length > 0 ? alert.duringFaults.join(', ') : NONE,
  ]);
  return [
    heading,
    '',
    'Alerts in the window that match no expectation: collateral damage worth a line, or noise.',
    '',
    table(['alert', 'episodes', 'first started', 'fired', 'during faults'], ['l', 'r', 'l', 'l', 'l'], rows),
  ].join('\n');
}

function monitoringSection(report: ReportJson): string {
  const { monitoring } = report;
  const failures = Object.entries(monitoring.observeFailures)
    .filter(([, count]) => count > 0)
    .map(([source, count]) => `${source} ${count}`);
  return [
    '## Evidence',
    '',
    `- Prometheus's own record (\`ALERTS\`, \`ALERTS_FOR_STATE\`): ${monitoring.reconciled ? 'reconciled after the window' : '**not recorded**; figures come from the polls'}`,
    `- Polls: Prometheus ${monitoring.prometheusPolls}, Alertmanager ${monitoring.alertmanagerPolls}; webhooks received: ${monitoring.webhooks}`,
    `- Failed observations: ${failures.length > 0 ? failures.join(', ') : 'none'}`,
  ].join('\n');
}

type Alignment = 'l' | 'r';

function table(headings: readonly string[], align: readonly Alignment[], rows: readonly string[][]): string {
  const rule = align.map((side) => (side === 'r' ? '---:' : '---'));
  return [headings, rule, ...rows.map((row) => row.map(cell))].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** A table cell: one line, and a `|` that does not end the cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text}\``;
}
