// `gameday audit`: the alerting rules a team has, read from rule files (offline) or from the
// running Prometheus (online), each checked by itself (rule-checks.ts) and against Alertmanager's
// routes (routing.ts); online also the series each selector matches, runbook URLs, and coverage of
// jobs and journeys; with a runs folder, which rules past game days exercised.

import { access, readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { parseRouteTree } from '../alerting/routes.ts';
import type { ScrapeSettingsRead } from '../alerting/scrape-interval.ts';
import { parsePrometheusDuration, parseScrapeSettings } from '../alerting/scrape-settings.ts';
import { errorMessage, UsageError } from '../errors.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import type { ApiClientOptions } from '../observe/api-client.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { coverage } from './coverage.ts';
import type { AuditFinding, AuditReport, AuditRule } from './model.ts';
import { jobsAndJourneys, noSeriesFindings, rulesAndScrape, runbookUrlFindings, selectorSeries } from './online.ts';
import { checkRule } from './rule-checks.ts';
import { readRuleFiles } from './rule-files.ts';
import { type AlertmanagerRouting, readRouting, routingFinding } from './routing.ts';
import { runsCoverage } from './runs.ts';

/** Prometheus's default evaluation_interval (config/config.go), for rule files read without a prometheus.yml. */
const DEFAULT_EVALUATION_SECONDS = 60;

export interface OfflineAudit {
  ruleFiles: string[];
  alertmanagerConfig?: string;
  prometheusConfig?: string;
  runs?: string;
}

export interface OnlineAudit {
  prometheus: ApiClientOptions;
  alertmanager?: ApiClientOptions;
  runs?: string;
  /** Hosts whose http(s) runbook URLs are checked with HEAD. */
  runbookHosts?: string[];
}

export interface AuditDeps {
  exists?: (path: string) => Promise<boolean>;
  cwd?: string;
  head?: (url: string) => Promise<number>;
}

export async function auditRuleFiles(options: OfflineAudit, deps: AuditDeps = {}): Promise<AuditReport> {
  const notes: string[] = [];
  let scrape: ScrapeSettingsRead = { ok: false, reason: 'no --prometheus-config given' };
  let evaluationSeconds = DEFAULT_EVALUATION_SECONDS;
  let externalLabels: Record<string, string> = {};
  if (options.prometheusConfig !== undefined) {
    const text = await readInput(options.prometheusConfig, '--prometheus-config');
    const settings = located(options.prometheusConfig, () => parseScrapeSettings(text));
    scrape = { ok: true, value: settings };
    externalLabels = settings.externalLabels;
    const interval = (parse(text) as { global?: { evaluation_interval?: unknown } } | null)?.global?.evaluation_interval;
    evaluationSeconds = (typeof interval === 'string' ? parsePrometheusDuration(interval) : undefined) ?? DEFAULT_EVALUATION_SECONDS;
  } else {
    notes.push("no --prometheus-config: scrape and evaluation intervals assumed to be Prometheus's 1m defaults");
  }
  let routing: AlertmanagerRouting | undefined;
  if (options.alertmanagerConfig !== undefined) {
    const text = await readInput(options.alertmanagerConfig, '--alertmanager-config');
    routing = located(options.alertmanagerConfig, () => readRouting(parseRouteTree, text));
  } else {
    notes.push('no --alertmanager-config: routing not checked');
  }
  const rules = await readRuleFiles(options.ruleFiles, { evaluationSeconds });
  const findings = await checkAll(rules, { scrape, routing, externalLabels, deps });
  return {
    source: 'files',
    from: options.ruleFiles,
    rules: audited(rules),
    findings,
    coverage: null,
    runs: options.runs === undefined ? null : await runsCoverage(options.runs, rules, notes),
    notes,
  };
}

export async function auditOnline(options: OnlineAudit, deps: AuditDeps = {}): Promise<AuditReport> {
  const notes: string[] = [];
  const prometheus = new PrometheusClient(options.prometheus);
  const { rules, scrape } = await rulesAndScrape(prometheus, notes);
  let routing: AlertmanagerRouting | undefined;
  if (options.alertmanager !== undefined) {
    routing = readRouting(parseRouteTree, await new AlertmanagerClient(options.alertmanager).configYaml());
  } else {
    notes.push('no Alertmanager given: routing not checked');
  }
  const externalLabels = scrape.ok ? scrape.value.externalLabels : {};
  const findings = await checkAll(rules, { scrape, routing, externalLabels, deps });
  const series = await selectorSeries(prometheus, rules, notes);
  findings.push(...noSeriesFindings(rules, series));
  findings.push(...(await runbookUrlFindings(rules, options.runbookHosts ?? [], notes, deps.head)));
  const { jobs, journeys } = await jobsAndJourneys(prometheus);
  return {
    source: 'online',
    from: [options.prometheus.baseUrl],
    rules: audited(rules),
    findings: ordered(findings, rules),
    coverage: coverage(rules, { jobs, journeys, seriesJobs: series.jobs }),
    runs: options.runs === undefined ? null : await runsCoverage(options.runs, rules, notes),
    notes,
  };
}

interface CheckInputs {
  scrape: ScrapeSettingsRead;
  routing: AlertmanagerRouting | undefined;
  externalLabels: Record<string, string>;
  deps: AuditDeps;
}

async function checkAll(rules: readonly AuditRule[], inputs: CheckInputs): Promise<AuditFinding[]> {
  const context = { scrape: inputs.scrape, exists: inputs.deps.exists ?? fileExists, cwd: inputs.deps.cwd ?? process.cwd() };
  const findings: AuditFinding[] = [];
  for (const rule of rules) {
    findings.push(...(await checkRule(rule, context)));
    const routed = inputs.routing ? routingFinding(rule, inputs.routing, inputs.externalLabels) : undefined;
    if (routed) findings.push(routed);
  }
  return ordered(findings, rules);
}

const CHECK_ORDER = ['syntax', 'impossible', 'routing', 'runbook', 'absent-for', 'absent-lookback', 'rate-zero', 'no-series', 'floor'];

/** Findings in the rules' order, and within a rule by check. */
function ordered(findings: AuditFinding[], rules: readonly AuditRule[]): AuditFinding[] {
  const position = new Map<string, number>();
  rules.forEach((rule, index) =>
    position.set(
      `${rule.file}\u0000${rule.group}\u0000${rule.name}`,
      position.get(`${rule.file}\u0000${rule.group}\u0000${rule.name}`) ?? index,
    ),
  );
  const key = (finding: AuditFinding) =>
    position.get(`${finding.file ?? ''}\u0000${finding.group ?? ''}\u0000${finding.alert}`) ?? rules.length;
  return [...findings].sort((a, b) => key(a) - key(b) || CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check));
}

function audited(rules: readonly AuditRule[]): AuditReport['rules'] {
  return rules.map((rule) => ({ alert: rule.name, group: rule.group, file: rule.file }));
}

async function readInput(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot read the file: ${errorMessage(error)}`, { cause: error });
  }
}

/** A configuration problem, as bad input naming the file. */
function located<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(`${file}: ${errorMessage(error)}`, { cause: error });
  }
}

async function fileExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
