// What bounds each expectation's detection time, read at preflight from the live configurations
// and journaled (`detection.inputs`), so the report can put every measured latency beside its
// floor ("where the seconds went") without asking Prometheus again. The reading itself is the
// check's (verifier/preflight): the same scrape interval, absence window and route for both.

import { parse } from 'yaml';
import { scrapeInterval } from '../alerting/scrape-interval.ts';
import { parseScrapeSettings, type ScrapeSettings } from '../alerting/scrape-settings.ts';
import { conditionWindows, LOOKBACK_SECONDS, queryShape } from '../alerting/query-shape.ts';
import { parseInhibitRules, parseRouteTree, receiverIntegrations, type RouteNode, routesFor } from '../alerting/routes.ts';
import { errorMessage } from '../errors.ts';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { Expectation, Plan } from '../plan/types.ts';
import type { DetectionInput, DetectionInputs, InhibitRuleInput, ReceiverInput } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ConfigSources {
  prometheus: { configYaml(): Promise<string> };
  alertmanager: { configYaml(): Promise<string> };
}

/** Reads both configurations and computes the inputs; a configuration that cannot be read leaves its inputs null. */
export async function captureDetectionInputs(
  plan: Plan,
  rules: readonly AlertingRule[],
  sources: ConfigSources,
): Promise<EventInput<DetectionInputs>> {
  const [promYaml, amYaml] = await Promise.all([
    attempt(() => sources.prometheus.configYaml()),
    attempt(() => sources.alertmanager.configYaml()),
  ]);
  return detectionInputs(plan, rules, promYaml, amYaml);
}

export function detectionInputs(
  plan: Plan,
  rules: readonly AlertingRule[],
  promYaml: Outcome<string>,
  amYaml: Outcome<string>,
): EventInput<DetectionInputs> {
  const problems: string[] = [];
  const scrape = parseWith(promYaml, parseScrapeSettings, "Prometheus's configuration", problems);
  const amConfig = parseWith(
    amYaml,
    (text) => ({
      routes: parseRouteTree(text),
      webhooks: receiverWebhooks(text),
      integrations: receiverIntegrations(text),
      inhibitRules: parseInhibitRules(text),
    }),
    "Alertmanager's configuration",
    problems,
  );

  const seen = new Set<string>();
  const expectations: DetectionInput[] = [];
  for (const expectation of plan.faults.flatMap((fault) => fault.expect)) {
    const key = JSON.stringify([expectation.alert, Object.entries(expectation.labels).sort()]);
    if (seen.has(key)) continue;
    seen.add(key);
    const rule = rules.find((candidate) => candidate.name === expectation.alert && !conflicts(candidate, expectation));
    if (rule) expectations.push(inputFor(expectation, rule, scrape, amConfig, plan.monitoring.webhookListen));
  }
  if (!amConfig) return { kind: 'detection.inputs', expectations, problems };
  const inhibitRules: InhibitRuleInput[] = amConfig.inhibitRules.map((rule) => ({ ...rule }));
  const receivers: ReceiverInput[] = [...amConfig.integrations].map(([name, integrations]) => ({
    name,
    integrations,
    callsGameday: callsGameday(amConfig.webhooks.get(name) ?? [], plan.monitoring.webhookListen),
  }));
  return { kind: 'detection.inputs', expectations, problems, inhibitRules, receivers };
}

/** Whether one of these webhook URLs is gameday's listener; a redacted URL (<secret>) cannot be compared: unknown rather than no. */
function callsGameday(urls: readonly string[], webhookListen: string | undefined): boolean | null {
  if (webhookListen === undefined) return null;
  if (urls.some((url) => sameHostPort(url, webhookListen))) return true;
  return urls.some((url) => !url.includes('://')) ? null : false;
}

function inputFor(
  expectation: Expectation,
  rule: AlertingRule,
  scrape: ScrapeSettings | undefined,
  amConfig: { routes: RouteNode; webhooks: Map<string, string[]> } | undefined,
  webhookListen: string | undefined,
): DetectionInput {
  const shape = queryShape(rule.query);
  const windowSeconds = shape.absentOnPushed ? Math.max(shape.absentOverTimeSeconds, LOOKBACK_SECONDS) : shape.absentOverTimeSeconds;
  const interval = scrape
    ? scrapeInterval(shape, { ok: true, value: scrape })
    : shape.pushedMetrics.length > 0 && shape.jobs.length === 0
      ? scrapeInterval(shape, { ok: false, reason: 'unread' })
      : undefined;
  let route: RouteNode | undefined;
  if (amConfig) {
    const labels = { ...(scrape?.externalLabels ?? {}), ...rule.labels, ...expectation.labels, alertname: expectation.alert };
    route = routesFor(amConfig.routes, labels)[0];
  }
  const receiverCallsGameday = route && amConfig ? callsGameday(amConfig.webhooks.get(route.receiver) ?? [], webhookListen) : null;
  return {
    alert: expectation.alert,
    labels: { ...expectation.labels },
    scrapeSeconds: interval?.seconds ?? null,
    scrapeSource: interval?.source ?? null,
    evalSeconds: rule.intervalSeconds,
    forSeconds: rule.forSeconds,
    windowSeconds,
    ...rangeWindowsOf(rule.query, interval?.seconds),
    readsTrace: shape.pushedMetrics.length > 0,
    groupWaitSeconds: route?.groupWaitSeconds ?? null,
    groupIntervalSeconds: route?.groupIntervalSeconds ?? null,
    route: route?.path ?? null,
    receiver: route?.receiver ?? null,
    receiverCallsGameday,
  };
}

/** R and its stretches; left out when the scrape interval (which `rate(…) > 0` needs) is unknown. */
function rangeWindowsOf(query: string, scrapeSeconds: number | undefined): Pick<DetectionInput, 'rangeWindowSeconds' | 'rangeWindows'> {
  if (scrapeSeconds === undefined) return {};
  const windows = conditionWindows(query, scrapeSeconds);
  return { rangeWindowSeconds: windows.seconds, rangeWindows: windows.windows.map((window) => window.what) };
}

/** Webhook URLs per receiver name. */
function receiverWebhooks(yamlText: string): Map<string, string[]> {
  const config = asRecord(parse(yamlText));
  const out = new Map<string, string[]>();
  for (const receiver of Array.isArray(config.receivers) ? config.receivers : []) {
    const entry = asRecord(receiver);
    if (typeof entry.name !== 'string') continue;
    const hooks = Array.isArray(entry.webhook_configs) ? entry.webhook_configs : [];
    out.set(
      entry.name,
      hooks.map((hook) => asRecord(hook).url).filter((url): url is string => typeof url === 'string'),
    );
  }
  return out;
}

function sameHostPort(url: string, listen: string): boolean {
  try {
    const parsed = new URL(url);
    const at = listen.lastIndexOf(':');
    const host = listen.slice(0, at) || '127.0.0.1';
    const loopback = (name: string) => (name === 'localhost' || name === '[::1]' || name === '::1' ? '127.0.0.1' : name);
    return loopback(parsed.hostname) === loopback(host) && parsed.port === listen.slice(at + 1);
  } catch {
    return false;
  }
}

/** A rule label (not a template) that contradicts the expectation's labels. */
function conflicts(rule: AlertingRule, expectation: Expectation): boolean {
  return Object.entries(expectation.labels).some(([name, wanted]) => {
    const value = rule.labels[name];
    return value !== undefined && !value.includes('{{') && value !== wanted;
  });
}

function parseWith<T>(text: Outcome<string>, parseText: (text: string) => T, what: string, problems: string[]): T | undefined {
  if (!text.ok) {
    problems.push(`${what} could not be read: ${text.reason}`);
    return undefined;
  }
  try {
    return parseText(text.value);
  } catch (error) {
    problems.push(`${what} could not be parsed: ${errorMessage(error)}`);
    return undefined;
  }
}

async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
