// What the online audit asks the live stack: the rules Prometheus has loaded, the series each
// selector matches now (for `no-series` and coverage), the scrape jobs and trace journeys, and the
// runbook URLs on allowed hosts (HEAD, bounded). Every request here is a read.

import { errorMessage } from '../errors.ts';
import { describeHttpError, httpRequest } from '../http.ts';
import { parsePromQL, type Selector, walk } from '../alerting/promql.ts';
import type { ScrapeSettingsRead } from '../alerting/scrape-interval.ts';
import { parseScrapeSettings } from '../alerting/scrape-settings.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';
import type { AuditFinding, AuditRule } from './model.ts';
import { TRACE_SUCCESS_METRIC } from './coverage.ts';

/** At most this many distinct selectors are asked about; the rest are noted, not checked. */
export const MAX_SELECTORS = 500;
/** At most this many runbook URLs are checked, each within RUNBOOK_TIMEOUT_MS. */
export const MAX_RUNBOOKS = 50;
const RUNBOOK_TIMEOUT_MS = 3000;
const PARALLEL = 4;

/**
 * The rules Prometheus has loaded and its scrape settings, the first read of `gameday audit` and
 * `gameday init`. The rules first: an unreachable Prometheus is a MonitoringError (exit 2) before
 * anything else; settings that cannot be read are a note, and scrape intervals are assumed.
 */
export async function rulesAndScrape(
  prometheus: PrometheusClient,
  notes: string[],
): Promise<{ rules: AuditRule[]; scrape: ScrapeSettingsRead }> {
  const rules = await loadedRules(prometheus);
  try {
    return { rules, scrape: { ok: true, value: parseScrapeSettings(await prometheus.configYaml()) } };
  } catch (error) {
    notes.push(`Prometheus's configuration could not be read (${errorMessage(error)}): scrape intervals assumed`);
    return { rules, scrape: { ok: false, reason: errorMessage(error) } };
  }
}

export async function loadedRules(prometheus: PrometheusClient): Promise<AuditRule[]> {
  return (await prometheus.alertingRules()).map((rule) => ({
    name: rule.name,
    group: rule.group,
    file: rule.file,
    query: rule.query,
    forSeconds: rule.forSeconds,
    intervalSeconds: rule.intervalSeconds,
    labels: rule.labels,
    annotations: rule.annotations,
  }));
}

export interface SelectorSeries {
  /** The jobs of the series each distinct selector (by its text) matches now; an empty list: none. */
  jobs: Map<string, string[]>;
  /** Metrics some series has now, among those of selectors that match nothing. */
  presentMetrics: Set<string>;
}

/** Asks Prometheus what each distinct selector of the rules matches now. */
export async function selectorSeries(prometheus: PrometheusClient, rules: readonly AuditRule[], notes: string[]): Promise<SelectorSeries> {
  const all = new Map<string, Selector>();
  for (const rule of rules) for (const selector of selectorsOf(rule.query)) all.set(selector.text, selector);
  const selectors = [...all.values()];
  if (selectors.length > MAX_SELECTORS)
    notes.push(`${selectors.length} distinct selectors: only the first ${MAX_SELECTORS} were checked for series`);
  const jobs = new Map<string, string[]>();
  const presentMetrics = new Set<string>();
  const ask = async (query: string): Promise<string[] | undefined> => {
    try {
      const result = await prometheus.query(query);
      return result.kind === 'vector' ? result.series.map((series) => series.labels.job ?? '') : [];
    } catch (error) {
      notes.push(`could not ask ${query}: ${(error as Error).message}`);
      return undefined;
    }
  };
  await inParallel(selectors.slice(0, MAX_SELECTORS), async (selector) => {
    const found = await ask(`count by (job) (${selector.text})`);
    if (found === undefined) return;
    jobs.set(selector.text, found);
    // A label value that appears only on failure (code="500") matches nothing in quiet times.
    if (found.length === 0 && selector.metric !== undefined && selector.matchers.length > 0) {
      const metric = await ask(`count({__name__=${JSON.stringify(selector.metric)}})`);
      if (metric !== undefined && metric.length > 0) presentMetrics.add(selector.metric);
    }
  });
  return { jobs, presentMetrics };
}

/** One `no-series` finding per rule whose selectors match nothing now. */
export function noSeriesFindings(rules: readonly AuditRule[], series: SelectorSeries): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const rule of rules) {
    const distinct = new Map(selectorsOf(rule.query).map((selector) => [selector.text, selector]));
    const empty = [...distinct.values()].filter((selector) => series.jobs.get(selector.text)?.length === 0);
    if (empty.length === 0) continue;
    const at = { alert: rule.name, group: rule.group, file: rule.file, check: 'no-series' as const };
    const texts = empty.map((selector) => selector.text).join(', ');
    const absent = empty.filter((selector) => !selector.metric?.startsWith('k6_') && !series.presentMetrics.has(selector.metric ?? ''));
    if (absent.length > 0) {
      findings.push({
        ...at,
        severity: 'warning',
        message: `${absent.map((selector) => selector.text).join(', ')} ${absent.length === 1 ? 'matches' : 'match'} no series now, and Prometheus has no series of ${absent.length === 1 ? 'that metric' : 'those metrics'}: the rule reads nothing (a typo in a name, a job that is gone)`,
        hint: 'check the metric and label names against what Prometheus scrapes (its /graph page lists them)',
      });
    } else if (empty.every((selector) => selector.metric?.startsWith('k6_'))) {
      findings.push({
        ...at,
        severity: 'info',
        message: `${texts} matches no series now: k6 pushes it only while a game day's trace runs`,
        hint: '',
      });
    } else {
      findings.push({
        ...at,
        severity: 'info',
        message: `${texts} matches no series now, though the metric has some: fine if those label values appear only on failure`,
        hint: '',
      });
    }
  }
  return findings;
}

/** The scrape jobs (`up`) and trace journeys (the `scenario` of the trace's successes, over the last day). */
export async function jobsAndJourneys(prometheus: PrometheusClient): Promise<{ jobs: string[]; journeys: string[] }> {
  const labelValues = async (query: string, label: string) => {
    const result = await prometheus.query(query);
    return result.kind === 'vector' ? [...new Set(result.series.map((series) => series.labels[label] ?? ''))].filter(Boolean).sort() : [];
  };
  const [jobs, journeys] = await Promise.all([
    labelValues('count by (job) (up)', 'job'),
    labelValues(`count by (scenario) (count_over_time(${TRACE_SUCCESS_METRIC}[1d]))`, 'scenario'),
  ]);
  return { jobs, journeys };
}

/** HEAD each http(s) runbook URL on an allowed host; a runbook finding for each that does not answer 2xx/3xx. */
export async function runbookUrlFindings(
  rules: readonly AuditRule[],
  allowedHosts: readonly string[],
  notes: string[],
  head: (url: string) => Promise<number> = headStatus,
): Promise<AuditFinding[]> {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  const urls = new Map<string, AuditRule[]>();
  for (const rule of rules) {
    const url = rule.annotations.runbook_url?.trim() ?? '';
    if (!/^https?:\/\//i.test(url) || url.includes('{{')) continue;
    let host: string;
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      continue;
    }
    if (!allowed.has(host)) continue;
    urls.set(url, [...(urls.get(url) ?? []), rule]);
  }
  if (urls.size > MAX_RUNBOOKS) notes.push(`${urls.size} runbook URLs on allowed hosts: only the first ${MAX_RUNBOOKS} were checked`);
  const findings: AuditFinding[] = [];
  await inParallel([...urls].slice(0, MAX_RUNBOOKS), async ([url, owners]) => {
    let problem: string | undefined;
    try {
      const status = await head(url);
      if (status < 200 || status >= 400) problem = `answers HEAD with ${status}`;
    } catch (error) {
      problem = `does not answer: ${describeHttpError(error)}`;
    }
    if (problem === undefined) return;
    for (const rule of owners) {
      findings.push({
        alert: rule.name,
        group: rule.group,
        file: rule.file,
        check: 'runbook',
        severity: 'error',
        message: `runbook_url ${url} ${problem}`,
        hint: 'fix the link or publish the runbook',
      });
    }
  });
  // Answers come in any order; findings follow the rules'.
  return findings.sort((a, b) => rules.findIndex((rule) => rule.name === a.alert) - rules.findIndex((rule) => rule.name === b.alert));
}

async function headStatus(url: string): Promise<number> {
  return (await httpRequest({ url, method: 'HEAD', timeoutMs: RUNBOOK_TIMEOUT_MS })).status;
}

export function selectorsOf(query: string): Selector[] {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return [];
  const out: Selector[] = [];
  walk(parsed.expr, (node) => {
    if (node.kind === 'selector') out.push(node);
  });
  return out;
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}
