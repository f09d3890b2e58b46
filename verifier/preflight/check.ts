// `gameday check <plan>`: a dry run. It injects nothing and sends no load; it asks the tools, the
// monitoring stack and the disk whether the plan could run and whether its targets can be met,
// and collects every finding rather than stopping at the first problem.

import { constants } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { matchesExpectation } from '../alerting/labels.ts';
import { errorMessage } from '../errors.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { monitoringClientOptions } from '../observe/credentials.ts';
import { type AlertingRule, PrometheusClient, type Readiness } from '../observe/prometheus.ts';
import { formatDuration } from '../plan/duration.ts';
import { closest } from '../plan/suggest.ts';
import type { Expectation, FaultSpec, Injector, Plan } from '../plan/types.ts';
import type { AmAlert, PromAlert } from '../journal/events.ts';
import { resolveTool } from '../toolchain/index.ts';
import { feasibilityFinding } from './feasibility.ts';
import { parseScrapeSettings, type ScrapeSettings } from '../alerting/scrape-settings.ts';
import { LOOKBACK_SECONDS, type QueryShape, queryShape } from '../alerting/query-shape.ts';
import type { CheckFinding, CheckReport } from './findings.ts';
import { parseRouteTree, type RouteNode, routesFor } from '../alerting/routes.ts';

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
}

/** The slice of `node:fs/promises` used to find injector programs. */
export interface CheckFs {
  access(path: string, mode?: number): Promise<void>;
  stat(path: string): Promise<{ isFile(): boolean }>;
}

export interface CheckDeps {
  prometheus: PrometheusApi;
  alertmanager: AlertmanagerApi;
  resolveTool: (name: 'k6') => Promise<string>;
  fs: CheckFs;
  /** Where PATH comes from for exec injectors. */
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

/** k6 pushes its metrics by remote write once a second (K6_PROMETHEUS_RW_PUSH_INTERVAL default). */
export const K6_PUSH_SECONDS = 1;
/** Prometheus's default scrape_interval, assumed when its configuration cannot be read. */
const DEFAULT_SCRAPE_SECONDS = 60;

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function checkPlan(plan: Plan, deps: Partial<CheckDeps> = {}): Promise<CheckReport> {
  // The same credentials `gameday run` would use; a variable the plan names and the environment
  // lacks is bad input here too (PreflightError).
  const endpoints = deps.prometheus && deps.alertmanager ? undefined : monitoringClientOptions(plan.monitoring, deps.env ?? process.env);
  const d: CheckDeps = {
    prometheus: deps.prometheus ?? new PrometheusClient(endpoints?.prometheus ?? { baseUrl: plan.monitoring.prometheus.url }),
    alertmanager: deps.alertmanager ?? new AlertmanagerClient(endpoints?.alertmanager ?? { baseUrl: plan.monitoring.alertmanager.url }),
    resolveTool: deps.resolveTool ?? ((name) => resolveTool(name)),
    fs: deps.fs ?? fsPromises,
    env: deps.env ?? process.env,
    now: deps.now ?? (() => new Date()),
  };
  const checkedAt = d.now().toISOString();

  const [k6, promReady, amReady] = await Promise.all([
    attempt(() => d.resolveTool('k6')),
    d.prometheus.readiness(),
    d.alertmanager.readiness(),
  ]);
  const fromProm = <T>(fn: () => Promise<T>): Promise<Outcome<T>> =>
    promReady.ready ? attempt(fn) : Promise.resolve({ ok: false, reason: `Prometheus at ${d.prometheus.baseUrl} is not ready` });
  const fromAm = <T>(fn: () => Promise<T>): Promise<Outcome<T>> =>
    amReady.ready ? attempt(fn) : Promise.resolve({ ok: false, reason: `Alertmanager at ${d.alertmanager.baseUrl} is not ready` });
  const [discovered, rules, promAlerts, promConfig, amAlerts, amConfig] = await Promise.all([
    fromProm(() => d.prometheus.alertmanagers()),
    fromProm(() => d.prometheus.alertingRules()),
    fromProm(() => d.prometheus.alerts()),
    fromProm(async () => parseScrapeSettings(await d.prometheus.configYaml())),
    fromAm(() => d.alertmanager.alerts()),
    fromAm(async () => parseRouteTree(await d.alertmanager.configYaml())),
  ]);
  const world: World = { plan, rules, promAlerts, promConfig, amAlerts, amConfig };

  const findings: CheckFinding[] = [
    planFinding(plan),
    k6.ok
      ? { check: 'k6', subject: 'k6', status: 'ok', detail: k6.value }
      : { check: 'k6', subject: 'k6', status: 'fail', detail: k6.reason, hint: 'install k6 v2, or set GAMEDAY_K6 to a working k6' },
    endpointFinding('prometheus', d.prometheus.baseUrl, promReady, 'monitoring.prometheus.url'),
    endpointFinding('alertmanager', d.alertmanager.baseUrl, amReady, 'monitoring.alertmanager.url'),
    discoveryFinding(discovered, d.alertmanager.baseUrl),
    ...expectedAlertNames(plan).map((name) => ruleFinding(name, world)),
    ...plan.faults.flatMap((fault) => fault.expect.map((expectation) => feasibilityOf(fault, expectation, world))),
    ...distinctExpectations(plan).map((expectation) => baselineFinding(expectation, world)),
    ...(plan.monitoring.watchdog === undefined ? [] : [watchdogFinding(plan.monitoring.watchdog, world)]),
    ...(await Promise.all(
      plan.faults.flatMap((fault) => [
        injectorFinding(fault, 'inject', fault.inject, plan, d),
        ...(fault.revert === 'none' ? [] : [injectorFinding(fault, 'revert', fault.revert, plan, d)]),
      ]),
    )),
  ];
  return { plan: { name: plan.name, file: plan.file }, checkedAt, findings };
}

interface World {
  plan: Plan;
  rules: Outcome<AlertingRule[]>;
  promAlerts: Outcome<PromAlert[]>;
  promConfig: Outcome<ScrapeSettings>;
  amAlerts: Outcome<AmAlert[]>;
  amConfig: Outcome<RouteNode>;
}

async function attempt<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
}

function planFinding(plan: Plan): CheckFinding {
  const expectations = plan.faults.reduce((sum, fault) => sum + fault.expect.length, 0);
  return {
    check: 'plan',
    subject: plan.name,
    status: 'ok',
    detail: `${plan.file}: ${count(plan.faults.length, 'fault')}, ${count(expectations, 'expected alert')}, ${count(plan.bursts.length, 'burst')}`,
  };
}

function endpointFinding(check: 'prometheus' | 'alertmanager', url: string, readiness: Readiness, planField: string): CheckFinding {
  if (readiness.ready) return { check, subject: url, status: 'ok', detail: 'ready' };
  return { check, subject: url, status: 'fail', detail: readiness.reason, hint: `start it, or fix ${planField} in the plan` };
}

function discoveryFinding(discovered: Outcome<string[]>, alertmanagerUrl: string): CheckFinding {
  const base = { check: 'discovery', subject: 'Prometheus → Alertmanager' } as const;
  if (!discovered.ok) return { ...base, status: 'fail', detail: `not checked: ${discovered.reason}` };
  if (discovered.value.length === 0) {
    return {
      ...base,
      status: 'fail',
      detail: 'Prometheus has discovered no Alertmanager: no alert would reach Alertmanager',
      hint: 'list the Alertmanager under alerting.alertmanagers in prometheus.yml (right after Prometheus starts, discovery takes a few seconds)',
    };
  }
  const wanted = hostPort(alertmanagerUrl);
  if (discovered.value.some((url) => hostPort(url) === wanted)) {
    return { ...base, status: 'ok', detail: `Prometheus sends alerts to ${discovered.value.join(', ')}` };
  }
  return {
    ...base,
    status: 'warn',
    detail: `Prometheus sends alerts to ${discovered.value.join(', ')}, not to the plan's Alertmanager ${alertmanagerUrl}`,
    hint: 'point monitoring.alertmanager.url at the Alertmanager Prometheus uses (behind a proxy, this may be expected)',
  };
}

// ---------------------------------------------------------------------------------------------
// Rules

function ruleFinding(name: string, world: World): CheckFinding {
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

function missingRule(name: string, rules: AlertingRule[]): Pick<CheckFinding, 'status' | 'detail' | 'hint'> {
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

// ---------------------------------------------------------------------------------------------
// Feasibility

function feasibilityOf(fault: FaultSpec, expectation: Expectation, world: World): CheckFinding {
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
  const shape = queryShape(rule.query);
  const scrape = scrapeInterval(shape, world.promConfig);
  const windowSeconds = shape.absentOnPushed ? Math.max(shape.absentOverTimeSeconds, LOOKBACK_SECONDS) : shape.absentOverTimeSeconds;
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
    inputs: { scrapeSeconds: scrape.seconds, evalSeconds: rule.intervalSeconds, forSeconds: rule.forSeconds, windowSeconds },
    scrapeSource: scrape.source,
    groupWait,
    absentOnPushed: shape.absentOnPushed,
    ...(scrape.caveat ? { caveat: scrape.caveat } : {}),
  });
  if (fault.exposedBy !== undefined) finding.detail += `; measured from the start of burst ${fault.exposedBy}`;
  return finding;
}

/** S: the slowest scrape of the jobs the query names, the k6 push interval, or the global scrape interval. */
export function scrapeInterval(shape: QueryShape, config: Outcome<ScrapeSettings>): { seconds: number; source: string; caveat?: string } {
  const pushed = shape.pushedMetrics.length > 0;
  if (!config.ok) {
    if (pushed && shape.jobs.length === 0) return { seconds: K6_PUSH_SECONDS, source: `k6 remote write, pushed every ${K6_PUSH_SECONDS}s` };
    return {
      seconds: DEFAULT_SCRAPE_SECONDS,
      source: 'assumed',
      caveat: `scrape interval unknown (${config.reason}); assumed Prometheus's default 1m`,
    };
  }
  const settings = config.value;
  const known = shape.jobs.filter((job) => settings.jobScrapeSeconds.has(job));
  const unknown = shape.jobs.filter((job) => !settings.jobScrapeSeconds.has(job));
  if (known.length > 0) {
    const slowest = known.reduce((a, b) => ((settings.jobScrapeSeconds.get(b) ?? 0) > (settings.jobScrapeSeconds.get(a) ?? 0) ? b : a));
    return { seconds: settings.jobScrapeSeconds.get(slowest) ?? settings.globalScrapeSeconds, source: `job "${slowest}"` };
  }
  if (pushed) return { seconds: K6_PUSH_SECONDS, source: `k6 remote write, pushed every ${K6_PUSH_SECONDS}s` };
  if (unknown.length > 0) {
    return {
      seconds: settings.globalScrapeSeconds,
      source: 'global',
      caveat: `Prometheus scrapes no job ${unknown.map((job) => `"${job}"`).join(', ')}: the rule reads series nobody scrapes`,
    };
  }
  return { seconds: settings.globalScrapeSeconds, source: 'global' };
}

/** A rule label (not a template) that contradicts the expectation's labels. */
function conflictingLabel(rule: AlertingRule, expectation: Expectation): [string, string] | undefined {
  for (const [name, wanted] of Object.entries(expectation.labels)) {
    const value = rule.labels[name];
    if (value !== undefined && !value.includes('{{') && value !== wanted) return [name, value];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Baseline and watchdog

function baselineFinding(expectation: Expectation, world: World): CheckFinding {
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

function readsOnlyPushedSeries(shape: QueryShape): boolean {
  return shape.pushedMetrics.length > 0 && shape.jobs.length === 0;
}

function watchdogFinding(name: string, world: World): CheckFinding {
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
      hint: 'check alerting.alertmanagers in prometheus.yml; right after Prometheus starts, alerts that fired before it found Alertmanager arrive about a minute later (--rules.alert.resend-delay)',
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: 'not in Alertmanager, and not firing in Prometheus either',
    hint: 'a watchdog must always fire: give its rule expr: vector(1)',
  };
}

// ---------------------------------------------------------------------------------------------
// Injectors

/** Interpreters whose first non-option argument is a script file the injector depends on. */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'node', 'python', 'python3', 'perl', 'ruby', 'tsx']);

async function injectorFinding(
  fault: FaultSpec,
  action: 'inject' | 'revert',
  injector: Injector,
  plan: Plan,
  d: CheckDeps,
): Promise<CheckFinding> {
  const base = { check: 'injector', subject: `${fault.name} ${action}` } as const;
  if (injector.kind === 'http') {
    const problem = httpUrlProblem(injector.url);
    if (problem)
      return {
        ...base,
        status: 'fail',
        detail: `${injector.method} ${injector.url}: ${problem}`,
        hint: `fix faults[].${action}.http.url in the plan`,
      };
    return { ...base, status: 'ok', detail: `${injector.method} ${injector.url}` };
  }
  const planDir = dirname(plan.file);
  const [program = '', ...args] = injector.command;
  if (injector.shell) {
    const sh = await findProgram('sh', planDir, d);
    if (!sh.path)
      return { ...base, status: 'fail', detail: `shell line ${JSON.stringify(program)}: ${sh.problem}`, hint: 'install a POSIX sh' };
    return { ...base, status: 'ok', detail: `${sh.path} -c ${JSON.stringify(program)}` };
  }
  const found = await findProgram(program, planDir, d);
  if (!found.path) {
    return {
      ...base,
      status: 'fail',
      detail: `${program}: ${found.problem}`,
      hint: program.includes('/')
        ? `paths with a / resolve against the plan's folder ${planDir}; run a script without the execute bit through its interpreter, e.g. [bash, ${program}]`
        : 'install it, or give its path',
    };
  }
  const script = INTERPRETERS.has(basename(program)) ? scriptArgument(args) : undefined;
  if (script !== undefined) {
    const scriptPath = isAbsolute(script) ? script : resolve(planDir, script);
    if (!(await isFile(scriptPath, d.fs))) {
      return {
        ...base,
        status: 'fail',
        detail: `${program} ${script}: the script ${scriptPath} does not exist`,
        hint: `paths resolve against the plan's folder ${planDir}`,
      };
    }
  }
  return { ...base, status: 'ok', detail: [found.path, ...args.map(shellWord)].join(' ') };
}

/** The script an interpreter would run: its first non-option argument, unless code comes inline (-c, -e). */
function scriptArgument(args: string[]): string | undefined {
  for (const arg of args) {
    if (arg === '-c' || arg === '-e' || arg === '--eval' || arg === '-m') return undefined;
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

/** `command[0]` as spawn finds it: a path with a / relative to the plan's folder, else on PATH. */
async function findProgram(program: string, planDir: string, d: CheckDeps): Promise<{ path?: string; problem?: string }> {
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(planDir, program);
    if (!(await isFile(path, d.fs))) return { problem: `${path} does not exist` };
    if (!(await isExecutable(path, d.fs))) return { problem: `${path} exists but is not executable` };
    return { path };
  }
  const dirs = (d.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const path = join(dir, program);
    if ((await isFile(path, d.fs)) && (await isExecutable(path, d.fs))) return { path };
  }
  return { problem: `not found on PATH (${dirs.length} folders searched)` };
}

async function isFile(path: string, fs: CheckFs): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isExecutable(path: string, fs: CheckFs): Promise<boolean> {
  try {
    await fs.access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function httpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a well-formed URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the scheme is ${parsed.protocol}, expected http: or https:`;
  if (parsed.hostname === '') return 'the URL has no host';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function expectedAlertNames(plan: Plan): string[] {
  return [...new Set(plan.faults.flatMap((fault) => fault.expect.map((expectation) => expectation.alert)))];
}

/** Expectations that differ in alert name or labels; a baseline is checked once per alert. */
function distinctExpectations(plan: Plan): Expectation[] {
  const seen = new Map<string, Expectation>();
  for (const expectation of plan.faults.flatMap((fault) => fault.expect)) {
    seen.set(describeExpectation(expectation), expectation);
  }
  return [...seen.values()];
}

function describeExpectation(expectation: Expectation): string {
  const labels = Object.entries(expectation.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}="${value}"`);
  return labels.length > 0 ? `${expectation.alert}{${labels.join(',')}}` : expectation.alert;
}

/** Labels an active alert carries beyond alertname and those the plan asked for, to tell episodes apart. */
function extraLabels(labels: Record<string, string>, expectation: Expectation): string {
  const extra = Object.entries(labels).filter(([name]) => name !== 'alertname' && !(name in expectation.labels));
  return extra.length > 0 ? ` {${extra.map(([name, value]) => `${name}="${value}"`).join(', ')}}` : '';
}

/** An argument as a person would type it: quoted when it holds spaces or quotes. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** `2026-11-23T02:39:29.367082757Z` -> `2026-11-23T02:39:29Z`: seconds are enough to read. */
function shortTime(timestamp: string): string {
  return timestamp.replace(/\.\d+Z$/, 'Z');
}

function hostPort(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname;
    return `${host}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return url;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
