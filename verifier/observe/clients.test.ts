// The API clients against Prometheus-compatible backends: a path prefix (Mimir's /prometheus, a
// reverse proxy), headers on every request (X-Scope-OrgID, a bearer token), no /-/ready (Mimir
// and Cortex serve the API under a prefix without it), and answers that differ from Prometheus's
// in the details: `alerts: null` (Thanos), fields nobody asked for, a rule group without rules.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerClient } from './alertmanager.ts';
import { PrometheusClient } from './prometheus.ts';

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];
/** Path (after the prefix) → JSON body; anything else is a 404. */
const answers = new Map<string, unknown>();

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://backend');
    seen.push({ path: url.pathname, headers: request.headers });
    if (request.headers['x-scope-orgid'] !== 'team-a') return response.writeHead(401).end('no org id');
    const path = url.pathname.replace(/^\/(prometheus|alertmanager)/, '');
    if (!answers.has(path)) return response.writeHead(404).end('404 page not found');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers.get(path)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const headers = { 'X-Scope-OrgID': 'team-a', Authorization: 'Bearer t0ken' };
const success = (data: unknown) => ({ status: 'success', data });

describe('PrometheusClient on a compatible backend', () => {
  const client = () => new PrometheusClient({ baseUrl: `${base}/prometheus/`, headers });

  it('is ready by its build info when there is no /-/ready under the prefix', async () => {
    answers.set('/api/v1/status/buildinfo', success({ version: '2.52.0' }));
    expect(await client().readiness()).toEqual({ ready: true });
    expect(seen.map((request) => request.path).slice(-2)).toEqual(['/prometheus/-/ready', '/prometheus/api/v1/status/buildinfo']);
  });

  it('says why it is not ready when neither answers', async () => {
    answers.delete('/api/v1/status/buildinfo');
    const readiness = await client().readiness();
    expect(readiness).toMatchObject({ ready: false });
    expect(readiness.ready ? '' : readiness.reason).toMatch(/has no \/-\/ready and answered \/api\/v1\/status\/buildinfo with HTTP 404/);
  });

  it('sends the headers on every request, under the prefix', async () => {
    answers.set('/api/v1/alerts', success({ alerts: [] }));
    await client().alerts();
    const last = seen.at(-1);
    expect(last?.path).toBe('/prometheus/api/v1/alerts');
    expect(last?.headers['x-scope-orgid']).toBe('team-a');
    expect(last?.headers.authorization).toBe('Bearer t0ken');
  });

  it('takes `alerts: null` as no alerts, ignores unknown fields, and leaves out an alert without activeAt', async () => {
    answers.set('/api/v1/alerts', success({ alerts: null, partialResponse: true }));
    expect(await client().alerts()).toEqual([]);
    answers.set(
      '/api/v1/alerts',
      success({
        alerts: [
          {
            labels: { alertname: 'A' },
            state: 'firing',
            activeAt: '2026-11-23T02:00:00.418Z',
            value: '1e+00',
            keepFiringSince: null,
            extra: 1,
          },
          { labels: { alertname: 'B' }, state: 'pending', value: '1' },
        ],
      }),
    );
    expect(await client().alerts()).toEqual([
      { labels: { alertname: 'A' }, annotations: {}, state: 'firing', activeAt: '2026-11-23T02:00:00.418Z' },
    ]);
  });

  it('reads rule groups without rules and rules of a backend that adds fields', async () => {
    answers.set(
      '/api/v1/rules',
      success({
        groups: [
          { name: 'empty', file: 'a.yml', interval: 60, rules: null },
          {
            name: 'g',
            file: 'b.yml',
            interval: 30,
            rules: [
              {
                type: 'alerting',
                name: 'Down',
                query: 'up == 0',
                duration: 60,
                health: 'err',
                lastError: 'boom',
                state: 'inactive',
                extra: {},
              },
              { type: 'recording', name: 'job:up', query: 'sum(up)', health: 'ok' },
            ],
          },
        ],
        groupNextToken: 'x',
      }),
    );
    expect(await client().alertingRules()).toEqual([
      {
        name: 'Down',
        group: 'g',
        file: 'b.yml',
        query: 'up == 0',
        forSeconds: 60,
        intervalSeconds: 30,
        health: 'err',
        lastError: 'boom',
        labels: {},
        annotations: {},
        state: 'inactive',
      },
    ]);
  });

  it('fails with the backend named when the headers are missing', async () => {
    const bare = new PrometheusClient({ baseUrl: `${base}/prometheus` });
    await expect(bare.alerts()).rejects.toThrow(/Prometheus at http:\/\/127\.0\.0\.1:\d+\/prometheus answered \/api\/v1\/alerts with 401/);
  });
});

describe('AlertmanagerClient on a compatible backend', () => {
  const client = () => new AlertmanagerClient({ baseUrl: `${base}/alertmanager`, headers });

  it('is ready by its status when there is no /-/ready under the prefix', async () => {
    answers.set('/api/v2/status', { cluster: { status: 'disabled' }, config: { original: 'route: {receiver: a}' } });
    expect(await client().readiness()).toEqual({ ready: true });
  });

  it('takes null as no alerts and fills what a backend leaves out', async () => {
    answers.set('/api/v2/alerts', null);
    expect(await client().alerts()).toEqual([]);
    answers.set('/api/v2/alerts', [
      { labels: { alertname: 'Watchdog' }, startsAt: '2026-11-23T02:00:00Z', fingerprint: 'f', receivers: [] },
    ]);
    expect(await client().alerts()).toEqual([
      {
        labels: { alertname: 'Watchdog' },
        annotations: {},
        startsAt: '2026-11-23T02:00:00Z',
        fingerprint: 'f',
        state: 'unknown',
        inhibitedBy: [],
        silencedBy: [],
        receivers: [],
      },
    ]);
  });

  it('rejects an answer that is not a list', async () => {
    answers.set('/api/v2/alerts', { error: 'tenant not found' });
    await expect(client().alerts()).rejects.toThrow(/not a list/);
  });
});
