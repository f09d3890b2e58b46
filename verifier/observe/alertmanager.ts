// Alertmanager API v2 client (the common denominator of Alertmanager, Mimir, Cortex and Grafana)
// and the webhook receiver gameday listens on during a run.

import http from 'node:http';
import { MonitoringError } from '../errors.ts';
import type { AmAlert, WebhookAlert } from '../journal/events.ts';
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
      status?: { state?: string };
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
    }));
  }

  /** The running configuration as YAML text (`config.original` of /api/v2/status). */
  async configYaml(): Promise<string> {
    const status = await this.get<{ config?: { original?: string } }>('/api/v2/status');
    return status.config?.original ?? '';
  }

  private async get<T>(path: string): Promise<T> {
    let response;
    try {
      response = await this.http.get(path);
    } catch (error) {
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} did not answer ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (response.status !== 200) {
      throw new MonitoringError(`Alertmanager at ${this.baseUrl} answered ${path} with HTTP ${response.status}`);
    }
    return response.data as T;
  }
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
