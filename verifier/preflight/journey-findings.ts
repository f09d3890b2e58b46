// A journey marked `critical: true` is one whose absence of success must page. The trace sends each
// journey's successes to Prometheus as `k6_trace_success_total{journey="<name>"}`; an alerting rule
// watches a journey when its expression reads that series: a selector on k6_trace_success_total
// whose matchers accept journey="<name>" (`{journey="checkout"}`, `{journey=~"checkout|search"}`,
// `{journey!="browse"}`).
//
// A selector with no journey matcher does not count: `absent_over_time(k6_trace_success_total[1m])`
// or `sum(rate(k6_trace_success_total[1m])) == 0` stays quiet as long as any other journey still
// succeeds, so one critical journey can stop working for the whole day without a page.
//
// One line per critical journey: ok naming the rules that watch it, or a warning with a rule to add.

import { parsePromQL, type Selector, walk } from '../alerting/promql.ts';
import { matches } from '../alerting/routes.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import type { Outcome } from './world.ts';

export const JOURNEY_SUCCESS_METRIC = 'k6_trace_success_total';

export function journeyFindings(plan: Plan, rules: Outcome<AlertingRule[]>): CheckFinding[] {
  const critical = (plan.trace.journeys ?? []).filter((journey) => journey.critical);
  return critical.map((journey): CheckFinding => {
    const subject = `journey ${journey.name}`;
    if (!rules.ok) return { check: 'journey', subject, status: 'warn', detail: `not checked: ${rules.reason}` };
    const watching = rules.value.filter((rule) => readsJourneySuccess(rule.query, journey.name));
    if (watching.length > 0)
      return {
        check: 'journey',
        subject,
        status: 'ok',
        detail: `critical; its success series is read by ${watching.map((rule) => rule.name).join(', ')}`,
      };
    return {
      check: 'journey',
      subject,
      status: 'warn',
      detail: `critical, but no alerting rule reads ${JOURNEY_SUCCESS_METRIC}{journey="${journey.name}"}: if it stops succeeding, nothing pages (a rule over all journeys without a journey matcher stays quiet while the others succeed)`,
      hint: `add an alerting rule such as: absent_over_time(${JOURNEY_SUCCESS_METRIC}{journey="${journey.name}"}[1m]) (or rate(...[1m]) == 0), or drop critical: true from the journey`,
    };
  });
}

/** Whether a rule's expression has a selector on the success counter that accepts journey=<name>. */
export function readsJourneySuccess(query: string, journey: string): boolean {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return false;
  const selectors: Selector[] = [];
  walk(parsed.expr, (node) => {
    if (node.kind === 'selector') selectors.push(node);
  });
  return selectors.some((selector) => {
    if (selector.metric !== JOURNEY_SUCCESS_METRIC) return false;
    const journeyMatchers = selector.matchers.filter((matcher) => matcher.name === 'journey');
    return journeyMatchers.length > 0 && journeyMatchers.every((matcher) => matches(matcher, { journey }));
  });
}
