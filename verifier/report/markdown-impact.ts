// "Impact and time to restore" in report.md: per fault (and per named journey) what the trace saw,
// failed requests and latency against the baseline before the first fault. From report.json only.

import { formatPercent, formatSeconds } from './format.ts';
import { IMPACT_COLUMNS, impactCells, impactRows } from './impact-words.ts';
import type { ReportFault, ReportJson } from './report-json.ts';

export function impactSection(report: ReportJson): string {
  const rows = impactRows(report.faults).map(({ fault, journey, impact }) => [
    journey === null ? fault : `${fault} · ${journey}`,
    ...impactCells(impact),
  ]);
  const { trace } = report;
  const whole = `Whole window: ${trace.totalRequests} requests, ${trace.failedRequests} failed, ${formatPercent(trace.successRatio)} success.`;
  const heading = '## Impact and time to restore';
  if (rows.length === 0) return [heading, '', whole].join('\n');
  return [
    heading,
    '',
    'The trace sends requests for the whole window. Per fault, from injection to revert + grace: failed requests, and latency ' +
      'against the p95 before the first fault. A fault whose p95 exceeds the baseline p95 × the factor (`impact.latencyFactor`) ' +
      'counts as impact while requests stay that slow.',
    '',
    markdownTable(['fault', ...IMPACT_COLUMNS], ['l', 'r', 'r', 'l', 'r', 'r', 'r', 'l', 'r'], rows),
    '',
    whole,
    '',
    impactSummary(report.faults),
  ].join('\n');
}

/** One sentence on what users felt in total and the slowest recovery. */
function impactSummary(faults: readonly ReportFault[]): string {
  const requests = faults.reduce((sum, fault) => sum + (fault.impact?.totalRequests ?? 0), 0);
  if (requests === 0) return 'The trace recorded no request during the faults: their impact is unknown.';
  const felt = faults.filter(wasFelt);
  if (felt.length === 0) return 'Users saw no failed or slow request during any fault.';
  const failed = felt.filter((fault) => (fault.impact?.failedRequests ?? 0) > 0).length;
  const slow = felt.filter((fault) => fault.impact?.latency?.slow === true).length;
  const impactSeconds = felt.reduce((sum, fault) => sum + (fault.impact?.impactSeconds ?? 0), 0);
  const slowest = felt
    .filter((fault) => fault.impact?.timeToRestoreSeconds != null)
    .sort((a, b) => (b.impact?.timeToRestoreSeconds ?? 0) - (a.impact?.timeToRestoreSeconds ?? 0))[0];
  const neverRestored = felt.filter((fault) => fault.impact?.restoredAt === null).map((fault) => fault.name);
  const what = [failed > 0 ? `failures during ${failed}` : null, slow > 0 ? `slowness during ${slow}` : null].filter(Boolean).join(' and ');
  const parts = [`Users saw ${what} of ${faults.length} faults, ${formatSeconds(Math.round(impactSeconds * 1000) / 1000)} in all`];
  if (slowest?.impact)
    parts.push(`the slowest restore took ${formatSeconds(slowest.impact.timeToRestoreSeconds)} after the revert (${slowest.name})`);
  if (neverRestored.length > 0) parts.push(`never restored within the run: ${neverRestored.join(', ')}`);
  return `${parts.join('; ')}.`;
}

/** Failed requests or, in reports that have latency, slowness: either is something users saw. */
function wasFelt(fault: ReportFault): boolean {
  return (fault.impact?.failedRequests ?? 0) > 0 || fault.impact?.latency?.slow === true;
}

function markdownTable(headings: readonly string[], align: readonly ('l' | 'r')[], body: readonly string[][]): string {
  const rule = align.map((side) => (side === 'r' ? '---:' : '---'));
  const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return [headings, rule, ...body.map((row) => row.map(cell))].map((row) => `| ${row.join(' | ')} |`).join('\n');
}
