// `gameday check <plan>`: a dry run. It injects nothing and sends no load; it asks the tools, the
// monitoring stack and the disk whether the plan could run and whether its targets can be met,
// and collects every finding rather than stopping at the first problem.

import * as fsPromises from 'node:fs/promises';
import { parseRouteTree } from '../alerting/routes.ts';
import { parseScrapeSettings } from '../alerting/scrape-settings.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { monitoringClientOptions } from '../observe/credentials.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import type { Plan } from '../plan/types.ts';
import { resolveTool } from '../toolchain/index.ts';
import type { CheckFinding, CheckReport } from './findings.ts';
import { injectorFinding } from './injector-findings.ts';
import { journeyFindings } from './journey-findings.ts';
import { feasibilityOf, ruleFinding } from './rule-findings.ts';
import { silenceFindings } from './silence-findings.ts';
import { baselineFinding, discoveryFinding, endpointFinding, planFinding, watchdogFinding } from './stack-findings.ts';
import { attempt, type CheckDeps, type Outcome, type World } from './world.ts';
import { k6OperatorFindings } from './k6-operator-findings.ts';
import { distinctExpectations, expectedAlertNames } from './words.ts';

export type { AlertmanagerApi, CheckDeps, CheckFs, PrometheusApi } from './world.ts';

export async function checkPlan(plan: Plan, deps: Partial<CheckDeps> = {}): Promise<CheckReport> {
  // The same credentials `gameday run` would use; a variable the plan names and the environment
  // lacks is bad input here too (PreflightError).
  const endpoints = deps.prometheus && deps.alertmanager ? undefined : monitoringClientOptions(plan.monitoring, deps.env ?? process.env);
  const d: CheckDeps = {
    prometheus: deps.prometheus ?? new PrometheusClient(endpoints?.prometheus ?? { baseUrl: plan.monitoring.prometheus.url }),
    alertmanager: deps.alertmanager ?? new AlertmanagerClient(endpoints?.alertmanager ?? { baseUrl: plan.monitoring.alertmanager.url }),
    alertmanagerPeers:
      deps.alertmanagerPeers ??
      (endpoints?.alertmanagerPeers ?? (plan.monitoring.alertmanager.peers ?? []).map((url) => ({ baseUrl: url }))).map(
        (peer) => new AlertmanagerClient(peer),
      ),
    resolveTool: deps.resolveTool ?? ((name) => resolveTool(name)),
    fs: deps.fs ?? fsPromises,
    env: deps.env ?? process.env,
    now: deps.now ?? (() => new Date()),
  };
  const checkedAt = d.now().toISOString();
  const peers = d.alertmanagerPeers ?? [];

  const [k6, promReady, amReady, peersReady] = await Promise.all([
    attempt(() => d.resolveTool('k6')),
    d.prometheus.readiness(),
    d.alertmanager.readiness(),
    Promise.all(peers.map((peer) => peer.readiness())),
  ]);
  const fromProm = <T>(fn: () => Promise<T>): Promise<Outcome<T>> =>
    promReady.ready ? attempt(fn) : Promise.resolve({ ok: false, reason: `Prometheus at ${d.prometheus.baseUrl} is not ready` });
  const fromAm = <T>(fn: () => Promise<T>): Promise<Outcome<T>> =>
    amReady.ready ? attempt(fn) : Promise.resolve({ ok: false, reason: `Alertmanager at ${d.alertmanager.baseUrl} is not ready` });
  const readSilences = d.alertmanager.silences?.bind(d.alertmanager);
  const [discovered, rules, promAlerts, promConfig, amAlerts, amConfig, silences] = await Promise.all([
    fromProm(() => d.prometheus.alertmanagers()),
    fromProm(() => d.prometheus.alertingRules()),
    fromProm(() => d.prometheus.alerts()),
    fromProm(async () => parseScrapeSettings(await d.prometheus.configYaml())),
    fromAm(() => d.alertmanager.alerts()),
    fromAm(async () => parseRouteTree(await d.alertmanager.configYaml())),
    readSilences ? fromAm(readSilences) : Promise.resolve(undefined),
  ]);
  const world: World = { plan, rules, promAlerts, promConfig, amAlerts, amConfig };

  const findings: CheckFinding[] = [
    planFinding(plan),
    k6.ok
      ? { check: 'k6', subject: 'k6', status: 'ok', detail: k6.value }
      : { check: 'k6', subject: 'k6', status: 'fail', detail: k6.reason, hint: 'install k6 v2, or set GAMEDAY_K6 to a working k6' },
    endpointFinding('prometheus', d.prometheus.baseUrl, promReady, 'monitoring.prometheus.url'),
    endpointFinding('alertmanager', d.alertmanager.baseUrl, amReady, 'monitoring.alertmanager.url'),
    ...peers.map((peer, index) =>
      endpointFinding('alertmanager', peer.baseUrl, peersReady[index] ?? amReady, `monitoring.alertmanager.peers[${index}]`),
    ),
    discoveryFinding(
      discovered,
      d.alertmanager.baseUrl,
      peers.map((peer) => peer.baseUrl),
    ),
    ...expectedAlertNames(plan).map((name) => ruleFinding(name, world)),
    ...plan.faults.flatMap((fault) => fault.expect.map((expectation) => feasibilityOf(fault, expectation, world))),
    ...distinctExpectations(plan).map((expectation) => baselineFinding(expectation, world)),
    ...(silences === undefined ? [] : silenceFindings(distinctExpectations(plan), silences, rules, plan, d.now())),
    ...(plan.monitoring.watchdog === undefined ? [] : [watchdogFinding(plan.monitoring.watchdog, world)]),
    ...journeyFindings(plan, rules),
    ...(await Promise.all(
      plan.faults.flatMap((fault) => [
        injectorFinding(fault, 'inject', fault.inject, plan, d),
        ...(fault.revert === 'none' ? [] : [injectorFinding(fault, 'revert', fault.revert, plan, d)]),
      ]),
    )),
    ...k6OperatorFindings(plan),
  ];
  return { plan: { name: plan.name, file: plan.file }, checkedAt, findings };
}
