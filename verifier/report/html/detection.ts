// The per-fault tables of report.html: detection (per expected alert, its figures, verdict and
// runbook) and what users saw (per fault, the trace's failures and the time to restore).

import { deliveryWords as statusWords, formatSeconds, formatSelector, NONE } from '../format.ts';
import { IMPACT_COLUMNS, impactCells, impactRows } from '../impact-words.ts';
import type { ReportExpectation, ReportJson } from '../report-json.ts';
import { docsHref, type LinkBase, runbookHref } from '../runbook-link.ts';
import { table } from './table.ts';
import { markup, type SafeHtml } from './template.ts';
import { verdictBadge } from './verdict.ts';

export function detectionSection(report: ReportJson, links: LinkBase): SafeHtml {
  const rows = report.faults.flatMap((fault) =>
    fault.expectations.map((expectation) => {
      const runbook = expectation.runbookUrl ? markup`<a href="${runbookHref(expectation.runbookUrl, links)}">runbook</a>` : NONE;
      return markup`<tr data-fault="${fault.name}" data-alert="${expectation.alert}" data-verdict="${expectation.verdict}">
<td>${fault.name}${fault.measuredFromBurst ? markup`<br><small>from burst ${fault.measuredFromBurst}</small>` : ''}</td>
<td><code>${formatSelector(expectation.alert, expectation.labels)}</code></td>
<td class="num" data-figure="target">${formatSeconds(expectation.withinSeconds)}</td>
<td class="num" data-figure="pending">${formatSeconds(expectation.pendingAfterSeconds)}</td>
<td class="num" data-figure="firing">${formatSeconds(expectation.firingAfterSeconds)}</td>
<td class="num" data-figure="notified">${formatSeconds(expectation.notifiedAfterSeconds)}</td>
<td data-figure="verdict"${inconclusiveTitle(expectation)}>${verdictBadge(expectation.verdict)}</td>
<td class="num" data-figure="resolved">${formatSignedSeconds(expectation.resolvedAfterRevertSeconds ?? null)}</td>
<td data-figure="delivery" title="${expectation.delivery?.explanation ?? ''}">${deliveryWords(expectation.delivery?.status ?? 'not-fired')}</td>
<td>${runbook}</td>
</tr>`;
    }),
  );
  const columns = [
    'fault',
    'alert',
    'target',
    'pending',
    'firing',
    'notified',
    'verdict',
    'resolved after revert',
    'notification',
    'runbook',
  ];
  return markup`<section id="detection">
<h2>Detection</h2>
${table({ className: 'detection', columns, rows })}
<p class="explain">Seconds from the moment the fault was in place (or the start of the burst that exposes it).
<b>pending</b>: the rule first saw the condition (<code>activeAt</code>); <b>firing</b>: the alert fired (the detection latency);
<b>notified</b>: the webhook arrived; <b>resolved after revert</b>: until the alert was gone (negative: before the revert);
<b>notification</b>: whether the page came on time, and if not, why (hover for the explanation;
<a href="${docsHref(links, 'detection-time.md#grouping')}">how grouping delays or suppresses a page</a>).
<a href="${docsHref(links, 'detection-time.md#stretches')}">How detection time is made up</a>.</p>
</section>`;
}

export function impactSection(report: ReportJson): SafeHtml {
  const rows = impactRows(report.faults).map(({ fault, journey, impact }) => {
    const cells = impactCells(impact).map((text, index) =>
      index === 2 || index === 6 ? markup`<td>${text}</td>` : markup`<td class="num">${text}</td>`,
    );
    return markup`<tr data-fault="${fault}"${journey === null ? '' : markup` data-journey="${journey}"`} data-impact="${impact.kind ?? 'none'}">
<td>${journey === null ? fault : markup`${fault}<br><small>journey ${journey}</small>`}</td>${cells}
</tr>`;
  });
  const columns = ['fault', ...IMPACT_COLUMNS];
  return markup`<section id="impact">
<h2>What users saw</h2>
<p>The trace sends requests for the whole window. Per fault, from injection to revert + grace: failed requests, and latency
against the p95 before the first fault; a fault whose p95 exceeds that baseline × the factor counts as impact (<b>slow</b>)
while requests stay that slow. <b>Restored after revert</b> runs from the revert to the end of failures and slowness.</p>
${rows.length === 0 ? '' : table({ className: 'impact', columns, rows })}
</section>`;
}

/** The reasons of an inconclusive verdict, on hover. Older report.json files have no reasons. */
function inconclusiveTitle(expectation: ReportExpectation): SafeHtml | '' {
  const reasons = expectation.inconclusive ?? [];
  return reasons.length > 0 ? markup` title="${reasons.map((reason) => reason.detail).join('; ')}"` : '';
}

/** A delivery status in words: `delayed-by-grouping` → `delayed by grouping`, `not-notified` → `not sent`. */
export function deliveryWords(status: string): string {
  return status in statusWords ? statusWords[status as keyof typeof statusWords] : status.replaceAll('-', ' ');
}

function formatSignedSeconds(seconds: number | null): string {
  if (seconds === null) return NONE;
  return seconds < 0 ? `−${formatSeconds(-seconds)}` : formatSeconds(seconds);
}
