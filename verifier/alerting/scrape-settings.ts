// The parts of Prometheus's loaded configuration that bound detection time: how often each job is
// scraped, and the external labels Prometheus attaches to every alert it sends to Alertmanager.

import { parse } from 'yaml';
import { MonitoringError } from '../errors.ts';

export interface ScrapeSettings {
  globalScrapeSeconds: number;
  /** `scrape_interval` per `job_name`, the global one filled in where a job sets none. */
  jobScrapeSeconds: Map<string, number>;
  externalLabels: Record<string, string>;
}

/** Prometheus's defaults (config/config.go) for what a configuration leaves out. */
const DEFAULT_SCRAPE_SECONDS = 60;

/** Parses the YAML of `/api/v1/status/config` (or a prometheus.yml). */
export function parseScrapeSettings(yamlText: string): ScrapeSettings {
  let config: unknown;
  try {
    config = parse(yamlText);
  } catch (error) {
    throw new MonitoringError(`Prometheus's configuration is not YAML: ${(error as Error).message}`, { cause: error });
  }
  const root = asRecord(config);
  const global = asRecord(root.global);
  const globalScrapeSeconds = durationField(global.scrape_interval, 'global.scrape_interval') ?? DEFAULT_SCRAPE_SECONDS;
  const jobScrapeSeconds = new Map<string, number>();
  const scrapeConfigs = Array.isArray(root.scrape_configs) ? root.scrape_configs : [];
  for (const [index, entry] of scrapeConfigs.entries()) {
    const job = asRecord(entry);
    if (typeof job.job_name !== 'string') continue;
    const seconds = durationField(job.scrape_interval, `scrape_configs[${index}].scrape_interval`);
    jobScrapeSeconds.set(job.job_name, seconds ?? globalScrapeSeconds);
  }
  const externalLabels: Record<string, string> = {};
  for (const [name, value] of Object.entries(asRecord(global.external_labels))) {
    if (typeof value === 'string') externalLabels[name] = value;
  }
  return { globalScrapeSeconds, jobScrapeSeconds, externalLabels };
}

const PROM_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86_400, 7 * 86_400, 86_400, 3_600, 60, 1, 0.001];

/** Seconds in a Prometheus duration ("15s", "1m30s", "1w"); undefined when it is not one. */
export function parsePrometheusDuration(text: string): number | undefined {
  const match = PROM_DURATION.exec(text.trim());
  if (match === null || text.trim() === '') return undefined;
  let seconds = 0;
  for (const [index, perUnit] of UNIT_SECONDS.entries()) {
    const amount = match[index + 1];
    if (amount !== undefined) seconds += Number(amount) * perUnit;
  }
  return seconds;
}

function durationField(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === 'string' ? parsePrometheusDuration(value) : undefined;
  if (seconds === undefined) throw new MonitoringError(`Prometheus's ${where} is ${JSON.stringify(value)}, not a duration`);
  return seconds;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
