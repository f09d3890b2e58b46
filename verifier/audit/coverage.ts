// Coverage: for each scrape job (from `up`) and each trace journey (the `scenario` of the trace's
// k6_trace_success_total), is there an alert that fires on failure, and one that fires on the
// absence of success? Alerting on failure misses what never reports failing: a service nobody
// calls, a queue that silently stopped. Pure: the series each selector matches now come in.

import { type Expr, parsePromQL, type Selector, walk } from '../alerting/promql.ts';
import { matches } from '../alerting/routes.ts';
import type { AuditRule, CoverageRow } from './model.ts';

/** The metric a trace journey's successes are counted in (traces/lib/contract.ts). */
export const TRACE_SUCCESS_METRIC = 'k6_trace_success_total';

export interface CoverageInputs {
  jobs: string[];
  journeys: string[];
  /** The jobs of the series each selector (by its text) matches now; missing when not asked. */
  seriesJobs: ReadonlyMap<string, readonly string[]>;
}

export function coverage(rules: readonly AuditRule[], inputs: CoverageInputs): CoverageRow[] {
  const read = rules.map((rule) => ({ rule, ...readRule(rule) }));
  const row = (kind: CoverageRow['kind'], name: string, covers: (selector: Selector) => boolean): CoverageRow => {
    const watching = read.filter(({ selectors }) => selectors.some(covers));
    return {
      kind,
      name,
      failureAlerts: unique(watching.filter(({ absence }) => !absence).map(({ rule }) => rule.name)),
      absenceAlerts: unique(watching.filter(({ absence }) => absence).map(({ rule }) => rule.name)),
    };
  };
  return [
    ...inputs.jobs.map((job) =>
      row('job', job, (selector) => {
        if (selector.metric?.startsWith('k6_')) return false;
        const jobMatchers = selector.matchers.filter((matcher) => matcher.name === 'job');
        if (jobMatchers.length > 0) return jobMatchers.every((matcher) => matches(matcher, { job }));
        return inputs.seriesJobs.get(selector.text)?.includes(job) ?? false;
      }),
    ),
    ...inputs.journeys.map((journey) =>
      row('journey', journey, (selector) => {
        if (!selector.metric?.startsWith('k6_')) return false;
        return selector.matchers
          .filter((matcher) => matcher.name === 'scenario')
          .every((matcher) => matches(matcher, { scenario: journey }));
      }),
    ),
  ];
}

/** The selectors a rule reads, and whether it alerts on the absence of success rather than on failure. */
function readRule(rule: AuditRule): { selectors: Selector[]; absence: boolean } {
  const parsed = parsePromQL(rule.query);
  if (!parsed.ok) return { selectors: [], absence: false };
  const selectors: Selector[] = [];
  let absence = false;
  walk(parsed.expr, (node) => {
    if (node.kind === 'selector') selectors.push(node);
    if (node.kind === 'call' && (node.fn === 'absent' || node.fn === 'absent_over_time')) absence = true;
    if (node.kind === 'binary' && lowRate(node)) absence = true;
  });
  return { selectors, absence };
}

/** `rate(ok[w]) == 0`, `sum(rate(ok[w])) < 1`: too little success is absence too. */
function lowRate(node: Expr & { kind: 'binary' }): boolean {
  if (node.bool || node.right.kind !== 'number') return false;
  const low = ((node.op === '==' || node.op === '<=') && node.right.value === 0) || (node.op === '<' && node.right.value > 0);
  let tested: Expr | undefined = node.left;
  while (tested?.kind === 'aggregate') tested = tested.args.at(-1);
  return low && tested?.kind === 'call' && ['rate', 'irate', 'increase'].includes(tested.fn);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
