// What the online audit asks the live stack: the rules Prometheus has loaded, the series each
// selector matches now (for `no-series` and coverage), the scrape jobs and trace journeys, and the
// runbook URLs on allowed hosts (HEAD, bounded). Every request here is a read.

import { describeHttpError, httpRequest } from '../http.ts';
import { parsePromQL, type Selector, walk } from '../alerting/promql.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';
import type { AuditFinding, AuditRule } from './model.ts';
import { TRACE_SUCCESS_METRIC } from './coverage.ts';

/** At most this many distinct selectors are asked about; the rest are noted, not checked. */
export const MAX_SELECTORS = 500;
/** At most this many runbook URLs are checked, each within RUNBOOK_TIMEOUT_MS. */
export const MAX_RUNBOOKS = 50;
const RUNBOOK_TIMEOUT_MS = 3000;
const PARALLEL = 4;

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

/** The jobs of the series each distinct selector of the rules matches now (an empty list: none). */
export async function seriesJobs(
  prometheus: PrometheusClient,
  rules: readonly AuditRule[],
  notes: string[],
): Promise<Map<string, string[]>> {
  const selectors = [...new Set(rules.flatMap((rule) => selectorsOf(rule.query).map((selector) => selector.text)))];
  if (selectors.length > MAX_SELECTORS)
    notes.push(`${selectors.length} distinct selectors: only the first ${MAX_SELECTORS} were checked for series`);
  const out = new Map<string, string[]>();
  await inParallel(selectors.slice(0, MAX_SELECTORS), async (selector) => {
    try {
      const result = await prometheus.query(`count by (job) (${selector})`);
      out.set(selector, result.kind === 'vector' ? result.series.map((series) => series.labels.job ?? '') : []);
    } catch (error) {
      notes.push(`could not ask for the series of ${selector}: ${(error as Error).message}`);
    }
  });
  return out;
}

/** One `no-series` finding per rule whose selectors match nothing now. */
export function noSeriesFindings(rules: readonly AuditRule[], jobs: ReadonlyMap<string, readonly string[]>): AuditFinding[] {
  const findings: AuditFinding[] = [];
  for (const rule of rules) {
    const empty = [...new Set(selectorsOf(rule.query).map((selector) => selector.text))].filter((text) => jobs.get(text)?.length === 0);
    if (empty.length === 0) continue;
    const pushed = empty.every((text) => selectorsOf(text)[0]?.metric?.startsWith('k6_'));
    findings.push({
      alert: rule.name,
      group: rule.group,
      file: rule.file,
      check: 'no-series',
      severity: pushed ? 'info' : 'warning',
      message: pushed
        ? `${empty.join(', ')} matches no series now: k6 pushes it only while a game day's trace runs`
        : `${empty.join(', ')} ${empty.length === 1 ? 'matches' : 'match'} no series now: the rule reads nothing (a typo in a name or label, a job that is gone)`,
      hint: pushed ? '' : 'check the metric and label names against what Prometheus scrapes (its /graph page lists them)',
    });
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
  return findings;
}

async function headStatus(url: string): Promise<number> {
  return (await httpRequest({ url, method: 'HEAD', timeoutMs: RUNBOOK_TIMEOUT_MS })).status;
}

function selectorsOf(query: string): Selector[] {
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
