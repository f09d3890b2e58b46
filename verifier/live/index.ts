// Live consumers of a run's events: progress for the person at the terminal (or the CI log) and
// gameday's own metrics for Prometheus. Both are optional; `runPlan` wires them to the orchestrator's
// `onEvent` and log.

import { errorMessage } from '../errors.ts';
import type { PrometheusClient } from '../observe/prometheus.ts';
import type { ReportJson } from '../report/index.ts';
import type { JournalEvent } from '../journal/events.ts';
import { createGamedayMetrics } from './metrics.ts';
import { type MetricsServer, startMetricsServer } from './metrics-server.ts';
import { type Progress, type ProgressOptions, type ProgressStream, prometheusRates, startProgress } from './progress.ts';

export { createGamedayMetrics, type GamedayMetrics, metricNames } from './metrics.ts';
export { type MetricsServer, parseListen, startMetricsServer } from './metrics-server.ts';
export { type Progress, type ProgressOptions, type ProgressStream, prometheusRates, startProgress } from './progress.ts';
export { type LoadRates, statusBlock, statusLine } from './status.ts';

/** Where `gameday run` serves its metrics unless told otherwise; the demo Prometheus scrapes it. */
export const DEFAULT_METRICS_LISTEN = '127.0.0.1:19101';

export interface LiveOptions {
  log: (line: string) => void;
  /** Live progress on this stream (a redrawn block on a terminal, periodic lines otherwise), or its options. */
  progress?: ProgressStream | ProgressOptions;
  /** Serve gameday's metrics here during the run, e.g. 127.0.0.1:19101. */
  metricsListen?: string;
  /** Where progress reads the load rates k6 pushes. */
  prometheus?: Pick<PrometheusClient, 'instant'>;
  /** Longest wait at the end for Prometheus to scrape the final figures (default 5 s). */
  finalScrapeTimeoutMs?: number;
}

export interface Live {
  /** The log to hand the orchestrator: lines land above the progress block. */
  log: (line: string) => void;
  onEvent: (event: JournalEvent) => void;
  /** Publishes the report's final figures and waits (bounded) for one more scrape. */
  finish(report: ReportJson): Promise<void>;
  /** Stops progress and the metrics server; safe to call more than once. */
  stop(): Promise<void>;
  metricsUrl: string | null;
}

export async function startLive(options: LiveOptions): Promise<Live> {
  const metrics = options.metricsListen ? createGamedayMetrics() : undefined;
  let server: MetricsServer | undefined;
  if (metrics && options.metricsListen) {
    try {
      server = await startMetricsServer(options.metricsListen, metrics.registry);
      options.log(`metrics: gameday's own metrics at ${server.url}`);
    } catch (error) {
      // Metrics help watch the game day; they are no reason not to run it.
      options.log(
        `metrics: cannot serve gameday's metrics on ${options.metricsListen} (${errorMessage(error)}); the run goes on without them`,
      );
    }
  }
  const progressOptions =
    options.progress && 'stream' in options.progress ? options.progress : options.progress && { stream: options.progress };
  const progress: Progress | undefined = progressOptions
    ? startProgress({ ...(options.prometheus ? { rates: prometheusRates(options.prometheus) } : {}), ...progressOptions })
    : undefined;
  let stopped = false;
  return {
    log: progress ? progress.around(options.log) : options.log,
    onEvent(event) {
      metrics?.onEvent(event);
      progress?.onEvent(event);
    },
    async finish(report) {
      if (!metrics || !server) return;
      metrics.finish(report);
      // Wait for one more scrape only if something scrapes at all (the demo Prometheus does).
      if (server.scrapes > 0) await server.nextScrape(options.finalScrapeTimeoutMs ?? 5000);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await progress?.stop();
      await server?.close();
    },
    metricsUrl: server?.url ?? null,
  };
}
