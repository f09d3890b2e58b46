// The impact figures in words, shared by report.md, report.html and the console: what users saw
// per fault (and per named journey), failures and slowness side by side.

import type { ImpactKind } from '../analyze/index.ts';
import { formatClock, formatMilliseconds, formatSeconds, NONE } from './format.ts';
import type { ReportFault, ReportImpact, ReportLatencyImpact, ReportTraceImpact } from './report-json.ts';

export const impactKindWords: Record<ImpactKind, string> = {
  none: 'none',
  failures: 'failures',
  latency: 'slow',
  'failures-and-latency': 'failures, slow',
};

/** `p50 / p95 / max` during the fault, e.g. `110 / 128.8 / 135.3 ms`. */
export function latencyDuring(latency: ReportLatencyImpact | null): string {
  const during = latency?.during ?? null;
  if (during === null) return NONE;
  return `${number(during.p50Ms)} / ${number(during.p95Ms)} / ${formatMilliseconds(during.maxMs)}`;
}

/** The baseline p95 and the factor, e.g. `42.3 ms ×2`. */
export function latencyBaseline(latency: ReportLatencyImpact | null): string {
  if (latency?.baseline == null) return NONE;
  return `${formatMilliseconds(latency.baseline.p95Ms)} ×${latency.factor}`;
}

/** The impact's length and what it was, e.g. `20 s (slow)`; `0 s` when users saw nothing. */
export function impactLength(impact: ReportTraceImpact): string {
  const kind = impact.kind ?? (impact.failedRequests > 0 ? 'failures' : 'none');
  if (kind === 'none') return formatSeconds(impact.impactSeconds);
  return `${formatSeconds(impact.impactSeconds)} (${impactKindWords[kind]})`;
}

/** One row per fault, then one per named journey under it: `[label, impact]`. */
export function impactRows(faults: readonly ReportFault[]): Array<{ fault: string; journey: string | null; impact: ReportTraceImpact }> {
  return faults.flatMap((fault) => {
    const impact: ReportImpact | null = fault.impact;
    if (impact === null) return [];
    return [
      { fault: fault.name, journey: null, impact },
      ...(impact.journeys ?? []).map((journey) => ({ fault: fault.name, journey: journey.journey, impact: journey })),
    ];
  });
}

/** The cells every renderer shows, in order (see IMPACT_COLUMNS). */
export function impactCells(impact: ReportTraceImpact): string[] {
  return [
    String(impact.totalRequests),
    String(impact.failedRequests),
    formatClock(impact.firstFailureAt ?? (impact.failedRequests > 0 ? impact.impactStartedAt : null)),
    latencyDuring(impact.latency ?? null),
    latencyBaseline(impact.latency ?? null),
    impactLength(impact),
    formatClock(impact.restoredAt),
    formatSeconds(impact.timeToRestoreSeconds),
  ];
}

export const IMPACT_COLUMNS = [
  'requests',
  'failed',
  'first failure',
  'latency p50 / p95 / max',
  'baseline p95 ×factor',
  'impact',
  'restored',
  'restored after revert',
];

function number(ms: number): string {
  return formatMilliseconds(ms).replace(/ ms$/, '');
}
