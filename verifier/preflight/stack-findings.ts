// Findings about the monitoring stack as a whole: the plan itself, Prometheus and Alertmanager
// ready, Prometheus sending to Alertmanager, the watchdog alert getting through, and a baseline
// free of the alerts the plan expects.

import { matchesExpectation } from '../alerting/labels.ts';
import { queryShape } from '../alerting/query-shape.ts';
import type { Readiness } from '../observe/prometheus.ts';
import { formatDuration } from '../plan/duration.ts';
import type { Expectation, Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import { missingRule, readsOnlyPushedSeries } from './rule-findings.ts';
import type { Outcome, World } from './world.ts';
import { count, describeExpectation, extraLabels, hostPort, shortTime } from './words.ts';

export function planFinding(plan: Plan): CheckFinding {
  const expectations = plan.faults.reduce((sum, fault) => sum + fault.expect.length, 0);
  return {
    check: 'plan',
    subject: plan.name,
    status: 'ok',
    detail: `${plan.file}: ${count(plan.faults.length, 'fault')}, ${count(expectations, 'expected alert')}, ${count(plan.bursts.length, 'burst')}`,
  };
}

export function endpointFinding(check: 'prometheus' | 'alertmanager', url: string, readiness: Readiness, planField: string): CheckFinding {
  if (readiness.ready) return { check, subject: url, status: 'ok', detail: 'ready' };
  return { check, subject: url, status: 'fail', detail: readiness.reason, hint: `start it, or fix ${planField} in the plan` };
}

/** `peers`: the other Alertmanagers of the plan's cluster; each should be sent alerts too. */
export function discoveryFinding(discovered: Outcome<string[]>, alertmanagerUrl: string, peers: readonly string[] = []): CheckFinding {
  const base = { check: 'discovery', subject: 'Prometheus → Alertmanager' } as const;
  if (!discovered.ok) return { ...base, status: 'fail', detail: `not checked: ${discovered.reason}` };
  if (discovered.value.length === 0) {
    return {
      ...base,
      status: 'fail',
      detail: 'Prometheus has discovered no Alertmanager: no alert would reach Alertmanager',
      hint: 'list the Alertmanager under alerting.alertmanagers in prometheus.yml (right after Prometheus starts, discovery takes a few seconds; see docs/detection-time.md#discovery)',
    };
  }
  const wanted = hostPort(alertmanagerUrl);
  const isDiscovered = (peer: string) => discovered.value.some((url) => hostPort(url) === hostPort(peer));
  if (discovered.value.some((url) => hostPort(url) === wanted)) {
    const unsent = peers.filter((peer) => !isDiscovered(peer));
    if (unsent.length === 0) return { ...base, status: 'ok', detail: `Prometheus sends alerts to ${discovered.value.join(', ')}` };
    return {
      ...base,
      status: 'warn',
      detail: `Prometheus sends alerts to ${discovered.value.join(', ')}, not to the peer${unsent.length === 1 ? '' : 's'} ${unsent.join(', ')}: only gossip from the others would bring alerts there`,
      hint: 'list every peer under alerting.alertmanagers in prometheus.yml, as Alertmanager clusters expect (or remove it from monitoring.alertmanager.peers)',
    };
  }
  return {
    ...base,
    status: 'warn',
    detail: `Prometheus sends alerts to ${discovered.value.join(', ')}, not to the plan's Alertmanager ${alertmanagerUrl}`,
    hint: 'point monitoring.alertmanager.url at the Alertmanager Prometheus uses (behind a proxy, this may be expected)',
  };
}

export function baselineFinding(expectation: Expectation, world: World): CheckFinding {
  const base = { check: 'baseline', subject: describeExpectation(expectation) } as const;
  if (!world.promAlerts.ok) return { ...base, status: 'fail', detail: `not checked: ${world.promAlerts.reason}` };
  const active = world.promAlerts.value.filter((alert) => matchesExpectation(alert.labels, expectation));
  if (active.length === 0) return { ...base, status: 'ok', detail: 'not pending or firing' };
  const states = active
    .map((alert) => `${alert.state} since ${shortTime(alert.activeAt)}${extraLabels(alert.labels, expectation)}`)
    .join('; ');
  const baselineTimeout = formatDuration(world.plan.window.baselineTimeoutSeconds);
  const rules = world.rules.ok ? world.rules.value.filter((rule) => rule.name === expectation.alert) : [];
  const pushed = rules.length > 0 && rules.every((rule) => readsOnlyPushedSeries(queryShape(rule.query)));
  if (pushed) {
    const metrics = [...new Set(rules.flatMap((rule) => queryShape(rule.query).pushedMetrics))].join(', ');
    return {
      ...base,
      status: 'warn',
      detail: `already ${states}; the rule reads k6 series (${metrics}) that only a running trace pushes, so it may fire only because no trace runs now`,
      hint: `gameday run starts the trace first and waits up to ${baselineTimeout} (window.baselineTimeout) for it to clear; if it keeps firing with the trace running, fix the target or the rule`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: `already ${states}: a fault could not be told apart from what is already wrong`,
    hint: `fix the cause before the game day (gameday run waits at most ${baselineTimeout}, window.baselineTimeout, for a clean baseline)`,
  };
}

export function watchdogFinding(name: string, world: Pick<World, 'rules' | 'promAlerts' | 'amAlerts'>): CheckFinding {
  const base = { check: 'watchdog', subject: name } as const;
  if (!world.amAlerts.ok) return { ...base, status: 'fail', detail: `not checked: ${world.amAlerts.reason}` };
  const seen = world.amAlerts.value.filter((alert) => alert.labels.alertname === name);
  const active = seen.find((alert) => alert.state === 'active');
  if (active) return { ...base, status: 'ok', detail: `active in Alertmanager since ${shortTime(active.startsAt)}` };
  if (seen.length > 0) {
    return {
      ...base,
      status: 'warn',
      detail: `in Alertmanager but ${seen[0]?.state ?? 'not active'} (silenced or inhibited)`,
      hint: 'expire the silence or inhibition, or it will hide the pipeline failing',
    };
  }
  if (world.rules.ok && !world.rules.value.some((rule) => rule.name === name)) {
    const missing = missingRule(name, world.rules.value);
    return {
      ...base,
      status: 'fail',
      detail: `not in Alertmanager; ${missing.detail}`,
      hint: missing.hint ?? 'add an always-firing rule (expr: vector(1))',
    };
  }
  if (!world.promAlerts.ok)
    return { ...base, status: 'fail', detail: `not in Alertmanager (and Prometheus not checked: ${world.promAlerts.reason})` };
  const firing = world.promAlerts.value.find((alert) => alert.labels.alertname === name && alert.state === 'firing');
  if (firing) {
    return {
      ...base,
      status: 'fail',
      detail: `firing in Prometheus since ${shortTime(firing.activeAt)} but not in Alertmanager`,
      hint: 'check alerting.alertmanagers in prometheus.yml; right after Prometheus starts, alerts that fired before it found Alertmanager arrive about a minute later (--rules.alert.resend-delay; see docs/detection-time.md#discovery)',
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: 'not in Alertmanager, and not firing in Prometheus either',
    hint: 'a watchdog must always fire: give its rule expr: vector(1)',
  };
}
