// The sections of report.md that say how far each verdict can be trusted and where its seconds
// went: recovery and delivery per expectation, the latency beside its floor with the source of
// every figure, and the monitoring's own health (blind intervals, the clock offset). From
// report.json only, like the rest of the page.

import { deliveryWords, formatClock, formatSeconds, formatSelector, NONE, peerWords } from './format.ts';
import type { ReportExpectation, ReportFault, ReportJson } from './report-json.ts';
import { docsHref, type LinkBase, linkDocs } from './runbook-link.ts';

type Row = { fault: ReportFault; expectation: ReportExpectation };

function rows(report: ReportJson): Row[] {
  return report.faults.flatMap((fault) =>
    fault.injectedAt === null ? [] : fault.expectations.map((expectation) => ({ fault, expectation })),
  );
}

const recoveryWords: Record<ReportExpectation['recovery'], string> = {
  resolved: 'resolved',
  'resolved-before-revert': 'resolved before the revert',
  'never-resolved': '**never resolved**',
  'not-reverted': 'fault never reverted',
  'not-fired': 'did not fire',
};

/** What a reader must act on stands out: a late page, or one not sent for no reason Alertmanager gave. */
const boldDelivery = new Set<ReportExpectation['delivery']['status']>(['late', 'not-notified', 'receiver-failed']);

const heldByAlertmanager = new Set<ReportExpectation['delivery']['status']>(['inhibited', 'silenced', 'receiver-failed']);

function deliveryCell(status: ReportExpectation['delivery']['status']): string {
  return boldDelivery.has(status) ? `**${deliveryWords[status]}**` : deliveryWords[status];
}

/** After each revert: when each expected alert resolved; and whether a page went out, and if not, why. */
export function recoveryAndDeliverySection(report: ReportJson, links: LinkBase): string {
  const all = rows(report);
  if (all.length === 0) return '';
  const table = all.map(({ fault, expectation: e }) => [
    fault.name,
    code(formatSelector(e.alert, e.labels)),
    recoveryWords[e.recovery],
    e.resolvedAfterRevertSeconds === null ? NONE : formatSigned(e.resolvedAfterRevertSeconds),
    deliveryCell(e.delivery.status),
    formatSeconds(e.delivery.afterFiringSeconds),
  ]);
  const explanations = all
    .filter(({ expectation: e }) => !['on-time', 'not-fired'].includes(e.delivery.status))
    .map(({ fault, expectation: e }) => `- ${fault.name} / ${e.alert}: ${linkDocs(e.delivery.explanation, links)}`);
  // An Alertmanager cluster: the alert was in Alertmanager when any peer had it; say which did.
  const peers = all.flatMap(({ fault, expectation: e }) =>
    e.delivery.peers === undefined ? [] : [`- ${fault.name} / ${e.alert}: ${peerWords(e.delivery.peers)}.`],
  );
  return [
    '## Recovery and delivery',
    '',
    markdownTable(
      ['fault', 'alert', 'after the revert', 'resolved after revert', 'notification', 'after firing'],
      ['l', 'l', 'l', 'r', 'l', 'r'],
      table,
    ),
    '',
    '**resolved after revert**: from the revert to the evaluation that no longer saw the alert (negative: it stopped while the fault ' +
      'was in place). **notification**: whether the webhook came within `group_wait` of firing; grouping delays or suppresses ' +
      `notifications of alerts that join an existing aggregation group ([why](${docsHref(links, 'detection-time.md#grouping')})), ` +
      'which is not the rule being slow.' +
      (all.some(({ expectation: e }) => heldByAlertmanager.has(e.delivery.status))
        ? ' **inhibited**, **silenced**, **receiver failed**: Alertmanager said so itself while the notification was due (its alert ' +
          'status, silences and notification counters, polled during the run); the route and the rule were not at fault.'
        : ''),
    ...(explanations.length > 0 ? ['', ...explanations] : []),
    ...(peers.length > 0
      ? ['', '**Alertmanager peers** (an alert counts as in Alertmanager as soon as any peer has it):', '', ...peers]
      : []),
  ].join('\n');
}

/** Each expectation's latency beside the floor its configuration allows, stretch by stretch, with the source of each figure. */
export function timingSection(report: ReportJson, links: LinkBase): string {
  const all = rows(report);
  if (all.length === 0) return '';
  const table = all.map(({ fault, expectation: e }) => {
    const timing = e.timing;
    const segment = (name: 'condition' | 'for' | 'notification') => {
      const found = timing?.segments.find((s) => s.name === name);
      if (!found) return NONE;
      return `${formatSeconds(found.measuredSeconds)} (${range(found.expectedMinSeconds, found.expectedMaxSeconds)})`;
    };
    return [
      fault.name,
      code(formatSelector(e.alert, e.labels)),
      formatSeconds(e.firingAfterSeconds),
      timing ? range(timing.floorSeconds, timing.worstSeconds) : NONE,
      segment('condition'),
      segment('for'),
      segment('notification'),
      [e.sources.pending, e.sources.firing, e.sources.notified, e.sources.resolved].map((source) => source ?? NONE).join(' / '),
    ];
  });
  const inputs = all
    .filter(({ expectation: e }) => e.timing !== null)
    .map(({ expectation: e }) => {
      const i = e.timing?.inputs;
      if (!i) return '';
      const scrape = i.scrapeSeconds === null ? 'scrape unknown' : `scrape ${formatSeconds(i.scrapeSeconds)} (${i.scrapeSource ?? '?'})`;
      const window = [
        ...(i.windowSeconds > 0 ? [`, window ${formatSeconds(i.windowSeconds)}`] : []),
        ...(i.rangeWindows ?? []).map((stretch) => `, ${stretch}`),
      ].join('');
      const wait = i.groupWaitSeconds === null ? '' : `, group_wait ${formatSeconds(i.groupWaitSeconds)}`;
      return `${code(e.alert)}: ${scrape}, evaluation ${formatSeconds(i.evalSeconds)}, for ${formatSeconds(i.forSeconds)}${window}${wait}`;
    })
    .filter((line, index, list) => line !== '' && list.indexOf(line) === index)
    .map((line) => `- ${line}`);
  return [
    '## Where the seconds went',
    '',
    markdownTable(
      [
        'fault',
        'alert',
        'firing',
        'floor–worst',
        'fault → pending',
        'pending → firing',
        'firing → notified',
        'sources (pending / firing / notified / resolved)',
      ],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
      table,
    ),
    '',
    `Measured seconds with, in brackets, what the configuration allows ([how](${docsHref(links, 'detection-time.md#bounds')})): ` +
      '**fault → pending**, the condition ' +
      'reaching a scrape and an evaluation (plus any absence window); **pending → firing**, `for` rounded up to whole evaluations; ' +
      '**firing → notified**, `group_wait`. **floor–worst**: the fastest and slowest the alert can fire. **sources**: `ALERTS` is ' +
      "Prometheus's own record (exact evaluation timestamps); `prometheus-api` / `alertmanager-api` are polls; `webhook` is Alertmanager's notification.",
    ...(inputs.length > 0 ? ['', 'Read from the configuration at preflight:', '', ...inputs] : []),
  ].join('\n');
}

/** Blind intervals and the clock offset: what could not be seen, and how the two clocks were reconciled. */
export function monitoringHealthSection(report: ReportJson): string {
  const lines = ['## Monitoring health', ''];
  const { clock } = report;
  if (clock === null) {
    lines.push("- Clock: Prometheus's clock was not read; its timestamps are taken as they are.");
  } else {
    const drift = clock.driftMs === null ? '' : `, drift ${clock.driftMs} ms over the run`;
    const moved = clock.corrected ? "Prometheus's timestamps moved onto gameday's clock" : 'no correction needed';
    lines.push(
      `- Clock: Prometheus is ${Math.abs(clock.offsetMs)} ms ${clock.offsetMs >= 0 ? 'ahead of' : 'behind'} gameday ` +
        `(± ${clock.uncertaintyMs} ms, ${clock.samples} reads of \`time()\`${drift}); ${moved}.`,
    );
  }
  const blind = report.blindIntervals;
  const affecting = blind.filter((interval) => interval.affectsVerdicts);
  if (blind.length === 0) {
    lines.push('- Blind intervals: none found in what was recorded.');
    return lines.join('\n');
  }
  lines.push(
    `- Blind intervals: ${blind.length}, ${affecting.length} of them able to make a verdict inconclusive (those overlapping the span that decided it).`,
    '',
    markdownTable(
      ['cause', 'from', 'to', 'length', 'alert', 'affects verdicts', 'detail'],
      ['l', 'l', 'l', 'r', 'l', 'l', 'l'],
      blind.map((interval) => [
        interval.cause,
        formatClock(interval.from),
        interval.to === null ? 'end of record' : formatClock(interval.to),
        formatSeconds(interval.seconds),
        interval.alert ?? 'all',
        interval.affectsVerdicts ? 'yes' : 'no',
        interval.detail,
      ]),
    ),
  );
  return lines.join('\n');
}

function range(min: number | null, max: number | null): string {
  if (min === null || max === null) return NONE;
  return min === max ? formatSeconds(min) : `${formatSeconds(min).replace(/ s$/, '')}–${formatSeconds(max)}`;
}

function formatSigned(seconds: number): string {
  return seconds < 0 ? `−${formatSeconds(-seconds)}` : formatSeconds(seconds);
}

function markdownTable(headings: readonly string[], align: readonly ('l' | 'r')[], body: readonly string[][]): string {
  const rule = align.map((side) => (side === 'r' ? '---:' : '---'));
  const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return [headings, rule, ...body.map((row) => row.map(cell))].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}
