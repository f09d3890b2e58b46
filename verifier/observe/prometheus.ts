// A small client for the Prometheus HTTP API: the one place where HTTP answers become domain data or
// a MonitoringError. The base URL may carry a path prefix (Mimir's /prometheus, a reverse proxy).

import { MonitoringError } from '../errors.ts';
import type { PromAlert, SeriesSamples } from '../journal/events.ts';
import { ApiClient, type ApiClientOptions } from './api-client.ts';

export { type ApiClientOptions, probeReady, type Readiness } from './api-client.ts';

export interface AlertingRule {
  name: string;
  group: string;
  file: string;
  query: string;
  forSeconds: number;
  intervalSeconds: number;
  health: string;
  lastError?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
}

export type InstantResult =
  { kind: 'vector'; series: Array<{ labels: Record<string, string>; value: number }> } | { kind: 'scalar'; value: number };

export class PrometheusClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    // Mimir and Cortex serve the API under a prefix but no /-/ready there: their build info answers instead.
    super(options, 'Prometheus', '/api/v1/status/buildinfo');
  }

  /** URLs of the Alertmanagers Prometheus's notifier has discovered. */
  async alertmanagers(): Promise<string[]> {
    const data = await this.api<{ activeAlertmanagers: Array<{ url: string }> }>('/api/v1/alertmanagers');
    return (data.activeAlertmanagers ?? []).map((am) => am.url);
  }

  async alerts(): Promise<PromAlert[]> {
    const data = await this.api<{ alerts: Array<PromAlert> | null }>('/api/v1/alerts');
    // Thanos answers `null` for no alerts; keep only what the journal needs. An alert without a
    // parseable activeAt (a backend that leaves it out) cannot be timed: it is left to the record.
    return (data.alerts ?? [])
      .filter((alert) => typeof alert.activeAt === 'string' && !Number.isNaN(Date.parse(alert.activeAt)))
      .map((alert) => ({
        labels: alert.labels ?? {},
        annotations: alert.annotations ?? {},
        state: alert.state,
        activeAt: alert.activeAt,
      }));
  }

  async alertingRules(): Promise<AlertingRule[]> {
    interface RawRule {
      type: string;
      name: string;
      query: string;
      duration: number;
      health: string;
      lastError?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      state: string;
    }
    const data = await this.api<{ groups: Array<{ name: string; file: string; interval: number; rules: RawRule[] }> }>('/api/v1/rules', {
      type: 'alert',
    });
    return (data.groups ?? []).flatMap((group) =>
      (group.rules ?? [])
        .filter((rule) => rule.type === 'alerting')
        .map((rule) => ({
          name: rule.name,
          group: group.name,
          file: group.file,
          query: rule.query,
          forSeconds: rule.duration,
          intervalSeconds: group.interval,
          health: rule.health,
          ...(rule.lastError ? { lastError: rule.lastError } : {}),
          labels: rule.labels ?? {},
          annotations: rule.annotations ?? {},
          state: rule.state,
        })),
    );
  }

  /**
   * The loaded configuration as YAML (`/api/v1/status/config`), defaults filled in: every scrape
   * job carries its effective `scrape_interval`.
   */
  async configYaml(): Promise<string> {
    const data = await this.api<{ yaml: string }>('/api/v1/status/config');
    return data.yaml ?? '';
  }

  /**
   * Raw samples of a range selector, e.g. `ALERTS{alertname="X"}[10m]`, evaluated at `time`.
   * An instant query of a range selector returns the exact stored timestamps (docs/detection-time.md#timestamps),
   * unlike query_range, which snaps to its step.
   */
  async rawSamples(selector: string, rangeSeconds: number, time: Date): Promise<SeriesSamples[]> {
    const data = await this.api<{ resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      '/api/v1/query',
      { query: `${selector}[${Math.ceil(rangeSeconds)}s]`, time: (time.getTime() / 1000).toFixed(3) },
    );
    if (data.resultType !== 'matrix') throw new MonitoringError(`expected a matrix for ${selector}, got ${data.resultType}`);
    return data.result.map((series) => ({
      labels: series.metric,
      samples: series.values.map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }

  /** Scalar value of an instant query (first sample), or undefined for an empty result. */
  async instant(query: string, time?: Date): Promise<number | undefined> {
    const data = await this.api<{ resultType: string; result: unknown }>('/api/v1/query', {
      query,
      ...(time ? { time: (time.getTime() / 1000).toFixed(3) } : {}),
    });
    if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
    const vector = data.result as Array<{ value: [number, string] }>;
    return vector[0] ? Number(vector[0].value[1]) : undefined;
  }

  /** An instant query's whole result: every series of a vector with its value, or a scalar. */
  async query(query: string, time?: Date): Promise<InstantResult> {
    const data = await this.api<{ resultType: string; result: unknown }>('/api/v1/query', {
      query,
      ...(time ? { time: (time.getTime() / 1000).toFixed(3) } : {}),
    });
    switch (data.resultType) {
      case 'scalar':
        return { kind: 'scalar', value: Number((data.result as [number, string])[1]) };
      case 'vector':
        return {
          kind: 'vector',
          series: (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((sample) => ({
            labels: sample.metric,
            value: Number(sample.value[1]),
          })),
        };
      default:
        throw new MonitoringError(`expected a vector or a scalar from ${JSON.stringify(query)}, got a ${data.resultType}`);
    }
  }

  private async api<T>(path: string, params?: Record<string, string>): Promise<T> {
    let response;
    try {
      response = await this.http.get(path, { params });
    } catch (error) {
      throw new MonitoringError(`Prometheus at ${this.baseUrl} did not answer ${path}: ${(error as Error).message}`, { cause: error });
    }
    const body = response.data as { status?: string; data?: T; error?: string };
    if (response.status !== 200 || body?.status !== 'success' || body.data === undefined) {
      const detail = body?.error ?? (typeof response.data === 'string' ? response.data.slice(0, 200) : `HTTP ${response.status}`);
      throw new MonitoringError(`Prometheus at ${this.baseUrl} answered ${path} with ${response.status}: ${detail}`);
    }
    return body.data;
  }
}
