// The preflight `gameday run` must pass before anything is injected, made of the same findings as
// `gameday check`: Prometheus and Alertmanager ready, Prometheus sending to Alertmanager, the
// watchdog through, every expected alert's rule loaded. Where `check` reports each finding once,
// the run waits (with backoff, up to a deadline) for the ones that fail to pass, because right
// after a stack starts they pass within seconds; at the deadline it throws a PreflightError with
// the findings' own words.

import { PreflightError } from '../errors.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import { missingRule } from './rule-findings.ts';
import { discoveryFinding, endpointFinding, watchdogFinding } from './stack-findings.ts';
import { type AlertmanagerApi, attempt, type PrometheusApi } from './world.ts';
import { expectedAlertNames } from './words.ts';

export interface GateOptions {
  plan: Plan;
  prometheus: Pick<PrometheusApi, 'baseUrl' | 'readiness' | 'alertmanagers' | 'alerts' | 'alertingRules'>;
  alertmanager: Pick<AlertmanagerApi, 'baseUrl' | 'readiness' | 'alerts'>;
  /** The other peers of the Alertmanager cluster (monitoring.alertmanager.peers, in order). */
  alertmanagerPeers?: ReadonlyArray<Pick<AlertmanagerApi, 'baseUrl' | 'readiness'>>;
  /** Longest wait, in seconds, for all of it. */
  timeoutSeconds: number;
  /** Ends the wait early (Ctrl-C); the caller decides what an abort means. */
  throwIfAborted: () => void;
  sleep: (ms: number) => Promise<void>;
}

export interface GatePassed {
  /** The Alertmanagers Prometheus sends to. */
  discovered: string[];
  rules: AlertingRule[];
}

/** Waits until the stack is fit for a game day; throws PreflightError naming what is not, with the fix. */
export async function passGate(options: GateOptions): Promise<GatePassed> {
  const { plan, prometheus, alertmanager } = options;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const waited = `waited ${options.timeoutSeconds}s`;

  await until(options, deadline, waited, async () => [
    endpointFinding('prometheus', prometheus.baseUrl, await prometheus.readiness(), 'monitoring.prometheus.url'),
  ]);
  await until(options, deadline, waited, async () => [
    endpointFinding('alertmanager', alertmanager.baseUrl, await alertmanager.readiness(), 'monitoring.alertmanager.url'),
  ]);
  const peers = options.alertmanagerPeers ?? [];
  await until(options, deadline, waited, async () =>
    Promise.all(
      peers.map(async (peer, index) =>
        endpointFinding('alertmanager', peer.baseUrl, await peer.readiness(), `monitoring.alertmanager.peers[${index}]`),
      ),
    ),
  );
  let discovered: string[] = [];
  await until(options, deadline, waited, async () => {
    const outcome = await attempt(() => prometheus.alertmanagers());
    if (outcome.ok) discovered = outcome.value;
    return [
      discoveryFinding(
        outcome,
        alertmanager.baseUrl,
        peers.map((peer) => peer.baseUrl),
      ),
    ];
  });
  // An alert that fired before discovery was dropped and reaches Alertmanager only at the next
  // resend (--rules.alert.resend-delay, 1m by default). Until the watchdog is there, a fault's
  // alert could be dropped the same way, so the game day must not start.
  const watchdog = plan.monitoring.watchdog;
  if (watchdog !== undefined) {
    await until(options, deadline, waited, async () => {
      const [rules, promAlerts, amAlerts] = await Promise.all([
        attempt(() => prometheus.alertingRules()),
        attempt(() => prometheus.alerts()),
        attempt(() => alertmanager.alerts()),
      ]);
      return [watchdogFinding(watchdog, { rules, promAlerts, amAlerts })];
    });
  }

  // Rules are loaded or not: no point in waiting. A rule that exists but fails to evaluate does
  // not stop the run (the analysis marks what it could not judge); a missing one does.
  const rules = await prometheus.alertingRules();
  const missing = expectedAlertNames(plan)
    .filter((name) => !rules.some((rule) => rule.name === name))
    .map((name): CheckFinding => ({ check: 'rule', subject: name, ...missingRule(name, rules) }));
  if (missing.length > 0) throw new PreflightError(`Prometheus at ${prometheus.baseUrl}: ${describeFindings(missing)}`);
  return { discovered, rules };
}

/** Evaluates `findings` until none fails, backing off from 200 ms to 2 s; at the deadline throws with the failing ones. */
async function until(options: GateOptions, deadline: number, waited: string, findings: () => Promise<CheckFinding[]>): Promise<void> {
  for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {
    options.throwIfAborted();
    const failing = (await findings()).filter((finding) => finding.status === 'fail');
    if (failing.length === 0) return;
    if (Date.now() + delay > deadline) throw new PreflightError(`${describeFindings(failing)} (${waited})`);
    await options.sleep(delay);
  }
}

/** Failing findings as the words of a PreflightError: subject, what was found, the fix. */
export function describeFindings(findings: readonly CheckFinding[]): string {
  return findings.map((finding) => `${finding.subject}: ${finding.detail}${finding.hint ? `. Fix: ${finding.hint}` : ''}`).join('\n');
}
