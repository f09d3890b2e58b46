// Findings about the alerting rules the plan expects: each exists and evaluates, and each
// expectation's `within` can be met given the rule's scrape, evaluation, `for`, windows and route.

import { neverTrue } from '../alerting/never-true.ts';
import type { QueryShape } from '../alerting/query-shape.ts';
import { type RouteNode, routesFor } from '../alerting/routes.ts';
import { ruleBounds } from '../alerting/rule-bounds.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import { formatDuration } from '../plan/duration.ts';
import { closest } from '../plan/suggest.ts';
import type { Expectation, FaultSpec } from '../plan/types.ts';
import { feasibilityFinding } from './feasibility.ts';
import type { CheckFinding } from './findings.ts';
import type { World } from './world.ts';
import { count, describeExpectation } from './words.ts';

export function ruleFinding(name: string, world: Pick<World, 'rules'>): CheckFinding {
  const base = { check: 'rule', subject: name } as const;
  if (!world.rules.ok) return { ...base, status: 'fail', detail: `not checked: ${world.rules.reason}` };
  const found = world.rules.value.filter((rule) => rule.name === name);
  if (found.length === 0) return { ...base, ...missingRule(name, world.rules.value) };
  const broken = found.find((rule) => rule.health === 'err');
  if (broken) {
    return {
      ...base,
      status: 'fail',
      detail: `the rule fails to evaluate: ${broken.lastError ?? 'no error text'} (group "${broken.group}")`,
      hint: `fix the expression in ${broken.file}: ${broken.query}`,
    };
  }
  const [rule] = found as [AlertingRule];
  const where = `group "${rule.group}", every ${formatDuration(rule.intervalSeconds)}, for ${formatDuration(rule.forSeconds)}`;
  const more = found.length > 1 ? ` (and ${count(found.length - 1, 'more rule')} with this name)` : '';
  if (found.every((candidate) => candidate.health !== 'ok')) {
    return {
      ...base,
      status: 'warn',
      detail: `not evaluated yet (${where}): Prometheus may have just started`,
      hint: `check again after one evaluation interval (${formatDuration(rule.intervalSeconds)})`,
    };
  }
  return { ...base, status: 'ok', detail: `${where}${more}` };
}

export function missingRule(name: string, rules: AlertingRule[]): Pick<CheckFinding, 'status' | 'detail' | 'hint'> {
  const names = [...new Set(rules.map((rule) => rule.name))].sort();
  const suggestion = closest(name, names);
  if (suggestion !== undefined) {
    return {
      status: 'fail',
      detail: `no alerting rule named ${name} in Prometheus; did you mean \`${suggestion}\`?`,
      hint: 'fix the alert name in the plan (expect[].alert or monitoring.watchdog)',
    };
  }
  if (names.length === 0) {
    return {
      status: 'fail',
      detail: `Prometheus has no alerting rules at all, so none named ${name}`,
      hint: 'load the rules: rule_files in prometheus.yml',
    };
  }
  const shown = names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
  return {
    status: 'fail',
    detail: `no alerting rule named ${name} in Prometheus (it has ${count(names.length, 'alerting rule')}: ${shown})`,
    hint: 'fix the alert name in the plan, or load the rule into Prometheus',
  };
}

export function feasibilityOf(fault: FaultSpec, expectation: Expectation, world: World): CheckFinding {
  const subject = `${fault.name} → ${describeExpectation(expectation)}`;
  const base = { check: 'feasibility', subject } as const;
  if (!world.rules.ok) return { ...base, status: 'fail', detail: `not checked: ${world.rules.reason}` };
  const named = world.rules.value.filter((rule) => rule.name === expectation.alert);
  if (named.length === 0) return { ...base, status: 'fail', detail: `not checked: no alerting rule named ${expectation.alert}` };
  const candidates = named.filter((rule) => !conflictingLabel(rule, expectation));
  if (candidates.length === 0) {
    const [label, value] = conflictingLabel(named[0] as AlertingRule, expectation) ?? ['', ''];
    return {
      ...base,
      status: 'fail',
      detail: `the rule ${expectation.alert} sets ${label}="${value}", the plan expects ${label}="${expectation.labels[label] ?? ''}": it can never match`,
      hint: "fix expect[].labels in the plan, or the rule's labels",
    };
  }
  // With several rules of that name, the quickest one decides whether the target can be met.
  const findings = candidates.map((rule) => feasibilityForRule(subject, fault, expectation, rule, world));
  const rank = { ok: 0, warn: 1, fail: 2 } as const;
  return findings.reduce((best, next) => (rank[next.status] < rank[best.status] ? next : best));
}

function feasibilityForRule(subject: string, fault: FaultSpec, expectation: Expectation, rule: AlertingRule, world: World): CheckFinding {
  const never = neverTrue(rule.query);
  if (never !== undefined) {
    return {
      check: 'feasibility',
      subject,
      status: 'fail',
      detail: `infeasible: the rule ${rule.name} can never fire: ${never}`,
      hint: `fix the rule's expression in ${rule.file || 'its rule file'} (group "${rule.group}"); gameday audit lists such rules`,
    };
  }
  const bounds = ruleBounds(rule, world.promConfig);
  let groupWait: { seconds: number; route: string } | { unknown: string };
  if (world.amConfig.ok) {
    const labels = {
      ...(world.promConfig.ok ? world.promConfig.value.externalLabels : {}),
      ...rule.labels,
      ...expectation.labels,
      alertname: expectation.alert,
    };
    const [first, ...others] = routesFor(world.amConfig.value, labels) as [RouteNode, ...RouteNode[]];
    const also = others.length > 0 ? ` and ${count(others.length, 'more route')} via continue` : '';
    const at = first.path === 'route' ? '' : ` at ${first.path}`;
    groupWait = { seconds: first.groupWaitSeconds, route: `receiver "${first.receiver}"${at}${also}` };
  } else {
    groupWait = { unknown: world.amConfig.reason };
  }
  const finding = feasibilityFinding({
    subject,
    withinSeconds: expectation.withinSeconds,
    inputs: bounds.chain,
    scrapeSource: bounds.scrapeSource,
    groupWait,
    absentOnPushed: bounds.absentOnPushed,
    rangeWindows: bounds.rangeWindows,
    ...(bounds.caveat ? { caveat: bounds.caveat } : {}),
  });
  if (fault.exposedBy !== undefined) finding.detail += `; measured from the start of burst ${fault.exposedBy}`;
  return finding;
}

/** A rule label (not a template) that contradicts the expectation's labels. */
function conflictingLabel(rule: AlertingRule, expectation: Expectation): [string, string] | undefined {
  for (const [name, wanted] of Object.entries(expectation.labels)) {
    const value = rule.labels[name];
    if (value !== undefined && !value.includes('{{') && value !== wanted) return [name, value];
  }
  return undefined;
}

export function readsOnlyPushedSeries(shape: QueryShape): boolean {
  return shape.pushedMetrics.length > 0 && shape.jobs.length === 0;
}
