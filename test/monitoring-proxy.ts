// A loopback reverse proxy in front of the real Prometheus and Alertmanager that looks like a
// multi-tenant backend (Mimir, Cortex): the APIs live under /prometheus and /alertmanager, every
// read needs X-Scope-OrgID and a bearer token, and there is no /-/ready under the prefix. The test
// can also cut gameday off from Prometheus for a while (connections reset), to interrupt its polls
// while Prometheus itself keeps evaluating rules.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  path: string;
  orgId: string | undefined;
  authorization: string | undefined;
  status: number;
}

export interface MonitoringProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Resets every Prometheus read (not k6's remote write) until `untilMs` (epoch milliseconds). */
  cutPrometheusUntil(untilMs: number): void;
  close(): Promise<void>;
}

export interface ProxyOptions {
  prometheus: string;
  alertmanager: string;
  orgId: string;
  token: string;
}

export async function startMonitoringProxy(options: ProxyOptions): Promise<MonitoringProxy> {
  const requests: ProxiedRequest[] = [];
  let cutUntil = 0;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://proxy');
    const match = /^\/(prometheus|alertmanager)(\/.*)$/.exec(url.pathname);
    const entry: ProxiedRequest = {
      path: url.pathname,
      orgId: request.headers['x-scope-orgid'] as string | undefined,
      authorization: request.headers.authorization,
      status: 0,
    };
    requests.push(entry);
    const answer = (status: number, text: string) => {
      entry.status = status;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    };
    if (!match) return answer(404, 'no such backend');
    const [, backend, rest = '/'] = match;
    // k6's remote write must carry the tenant and the token too; only the cut spares it.
    const isWrite = backend === 'prometheus' && rest === '/api/v1/write';
    if (rest === '/-/ready') return answer(404, '404 page not found');
    if (entry.orgId !== options.orgId) return answer(401, 'no org id');
    if (entry.authorization !== `Bearer ${options.token}`) return answer(401, 'bad token');
    if (!isWrite) {
      if (backend === 'prometheus' && Date.now() < cutUntil) {
        entry.status = -1;
        request.socket.destroy();
        return;
      }
    }
    const target = new URL(`${rest}${url.search}`, backend === 'prometheus' ? options.prometheus : options.alertmanager);
    const headers = { ...request.headers, host: target.host };
    const upstream = http.request(target, { method: request.method, headers }, (upstreamResponse) => {
      entry.status = upstreamResponse.statusCode ?? 502;
      response.writeHead(entry.status, upstreamResponse.headers);
      upstreamResponse.pipe(response);
    });
    upstream.on('error', () => {
      if (!response.headersSent) answer(502, 'upstream unreachable');
      else response.destroy();
    });
    // A client that gave up (its timeout) takes the upstream request with it: a stopped
    // Alertmanager must not pile up connections.
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutPrometheusUntil(untilMs) {
      cutUntil = untilMs;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
