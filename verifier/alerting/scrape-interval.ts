// S, the first stretch of the timing chain: how often the series a rule reads gets a new sample.
// The slowest scrape of the jobs the query names, k6's remote-write push interval for the trace's
// series, or Prometheus's global scrape interval.

import type { QueryShape } from './query-shape.ts';
import type { ScrapeSettings } from './scrape-settings.ts';

/** k6 pushes its metrics by remote write once a second (K6_PROMETHEUS_RW_PUSH_INTERVAL default). */
export const K6_PUSH_SECONDS = 1;

/** Prometheus's default scrape_interval, assumed when its configuration cannot be read. */
const DEFAULT_SCRAPE_SECONDS = 60;

/** Prometheus's scrape settings, or why they could not be read. */
export type ScrapeSettingsRead = { ok: true; value: ScrapeSettings } | { ok: false; reason: string };

/** S: the slowest scrape of the jobs the query names, the k6 push interval, or the global scrape interval. */
export function scrapeInterval(shape: QueryShape, config: ScrapeSettingsRead): { seconds: number; source: string; caveat?: string } {
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
