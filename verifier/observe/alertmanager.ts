// Alertmanager API v2 client (the common denominator of Alertmanager, Mimir, Cortex and Grafana)
// and the webhook receiver gameday listens on during a run.

import http from 'node:http';
import { MonitoringError } from '../errors.ts';
import type { AmAlert, AmSilence, NotificationCounter, WebhookAlert } from '../journal/events.ts';
import { ApiClient, type ApiClientOptions } from './api-client.ts';

export class AlertmanagerClient extends ApiClient {
  constructor(options: ApiClientOptions) {
    super(options, 'Alertmanager', '/api/v2/status');
  }

  async alerts(): Promise<AmAlert[]> {
    interface Raw {
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      startsAt: string;
      fingerprint: string;
      status?: { state?: string; inhibitedBy?: string[] | null; silencedBy?: string[] | null };
      receivers?: Array<{ name?: string }> | null;
    }
    const raw = await this.get<Raw[] | null>('/api/v2/alerts');
    if (raw !== null && !Array.isArray(raw))
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} answered /api/v2/alerts with something not a list`);
    return (raw ?? []).map((alert) => ({
      labels: alert.labels ?? {},
      annotations: alert.annotations ?? {},
      startsAt: alert.startsAt,
      fingerprint: alert.fingerprint,
      state: alert.status?.state ?? 'unknown',
      inhibitedBy: alert.status?.inhibitedBy ?? [],
      silencedBy: alert.status?.silencedBy ?? [],
      receivers: (alert.receivers ?? []).map((receiver) => receiver.name ?? ''),
    }));
  }

  /** Every silence Alertmanager holds (active, pending and expired ones it still remembers). */
  async silences(): Promise<AmSilence[]> {
    interface Raw {
      id: string;
      status?: { state?: string };
      matchers?: Array<{ name: string; value: string; isRegex?: boolean; isEqual?: boolean }>;
      startsAt: string;
      endsAt: string;
      createdBy?: string;
      comment?: string;
    }
    const raw = await this.get<Raw[] | null>('/api/v2/silences');
    if (raw !== null && !Array.isArray(raw))
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} answered /api/v2/silences with something not a list`);
    return (raw ?? []).map((silence) => ({
      id: silence.id,
      state: silence.status?.state ?? 'unknown',
      matchers: (silence.matchers ?? []).map((matcher) => ({
        name: matcher.name,
        value: matcher.value,
        isRegex: matcher.isRegex ?? false,
        isEqual: matcher.isEqual ?? true,
      })),
      startsAt: silence.startsAt,
      endsAt: silence.endsAt,
      createdBy: silence.createdBy ?? '',
      comment: silence.comment ?? '',
    }));
  }

  /** Its notification counters per integration (and per receiver, where it labels them so), from /metrics. */
  async notificationCounters(): Promise<NotificationCounter[]> {
    const text = await this.get<string>('/metrics', 'text');
    return parseNotificationCounters(typeof text === 'string' ? text : '');
  }

  /** The running configuration as YAML text (`config.original` of /api/v2/status). */
  async configYaml(): Promise<string> {
    const status = await this.get<{ config?: { original?: string } }>('/api/v2/status');
    return status.config?.original ?? '';
  }

  private async get<T>(path: string, responseType: 'json' | 'text' = 'json'): Promise<T> {
    let response;
    try {
      response = await this.http.get(path, { responseType });
    } catch (error) {
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} did not answer ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (response.status !== 200) {
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} answered ${path} with HTTP ${response.status}`);
    }
    return response.data as T;
  }
}

const counterNames = {
  alertmanager_notifications_total: 'notifications',
  alertmanager_notifications_failed_total: 'failed',
  alertmanager_notification_requests_total: 'requests',
  alertmanager_notification_requests_failed_total: 'requestsFailed',
} as const;

/**
 * The notification counters in Alertmanager's /metrics text, one entry per integration (and
 * receiver): only integrations a counter moved for or that the configuration uses show non-zero.
 */
export function parseNotificationCounters(text: string): NotificationCounter[] {
  const byKey = new Map<string, NotificationCounter>();
  const line =
    /^(alertmanager_notifications_total|alertmanager_notifications_failed_total|alertmanager_notification_requests_total|alertmanager_notification_requests_failed_total)\{([^}]*)\}\s+(\S+)/;
  for (const raw of text.split('\n')) {
    const match = line.exec(raw);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    const integration = labels.integration;
    if (integration === undefined) continue;
    const receiver = labels.receiver_name;
    const key = `${integration}\u0000${receiver ?? ''}`;
    const counter: NotificationCounter = byKey.get(key) ?? {
      integration,
      ...(receiver === undefined ? {} : { receiver }),
      notifications: 0,
      failed: 0,
    };
    counter[counterNames[match[1] as keyof typeof counterNames]] = Number(match[3]);
    byKey.set(key, counter);
  }
  return [...byKey.values()].sort((a, b) => `${a.integration} ${a.receiver ?? ''}`.localeCompare(`${b.integration} ${b.receiver ?? ''}`));
}

export interface WebhookPayload {
  receiver: string;
  status: string;
  groupKey: string;
  alerts: WebhookAlert[];
}

export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

/**
 * Listens for Alertmanager webhook notifications (payload version 4) and hands each one over with
 * its receipt time. Answers 200 at once: Alertmanager retries anything else.
 */
export async function startWebhookReceiver(
  listen: string,
  onPayload: (payload: WebhookPayload, receivedAt: Date) => void,
): Promise<WebhookReceiver> {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at) || '127.0.0.1';
  const port = Number(listen.slice(at + 1));
  const server = http.createServer((request, response) => {
    const receivedAt = new Date();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        response.writeHead(405).end();
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<WebhookPayload>;
        onPayload(
          {
            receiver: body.receiver ?? '',
            status: body.status ?? '',
            groupKey: body.groupKey ?? '',
            alerts: (body.alerts ?? []).map((alert) => ({
              status: alert.status,
              labels: alert.labels ?? {},
              annotations: alert.annotations ?? {},
              startsAt: alert.startsAt,
              endsAt: alert.endsAt,
              fingerprint: alert.fingerprint,
            })),
          },
          receivedAt,
        );
        response.writeHead(200).end('ok');
      } catch {
        response.writeHead(400).end('invalid JSON');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new MonitoringError(`cannot listen for Alertmanager webhooks on ${listen}: ${error.message}`, { cause: error })),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
