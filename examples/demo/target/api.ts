// One API instance. User API (reached through the gateway):
//   GET /items/:key            200 {"key","value"} | 404
//   PUT /items/:key {"value"}  201 created | 200 updated | 503 when writes are impossible
//   GET /healthz               200 {"status","instance"}
// Every response carries X-Health: ok | degraded | read-only.
//
// Reads: the Redis cache (through its Toxiproxy proxy) -> deps (a replica, or the primary when no
// replica answers, slower). A read fills the cache for CACHE_TTL_MS; deps drops a key from it on
// every write. A cache that does not answer is counted (demo_cache_errors_total) and bypassed.
// Admission: a token bucket sized by capacity.json in the state dir, re-read twice a second.
// Internal: POST /internal/notify (dependency health, from deps), GET /metrics.

import type http from 'node:http';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { TokenBucket, watchCapacityFile } from './lib/capacity.ts';
import { type ChildService, runChild } from './lib/child.ts';
import { parseFlags } from './lib/flags.ts';
import { close, createServer, keepAliveAgent, listen, readBody, request } from './lib/http.ts';
import type { DepsHealth, DepsNotice } from './lib/protocol.ts';
import { RedisClient } from './lib/redis.ts';

export type Health = 'ok' | 'degraded' | 'read-only';

const rank: Record<Health, number> = { ok: 0, degraded: 1, 'read-only': 2 };
const worst = (a: Health, b: Health): Health => (rank[b] > rank[a] ? b : a);

type Route = '/items/:key' | '/healthz' | 'other';

/** How long a cached read lives: bounds what a fill racing a write could leave behind. */
const CACHE_TTL_MS = 10_000;

runChild('api', async (): Promise<ChildService> => {
  const flags = parseFlags(process.argv.slice(2), {
    port: 'port',
    name: 'string',
    'deps-port': 'port',
    'cache-port': 'port',
    'capacity-file': 'string',
  });
  const port = flags.port ?? 18081;
  const name = flags.name ?? `api-${port}`;
  const depsPort = flags['deps-port'] ?? 18090;
  const capacityFile = flags['capacity-file'];
  if (!capacityFile) throw new Error('missing --capacity-file; the supervisor passes <state dir>/capacity.json');

  const cache = new RedisClient('redis cache', flags['cache-port'] ?? 18482, { timeoutMs: 500 });
  const bucket = new TokenBucket(1);
  const capacityWatch = await watchCapacityFile(capacityFile, (config) => bucket.setRate(config.maxRequestsPerSecondPerInstance), {
    onError: (error) => process.stderr.write(`${name}: keeping the last good capacity config: ${error.message}\n`),
  });

  const depsAgent = keepAliveAgent(128);
  let deps: DepsHealth = { replicasHealthy: 2, queueConnected: true };
  const refreshDepsHealth = async () => {
    const res = await request({ agent: depsAgent, port: depsPort, method: 'GET', path: '/internal/health', timeoutMs: 1000 });
    if (res.status === 200) deps = JSON.parse(res.body.toString('utf8')) as DepsHealth;
  };
  await refreshDepsHealth();
  // Pushes from deps keep this current; the poll covers a push that was lost.
  const healthPoll = setInterval(() => refreshDepsHealth().catch(() => undefined), 1000);
  healthPoll.unref();

  const baseHealth = (): Health => {
    if (!deps.queueConnected) return 'read-only';
    if (deps.replicasHealthy === 0) return 'degraded';
    return 'ok';
  };

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'demo_http_requests_total',
    help: 'Requests served by this API instance.',
    labelNames: ['route', 'method', 'code', 'health'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'demo_http_request_duration_seconds',
    help: 'Time to serve a request in this API instance.',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const cacheErrors = new Counter({ name: 'demo_cache_errors_total', help: 'Cache calls that failed.', registers: [registry] });
  const cacheRequests = new Counter({
    name: 'demo_cache_requests_total',
    help: 'Cache lookups by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  const capacityRejections = new Counter({
    name: 'demo_capacity_rejections_total',
    help: 'Requests refused by admission control (over the configured capacity).',
    registers: [registry],
  });
  cacheErrors.inc(0);
  capacityRejections.inc(0);
  const cacheHit = cacheRequests.labels('hit');
  const cacheMiss = cacheRequests.labels('miss');
  const cacheError = cacheRequests.labels('error');

  // prom-client hashes label objects on every call; resolve each label combination once.
  const requestCounters = new Map<string, { inc(): void }>();
  const durationObservers = new Map<string, { observe(v: number): void }>();
  const record = (route: Route, method: string, code: number, health: Health, startedAt: number) => {
    const key = `${route} ${method} ${code} ${health}`;
    let counter = requestCounters.get(key);
    if (!counter) requestCounters.set(key, (counter = requests.labels(route, method, String(code), health)));
    counter.inc();
    const dkey = `${route} ${method}`;
    let observer = durationObservers.get(dkey);
    if (!observer) durationObservers.set(dkey, (observer = duration.labels(route, method)));
    observer.observe((performance.now() - startedAt) / 1000);
  };

  const reply = (res: http.ServerResponse, status: number, body: Buffer | string, health: Health) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-health': health });
    res.end(body);
  };
  const error = (message: string) => JSON.stringify({ error: message });
  const overCapacity = error('over capacity, retry later');

  const cacheCall = async <T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    try {
      return { ok: true, value: await call() };
    } catch {
      cacheErrors.inc();
      return { ok: false };
    }
  };

  const getItem = async (key: string, res: http.ServerResponse, startedAt: number) => {
    let health = baseHealth();
    const cached = await cacheCall(() => cache.command('GET', `item:${key}`));
    if (cached.ok && typeof cached.value === 'string') {
      cacheHit.inc();
      reply(res, 200, cached.value, health);
      return record('/items/:key', 'GET', 200, health, startedAt);
    }
    if (cached.ok) cacheMiss.inc();
    else {
      cacheError.inc();
      health = worst(health, 'degraded');
    }
    let status: number;
    let body: string | Buffer;
    try {
      const res = await request({
        agent: depsAgent,
        port: depsPort,
        method: 'GET',
        path: `/internal/items/${encodeURIComponent(key)}`,
        timeoutMs: 2000,
      });
      if (res.headers['x-source'] === 'primary') health = worst(health, 'degraded');
      if (res.status === 200) {
        const { value } = JSON.parse(res.body.toString('utf8')) as { value: string };
        status = 200;
        body = Buffer.from(JSON.stringify({ key, value }));
        if (cached.ok) await cacheCall(() => cache.command('SET', `item:${key}`, (body as Buffer).toString(), 'PX', CACHE_TTL_MS));
      } else if (res.status === 404) {
        status = 404;
        body = error('not found');
      } else {
        status = 503;
        body = error('store unavailable');
        health = worst(health, 'degraded');
      }
    } catch {
      status = 503;
      body = error('store unreachable');
      health = worst(health, 'degraded');
    }
    reply(res, status, body, health);
    record('/items/:key', 'GET', status, health, startedAt);
  };

  const putItem = async (key: string, req: http.IncomingMessage, res: http.ServerResponse, startedAt: number) => {
    let health = baseHealth();
    let value: unknown;
    try {
      value = (JSON.parse((await readBody(req, 16 * 1024)).toString('utf8')) as { value?: unknown } | null)?.value;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string') {
      reply(res, 400, error('invalid body; reason: expected {"value": "<string>"}'), health);
      return record('/items/:key', 'PUT', 400, health, startedAt);
    }
    let status: number;
    let body: string;
    try {
      const res = await request({
        agent: depsAgent,
        port: depsPort,
        method: 'PUT',
        path: `/internal/items/${encodeURIComponent(key)}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
        timeoutMs: 2000,
      });
      if (res.status === 200 || res.status === 201) {
        status = res.status;
        body = JSON.stringify({ key, value });
      } else if (res.status === 503) {
        status = 503;
        body = error('writes are unavailable (write queue unreachable)');
        health = 'read-only';
      } else {
        status = 502;
        body = error('store error');
        health = worst(health, 'degraded');
      }
    } catch {
      status = 503;
      body = error('store unreachable');
      health = worst(health, 'degraded');
    }
    reply(res, status, body, health);
    record('/items/:key', 'PUT', status, health, startedAt);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (url.startsWith('/items/')) {
      const end = url.indexOf('?');
      const key = decodeURIComponent(end === -1 ? url.slice(7) : url.slice(7, end));
      if (key === '' || key.length > 256 || key.includes('/')) {
        reply(res, 400, error('invalid key; reason: expected 1-256 characters without "/"'), baseHealth());
        return record('/items/:key', method, 400, baseHealth(), startedAt);
      }
      if (method !== 'GET' && method !== 'PUT') {
        reply(res, 405, error('method not allowed'), baseHealth());
        return record('/items/:key', method, 405, baseHealth(), startedAt);
      }
      if (!bucket.take()) {
        capacityRejections.inc();
        const health = worst(baseHealth(), 'degraded');
        reply(res, 503, overCapacity, health);
        return record('/items/:key', method, 503, health, startedAt);
      }
      return method === 'GET' ? getItem(key, res, startedAt) : putItem(key, req, res, startedAt);
    }
    if (url === '/healthz') {
      const health = baseHealth();
      reply(res, 200, JSON.stringify({ status: health, instance: name }), health);
      return record('/healthz', method, 200, health, startedAt);
    }
    if (url === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'x-health': baseHealth() });
      return res.end(text);
    }
    if (url === '/internal/notify' && method === 'POST') {
      const notice = JSON.parse((await readBody(req)).toString('utf8')) as DepsNotice;
      if (notice.health) deps = notice.health;
      res.writeHead(204);
      return res.end();
    }
    reply(res, 404, error('not found'), baseHealth());
    record('other', method, 404, baseHealth(), startedAt);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) reply(res, 500, error(err.message), 'degraded');
      else res.destroy();
    });
  });
  await listen(server, port);

  return {
    port,
    async apply() {
      return { capacity: bucket.rate };
    },
    async close() {
      capacityWatch.stop();
      clearInterval(healthPoll);
      await close(server);
      depsAgent.destroy();
      cache.close();
    },
  };
});
