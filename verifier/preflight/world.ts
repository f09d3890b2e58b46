// What `gameday check` reads before it judges anything: Prometheus's rules, alerts and
// configuration, Alertmanager's alerts and routes, each as a value or the reason it could not be
// read. Findings are pure functions of this world (and the plan).

import type { RouteNode } from '../alerting/routes.ts';
import type { ScrapeSettings } from '../alerting/scrape-settings.ts';
import { errorMessage } from '../errors.ts';
import type { AmAlert, AmSilence, PromAlert } from '../journal/events.ts';
import type { AlertingRule, Readiness } from '../observe/prometheus.ts';
import type { Plan } from '../plan/types.ts';

/** What `checkPlan` needs from Prometheus; `PrometheusClient` in production. */
export interface PrometheusApi {
  readonly baseUrl: string;
  readiness(): Promise<Readiness>;
  alertmanagers(): Promise<string[]>;
  alerts(): Promise<PromAlert[]>;
  alertingRules(): Promise<AlertingRule[]>;
  configYaml(): Promise<string>;
}

/** What `checkPlan` needs from Alertmanager; `AlertmanagerClient` in production. */
export interface AlertmanagerApi {
  readonly baseUrl: string;
  readiness(): Promise<Readiness>;
  alerts(): Promise<AmAlert[]>;
  configYaml(): Promise<string>;
  /** Absent: silences are not checked (no finding). */
  silences?(): Promise<AmSilence[]>;
}

/** The slice of `node:fs/promises` used to find injector programs. */
export interface CheckFs {
  access(path: string, mode?: number): Promise<void>;
  stat(path: string): Promise<{ isFile(): boolean }>;
}

export interface CheckDeps {
  prometheus: PrometheusApi;
  alertmanager: AlertmanagerApi;
  /** The other peers of the Alertmanager cluster, in the plan's order; each is checked for readiness. */
  alertmanagerPeers?: ReadonlyArray<Pick<AlertmanagerApi, 'baseUrl' | 'readiness'>>;
  resolveTool: (name: 'k6') => Promise<string>;
  fs: CheckFs;
  /** Where PATH comes from for exec injectors. */
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface World {
  plan: Plan;
  rules: Outcome<AlertingRule[]>;
  promAlerts: Outcome<PromAlert[]>;
  promConfig: Outcome<ScrapeSettings>;
  amAlerts: Outcome<AmAlert[]>;
  amConfig: Outcome<RouteNode>;
}

export async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}
