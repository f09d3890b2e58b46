// The gateway: a round-robin reverse proxy in front of the API instances, on keep-alive
// connections. A request that cannot reach an instance (refused or reset before any answer)
// goes to the next one; when none answers the client gets 502 with X-Health: degraded.
// Its own metrics are on /metrics (not proxied).

import http from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type ChildService, runChild } from './lib/child.ts';
import { parseFlags } from './lib/flags.ts';
import { close, createServer, keepAliveAgent, LOOPBACK, listen, readBody } from './lib/http.ts';

/** Errors that prove the instance did not produce an answer, so another one may be tried. */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'proxy-connection',
  'host',
  'content-length',
]);

interface Upstream {
  port: number;
  label: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

runChild('gateway', async (): Promise<ChildService> => {
  const flags = parseFlags(process.argv.slice(2), { port: 'port', 'api-ports': 'ports' });
  const port = flags.port ?? 18080;
  const upstreams: Upstream[] = (flags['api-ports'] ?? [18081, 18082]).map((p) => ({ port: p, label: `${LOOPBACK}:${p}` }));
  const agent = keepAliveAgent(512);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'demo_gateway_requests_total',
    help: 'Requests answered by the gateway.',
    labelNames: ['code', 'health'],
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: 'demo_gateway_upstream_errors_total',
    help: 'Attempts to reach an API instance that failed.',
    labelNames: ['upstream'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'demo_gateway_request_duration_seconds',
    help: 'Time to answer a request at the gateway.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  for (const u of upstreams) upstreamErrors.labels(u.label).inc(0);
  const counters = new Map<string, { inc(): void }>();
  const count = (code: number, health: string) => {
    const key = `${code} ${health}`;
    let c = counters.get(key);
    if (!c) counters.set(key, (c = requests.labels(String(code), health)));
    c.inc();
  };

  const forward = (upstream: Upstream, req: http.IncomingMessage, body: Buffer | undefined): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
      if (body) headers['content-length'] = body.length;
      const up = http.request({ host: LOOPBACK, port: upstream.port, method: req.method, path: req.url, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
      up.setTimeout(10_000, () => up.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
      up.on('error', reject);
      up.end(body);
    });

  let next = 0;
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const startedAt = performance.now();
    if (req.url === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      return res.end(text);
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
    const first = next++ % upstreams.length;
    const reasons: string[] = [];
    for (let i = 0; i < upstreams.length; i++) {
      const upstream = upstreams[(first + i) % upstreams.length] as Upstream;
      try {
        const answer = await forward(upstream, req, body);
        const headers: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
        headers['content-length'] = answer.body.length;
        res.writeHead(answer.status, headers);
        res.end(answer.body);
        count(answer.status, String(answer.headers['x-health'] ?? 'unknown'));
        duration.observe((performance.now() - startedAt) / 1000);
        return;
      } catch (error) {
        upstreamErrors.labels(upstream.label).inc();
        const code = (error as NodeJS.ErrnoException).code ?? '';
        reasons.push(`${upstream.label}: ${code || (error as Error).message}`);
        if (!RETRYABLE.has(code)) break;
      }
    }
    const text = JSON.stringify({ error: `bad gateway: no API instance answered (${reasons.join(', ')})` });
    res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-health': 'degraded' });
    res.end(text);
    count(502, 'degraded');
    duration.observe((performance.now() - startedAt) / 1000);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (res.headersSent) return res.destroy();
      const text = JSON.stringify({ error: error.message });
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-health': 'degraded' });
      res.end(text);
    });
  });
  await listen(server, port);

  return {
    port,
    async apply() {
      return undefined;
    },
    async close() {
      await close(server);
      agent.destroy();
    },
  };
});
