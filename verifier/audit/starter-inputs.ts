// What `gameday init` reads from the live stack: the alerting rules Prometheus has loaded, its
// scrape settings (for each rule's detection bounds), Alertmanager's route tree, the jobs each
// rule's selectors read, and which scrape jobs no alert watches for the absence of success.
// Every request is a read.

import { ruleBounds } from '../alerting/rule-bounds.ts';
import { parseRouteTree, type RouteNode, routesFor } from '../alerting/routes.ts';
import type { ScrapeSettingsRead } from '../alerting/scrape-interval.ts';
import { errorMessage } from '../errors.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import type { ApiClientOptions } from '../observe/api-client.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { coverage } from './coverage.ts';
import type { AuditRule } from './model.ts';
import { jobsAndJourneys, rulesAndScrape, selectorSeries, selectorsOf } from './online.ts';
import type { StarterRule } from './starter-plan.ts';

export interface LiveAlerting {
  rules: StarterRule[];
  watchdog: string | null;
  jobsWithoutAbsence: string[];
  /** What could not be read, in words (the plan is still written). */
  notes: string[];
}

export async function readLiveAlerting(endpoints: { prometheus: ApiClientOptions; alertmanager: ApiClientOptions }): Promise<LiveAlerting> {
  const notes: string[] = [];
  const prometheus = new PrometheusClient(endpoints.prometheus);
  const { rules, scrape } = await rulesAndScrape(prometheus, notes);
  let routeTree: RouteNode | null = null;
  try {
    routeTree = parseRouteTree(await new AlertmanagerClient(endpoints.alertmanager).configYaml());
  } catch (error) {
    notes.push(`Alertmanager's route tree could not be read (${errorMessage(error)}): routes left out of the comments`);
  }
  const series = await selectorSeries(prometheus, rules, notes);
  const { jobs, journeys } = await jobsAndJourneys(prometheus);

  const watchdogs = rules.filter((rule) => rule.query.replace(/\s+/g, '') === 'vector(1)');
  const starters = rules.filter((rule) => !watchdogs.includes(rule)).map((rule) => starterRule(rule, scrape, routeTree, series.jobs));
  const rows = coverage(rules, { jobs, journeys, seriesJobs: series.jobs });
  return {
    rules: starters,
    watchdog: watchdogs[0]?.name ?? null,
    jobsWithoutAbsence: rows.filter((row) => row.kind === 'job' && row.absenceAlerts.length === 0).map((row) => row.name),
    notes,
  };
}

function starterRule(
  rule: AuditRule,
  scrape: ScrapeSettingsRead,
  routeTree: RouteNode | null,
  seriesJobs: ReadonlyMap<string, readonly string[]>,
): StarterRule {
  const bounds = ruleBounds(rule, scrape);
  const jobs = jobsRead(rule, seriesJobs);
  const { chain } = bounds;
  const words = [
    `scrape ${chain.scrapeSeconds}s (${bounds.scrapeSource})`,
    `eval ${chain.evalSeconds}s`,
    `for ${chain.forSeconds}s`,
    ...(chain.windowSeconds > 0 ? [`absence window ${chain.windowSeconds}s`] : []),
    ...(chain.rangeWindowSeconds > 0 ? [`range ${chain.rangeWindowSeconds}s`] : []),
  ];
  // The labels the alert will carry that are known now: the rule's own, and the job it reads.
  const route =
    routeTree === null
      ? null
      : routesFor(routeTree, { alertname: rule.name, ...(jobs[0] && jobs[0] !== 'k6' ? { job: jobs[0] } : {}), ...rule.labels })[0];
  return {
    alert: rule.name,
    group: rule.group,
    query: rule.query,
    forSeconds: rule.forSeconds,
    labels: rule.labels,
    jobs,
    worstFiringSeconds: bounds.times.worstFiringSeconds,
    bestFiringSeconds: bounds.times.bestFiringSeconds,
    chainWords: words.join(', '),
    route: route ? { receiver: route.receiver, groupWaitSeconds: route.groupWaitSeconds } : null,
  };
}

/** The jobs a rule reads: a `job` matcher's value, else the jobs of what its selectors match now; k6's pushed series are 'k6'. */
function jobsRead(rule: AuditRule, seriesJobs: ReadonlyMap<string, readonly string[]>): string[] {
  const jobs = new Set<string>();
  for (const selector of selectorsOf(rule.query)) {
    if (selector.metric?.startsWith('k6_')) {
      jobs.add('k6');
      continue;
    }
    const equal = selector.matchers.find((matcher) => matcher.name === 'job' && matcher.operator === '=');
    if (equal) jobs.add(equal.value);
    else for (const job of seriesJobs.get(selector.text) ?? []) if (job !== '') jobs.add(job);
  }
  return [...jobs];
}
