// The run's preflight: the gate `gameday check` shares (stack ready, Alertmanager discovered,
// watchdog through, rules loaded), then what only a run records: the rules as they are, the clock
// offset, the inputs that bound each detection time, and stop conditions Prometheus can evaluate.

import { journalClockOffset } from './clock-reads.ts';
import type { RunContext } from './context.ts';
import { requireEvaluable } from './stop-conditions.ts';
import { captureDetectionInputs } from '../preflight/detection-inputs.ts';
import { passGate } from '../preflight/gate.ts';
import type { AlertmanagerClient } from '../observe/alertmanager.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';

export interface PreflightClients {
  prometheus: PrometheusClient;
  alertmanager: AlertmanagerClient;
  alertmanagerPeers?: readonly AlertmanagerClient[];
}

/** Throws PreflightError when the run cannot start; returns Prometheus's clock offset when it could be read. */
export async function runPreflight(run: RunContext, clients: PreflightClients, timeoutSeconds: number): Promise<number | undefined> {
  const { prometheus, alertmanager } = clients;
  const { discovered, rules } = await passGate({
    plan: run.plan,
    prometheus,
    alertmanager,
    ...(clients.alertmanagerPeers ? { alertmanagerPeers: clients.alertmanagerPeers } : {}),
    timeoutSeconds,
    throwIfAborted: () => run.schedule.throwIfAborted(),
    sleep: (ms) => run.schedule.sleep(ms),
  });
  run.record({
    kind: 'preflight.passed',
    alertmanagers: discovered,
    rules: rules.map((rule) => ({
      name: rule.name,
      query: rule.query,
      labels: rule.labels,
      annotations: rule.annotations,
      forSeconds: rule.forSeconds,
      intervalSeconds: rule.intervalSeconds,
    })),
  });
  const names = new Set(rules.map((rule) => rule.name));
  run.log(`preflight: Prometheus ready, Alertmanager discovered (${discovered.join(', ')}), ${names.size} alerting rules`);
  const offsetMs = await journalClockOffset(run, prometheus, 'preflight');
  run.record(await captureDetectionInputs(run.plan, rules, { prometheus, alertmanager }));
  await requireEvaluable(run.plan.stopConditions ?? [], (expr) => prometheus.query(expr));
  return offsetMs;
}
