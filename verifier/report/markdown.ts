// report.md: the post-mortem page of a game day: what was tested and how it went, what users saw and
// how long until service was restored, a timeline of what happened, follow-ups, and the evidence.
// Everything on it comes from report.json, so the two never disagree.

import { UNEXPECTED_ATTRIBUTION } from '../analyze/unexpected.ts';
import type { Verdict } from '../analyze/index.ts';
import { formatClock, formatMilliseconds, formatPercent, formatRate, formatSeconds, formatSelector, NONE, verdictWords } from './format.ts';
import type { ReportBurst, ReportExpectation, ReportFault, ReportJson } from './report-json.ts';
import { impactSection } from './markdown-impact.ts';
import { monitoringHealthSection, recoveryAndDeliverySection, timingSection } from './markdown-verification.ts';
import { type LinkBase, runbookHref } from './runbook-link.ts';
import { teamClockMarkdown } from './team-clock.ts';

/** A marker a reader spots while scrolling; the word beside it is what counts. */
const verdictMarkers: Record<Verdict, string> = {
  detected: '✅',
  late: '⚠️',
  missed: '❌',
  inconclusive: '❔',
  'not-injected': '⛔',
};

export function toMarkdown(report: ReportJson, links: LinkBase): string {
  const sections = [
    header(report),
    detectionSection(report, links),
    teamClockMarkdown(report),
    recoveryAndDeliverySection(report, links),
    timingSection(report, links),
    impactSection(report),
    timelineSection(report),
    followUpsSection(report),
    burstsSection(report.bursts),
    unexpectedSection(report),
    runbooksSection(report, links),
    monitoringHealthSection(report),
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
  if (run.gameday) {
    lines.push(
      `- gameday itself: ${run.gameday.cpuSeconds} CPU s, peak RSS ${run.gameday.peakRssMb} MB (k6 and the target are other processes)`,
    );
  }
  if (run.status === 'incomplete') {
    lines.push(
      '',
      '> The journal has no end: gameday stopped, or could not write any more of it, before the run finished. Figures cover what was recorded.',
    );
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

interface TimelineEntry {
  at: string;
  text: string;
}

/**
 * What happened, in order: the window, each fault in and out, when users first saw it and when
 * service came back, each expected alert pending, firing and notified, bursts, unexpected alerts.
 */
function timelineSection(report: ReportJson): string {
  const entries: TimelineEntry[] = [];
  const add = (at: string | null, text: string) => {
    if (at !== null) entries.push({ at, text });
  };
  add(report.run.windowStartedAt, 'window started');
  for (const fault of report.faults) {
    add(fault.injectedAt, `**${fault.name}** injected`);
    add(
      fault.impact?.impactStartedAt ?? null,
      `${fault.name}: first ${fault.impact?.kind === 'latency' ? 'slow' : 'failed'} trace request`,
    );
    for (const e of fault.expectations) {
      const selector = code(formatSelector(e.alert, e.labels));
      add(e.pendingAt, `${selector} pending (+${formatSeconds(e.pendingAfterSeconds)})`);
      add(
        e.firingAt,
        `${selector} firing (+${formatSeconds(e.firingAfterSeconds)}, target ${formatSeconds(e.withinSeconds)}: ${verdictWords[e.verdict] ?? e.verdict})`,
      );
      add(e.notifiedAt, `${selector} notification received (+${formatSeconds(e.notifiedAfterSeconds)})`);
      add(e.resolvedAt, `${selector} resolved${resolvedWhen(e.resolvedAfterRevertSeconds)}`);
    }
    add(fault.revertedAt, `**${fault.name}** reverted`);
    add(fault.impact?.restoredAt ?? null, `${fault.name}: trace ${fault.impact?.kind === 'latency' ? 'fast' : 'succeeding'} again`);
  }
  for (const burst of report.bursts) {
    add(burst.startedAt, `burst ${burst.name} started (${formatRate(burst.requestedRate)})`);
    add(burst.endedAt, `burst ${burst.name} ended (${formatRate(burst.achievedRate)} achieved)`);
  }
  for (const alert of report.unexpectedAlerts) {
    add(alert.firstStartedAt, `unexpected ${code(formatSelector(alert.alertname, alert.labels))} ${alert.fired ? 'fired' : 'pending'}`);
  }
  for (const interval of report.blindIntervals) {
    if (!interval.affectsVerdicts) continue;
    const until = interval.to === null ? 'to the end of the record' : `until ${formatClock(interval.to)}`;
    add(interval.from, `monitoring blind (${interval.cause}) ${until}: ${interval.detail}`);
  }
  add(report.run.windowEndedAt, 'window ended (grace included)');
  if (entries.length === 0) return '';
  // Stable: equal times keep the order above (inject before its alerts, alerts before revert).
  const ordered = entries.map((entry, index) => ({ ...entry, index, time: Date.parse(entry.at) }));
  ordered.sort((a, b) => a.time - b.time || a.index - b.index);
  const origin = report.run.windowStartedAt ? Date.parse(report.run.windowStartedAt) : null;
  const lines = ordered.map((entry) => {
    const offset = origin === null ? '' : ` (${formatOffset((entry.time - origin) / 1000)})`;
    return `- ${formatClock(entry.at)}${offset} ${entry.text}`;
  });
  return ['## Timeline', '', ...lines].join('\n');
}

function resolvedWhen(afterRevert: number | null): string {
  if (afterRevert === null) return '';
  return afterRevert < 0 ? ` (${formatSeconds(-afterRevert)} before the revert)` : ` (${formatSeconds(afterRevert)} after the revert)`;
}

/** t+12.3 s from the window start; the analysis keeps milliseconds, a person reads tenths. */
function formatOffset(seconds: number): string {
  const tenths = Math.round(seconds * 10) / 10;
  return `t${tenths < 0 ? '−' : '+'}${Math.abs(tenths).toFixed(1)} s`;
}

/** A checklist for the post-mortem: every expectation that did not pass, and every unexpected alert. */
function followUpsSection(report: ReportJson): string {
  const items: string[] = [];
  for (const fault of report.faults) {
    for (const e of fault.expectations) {
      const selector = code(formatSelector(e.alert, e.labels));
      const item = followUp(fault, e, selector);
      if (item) items.push(`- [ ] ${fault.name} / ${selector}: ${item}`);
    }
    if (fault.revertError) items.push(`- [ ] ${fault.name}: the revert failed (${fault.revertError}); check the environment by hand`);
  }
  for (const alert of report.unexpectedAlerts) {
    const during = alert.duringFaults.length > 0 ? ` during ${alert.duringFaults.join(', ')}` : '';
    items.push(
      `- [ ] ${code(formatSelector(alert.alertname, alert.labels))} ${alert.fired ? 'fired' : 'went pending'}${during} and no expectation names it: expected collateral (add it to the plan) or noise (tune the rule)`,
    );
  }
  if (items.length === 0) return '';
  return ['## Follow-ups', '', ...items].join('\n');
}

function followUp(fault: ReportFault, e: ReportExpectation, selector: string): string | null {
  switch (e.verdict) {
    case 'detected':
      return null;
    case 'late':
      return `fired after ${formatSeconds(e.firingAfterSeconds)}, target ${formatSeconds(e.withinSeconds)}: shorten the rule's \`for\`, window or scrape interval, or agree on a longer target`;
    case 'missed':
      return `never fired while the fault was in place: does ${selector}'s expression see this failure?`;
    case 'not-injected':
      return `not tested: the injection failed${fault.injectError ? ` (${fault.injectError})` : ''}`;
    case 'inconclusive': {
      const why = e.inconclusive.map((reason) => reason.detail).join('; ');
      const preExisting = e.inconclusive.length > 0 && e.inconclusive.every((reason) => reason.cause === 'pre-existing');
      const advice = preExisting
        ? 'start from a clean baseline (the alert resolved) and run this fault again'
        : 'keep the monitoring pipeline visible for the whole window and run this fault again';
      return `could not be judged${why ? ` (${why})` : ''}: ${advice}`;
    }
  }
}

/** Each expected alert's runbook once: the page to open when it pages. */
function runbooksSection(report: ReportJson, links: LinkBase): string {
  const seen = new Map<string, string>();
  for (const fault of report.faults) {
    for (const e of fault.expectations) {
      if (e.runbookUrl && !seen.has(e.alert)) seen.set(e.alert, e.runbookUrl);
    }
  }
  if (seen.size === 0) return '';
  const lines = [...seen].map(([alert, url]) => `- ${code(alert)}: [${url}](${runbookHref(url, links)})`);
  return ['## Runbooks', '', ...lines].join('\n');
}

function burstsSection(bursts: readonly ReportBurst[]): string {
  if (bursts.length === 0) return '';
  const rows = bursts.map((burst) => [
    burst.name,
    `${formatRate(burst.requestedRate)} for ${formatSeconds(burst.durationSeconds)}`,
    formatRate(burst.achievedRate),
    burst.droppedIterations === null ? NONE : `${burst.droppedIterations} (${formatPercent(burst.droppedRatio)})`,
    formatMilliseconds(burst.p95Ms),
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
    (alert.fired ? 'yes' : 'pending only') + (alert.stillActiveAtEnd ? ', still active at the end' : ''),
    alert.duringFaults.length > 0 ? alert.duringFaults.join(', ') : NONE,
  ]);
  return [
    heading,
    '',
    `Alerts in the window that match no expectation: collateral damage worth a line, or noise. **during faults**: ${UNEXPECTED_ATTRIBUTION}.`,
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
