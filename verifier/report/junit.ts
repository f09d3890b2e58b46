// junit.xml: the game day as test results for CI (Jenkins, GitLab, GitHub test reporters). One test
// case per fault and expectation, named so that it is the same test in every run of the plan:
// `failure` for late and missed, `skipped` with the reason for inconclusive, `error` for a fault
// that could not be injected (the test could not run). Pure; everything comes from report.json.

import type { Verdict } from '../analyze/index.ts';
import { deliveryWords, formatSeconds, formatSelector } from './format.ts';
import type { ReportExpectation, ReportFault, ReportJson } from './report-json.ts';

type Outcome = { kind: 'passed' } | { kind: 'failure' | 'error' | 'skipped'; type: string; message: string };

export function toJunit(report: ReportJson): string {
  const cases = report.faults.flatMap((fault) => fault.expectations.map((expectation) => testCase(report, fault, expectation)));
  const count = (kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;
  const counts = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}"`;
  const time = seconds(runSeconds(report));
  const timestamp = (report.run.windowStartedAt ?? report.run.startedAt).replace(/\.\d+Z$/, '');
  const suiteName = `gameday ${report.plan.name}`;

  const properties = [
    ['run.id', report.run.id],
    ['run.status', report.run.status],
    ['plan.file', report.plan.file],
    ['gameday.version', report.run.gamedayVersion],
    ['summary', report.summary.headline],
  ]
    .map(([name, value]) => `      <property name="${attr(name ?? '')}" value="${attr(value ?? '')}"/>`)
    .join('\n');

  const systemOut = suiteOutput(report);
  const systemErr =
    report.run.status === 'completed'
      ? ''
      : `\n    <system-err>${text(`run ${report.run.status}${report.run.reason ? `: ${report.run.reason}` : ''}`)}</system-err>`;

  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${attr(suiteName)}" ${counts} time="${time}">
  <testsuite name="${attr(suiteName)}" ${counts} time="${time}" timestamp="${attr(timestamp)}" hostname="localhost">
    <properties>
${properties}
    </properties>
${cases.map((c) => c.xml).join('\n')}
    <system-out>${text(systemOut)}</system-out>${systemErr}
  </testsuite>
</testsuites>
`;
}

function testCase(report: ReportJson, fault: ReportFault, expectation: ReportExpectation): { outcome: Outcome; xml: string } {
  const classname = `gameday.${report.plan.name}.${fault.name}`;
  const name = `${formatSelector(expectation.alert, expectation.labels)} fires within ${formatSeconds(expectation.withinSeconds)}`;
  const outcome = outcomeOf(fault, expectation);
  const open = `    <testcase classname="${attr(classname)}" name="${attr(name)}" time="${seconds(expectation.firingAfterSeconds ?? 0)}"`;
  const details = figures(expectation);
  const body =
    outcome.kind === 'passed'
      ? ''
      : outcome.kind === 'skipped'
        ? `      <skipped message="${attr(outcome.message)}"/>\n`
        : `      <${outcome.kind} message="${attr(outcome.message)}" type="${attr(outcome.type)}">${text(details)}</${outcome.kind}>\n`;
  return { outcome, xml: `${open}>\n${body}      <system-out>${text(details)}</system-out>\n    </testcase>` };
}

/** Per verdict what CI should make of it; a Record so a new verdict must take a side to compile. */
const outcomes: Record<Verdict, (fault: ReportFault, e: ReportExpectation) => Outcome> = {
  detected: () => ({ kind: 'passed' }),
  late: (_, e) => ({
    kind: 'failure',
    type: 'late',
    message: `late: fired after ${formatSeconds(e.firingAfterSeconds)}, target ${formatSeconds(e.withinSeconds)}`,
  }),
  missed: (fault) => ({
    kind: 'failure',
    type: 'missed',
    message: `missed: never fired while the fault was in place (until ${fault.deadline ?? 'the end of the record'})`,
  }),
  inconclusive: (_, e) => ({ kind: 'skipped', type: 'inconclusive', message: `inconclusive: ${inconclusiveReason(e)}` }),
  'not-injected': (fault) => ({
    kind: 'error',
    type: 'not-injected',
    message: `not tested: the fault was not injected${fault.injectError ? ` (${fault.injectError})` : ''}`,
  }),
};

function outcomeOf(fault: ReportFault, expectation: ReportExpectation): Outcome {
  const judge = (outcomes as Record<string, ((f: ReportFault, e: ReportExpectation) => Outcome) | undefined>)[expectation.verdict];
  // A verdict this renderer has never heard of is neither a pass nor a fail: say so.
  return judge ? judge(fault, expectation) : { kind: 'skipped', type: expectation.verdict, message: `${expectation.verdict}` };
}

/** The analysis's reasons (blind intervals, a pre-existing alert); its notes if it gave none. */
function inconclusiveReason(expectation: ReportExpectation): string {
  const details = expectation.inconclusive.map((reason) => reason.detail).filter((detail) => detail !== '');
  if (details.length > 0) return details.join('; ');
  return expectation.notes.length > 0 ? expectation.notes.join('; ') : 'the monitoring pipeline was blind while this was decided';
}

function figures(e: ReportExpectation): string {
  const lines = [
    `verdict: ${e.verdict}`,
    `target: ${formatSeconds(e.withinSeconds)}`,
    `pending after: ${formatSeconds(e.pendingAfterSeconds)}${e.pendingAt ? ` (${e.pendingAt})` : ''}`,
    `firing after: ${formatSeconds(e.firingAfterSeconds)}${e.firingAt ? ` (${e.firingAt})` : ''}`,
    `notified after: ${formatSeconds(e.notifiedAfterSeconds)}${e.notifiedAt ? ` (${e.notifiedAt})` : ''}`,
  ];
  if (e.delivery.status !== 'on-time' && e.delivery.status !== 'not-fired') {
    lines.push(`notification: ${deliveryWords[e.delivery.status]}: ${e.delivery.explanation}`);
  }
  if (e.runbookUrl) lines.push(`runbook: ${e.runbookUrl}`);
  for (const note of e.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

function suiteOutput(report: ReportJson): string {
  const lines = [report.summary.headline, `run ${report.run.id}: ${report.run.startedAt} → ${report.run.endedAt ?? 'no end recorded'}`];
  const { trace } = report;
  lines.push(`trace: ${trace.totalRequests} requests, ${trace.failedRequests} failed`);
  for (const alert of report.unexpectedAlerts) {
    const during = alert.duringFaults.length > 0 ? ` during ${alert.duringFaults.join(', ')}` : '';
    lines.push(`unexpected alert: ${formatSelector(alert.alertname, alert.labels)} ${alert.fired ? 'fired' : 'pending only'}${during}`);
  }
  return lines.join('\n');
}

function runSeconds(report: ReportJson): number {
  const from = Date.parse(report.run.windowStartedAt ?? report.run.startedAt);
  const to = Date.parse(report.run.windowEndedAt ?? report.run.endedAt ?? report.run.startedAt);
  return Number.isFinite(from) && Number.isFinite(to) && to > from ? (to - from) / 1000 : 0;
}

function seconds(value: number): string {
  return value.toFixed(3);
}

/** XML 1.0 cannot carry most control characters, even escaped; drop them. */
const invalidXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(invalidXml, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
