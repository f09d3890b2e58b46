// The shop: login, search and checkout, the API the example's users call. Its own metrics, named
// the way a team names them (not gameday's): shop_requests_total{route,code},
// shop_request_duration_seconds{route} and shop_payment_failures_total.
//
//   npx tsx examples/checkout/service/shop.ts --port 22180 --payments http://127.0.0.1:22181 --state-dir examples/checkout/.state
//
//   POST /login {"user": string}              200 {"token"} | 400
//   GET  /me              (Bearer token)      200 {"user"} | 401
//   GET  /search?q=...                        200 {"query", "results": [...]}
//   POST /orders {"sku"}  (Bearer token)      201 {"order": {"id", "sku", "status": "paid"}} | 401 | 502 payments failed
//   GET  /orders/:id      (Bearer token)      200 {"order"} | 404
//   GET  /metrics, /healthz
//
// Files it reads on every request, so a fault is a file written or removed (the plan's exec injector):
//   <state-dir>/search-slow   present: every search waits the milliseconds it holds (1500 when empty)

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Counter, Histogram, Registry } from 'prom-client';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '22180' },
    payments: { type: 'string', default: 'http://127.0.0.1:22181' },
    'state-dir': { type: 'string', default: '.state' },
  },
});
const port = Number(values.port);
const paymentsUrl = values.payments;
const stateDir = values['state-dir'];
/** A charge that takes longer fails the order: users are not kept waiting on payments. */
const PAYMENT_TIMEOUT_MS = 1000;

const registry = new Registry();
const requests = new Counter({
  name: 'shop_requests_total',
  help: 'Requests by route and status code.',
  labelNames: ['route', 'code'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'shop_request_duration_seconds',
  help: 'Request duration by route.',
  labelNames: ['route'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
const paymentFailures = new Counter({
  name: 'shop_payment_failures_total',
  help: 'Charges that failed or timed out.',
  registers: [registry],
});

const sessions = new Map<string, string>();
const orders = new Map<string, { id: string; sku: string; status: 'paid'; user: string }>();
const catalog = ['socks', 'wool socks', 'running socks', 'shoes', 'boots', 'laces', 'hat', 'scarf'];

type Reply = { status: number; body: unknown };

async function route(method: string, url: URL, headers: http.IncomingHttpHeaders, body: string): Promise<{ name: string; reply: Reply }> {
  const user = sessions.get((headers.authorization ?? '').replace(/^Bearer /, ''));
  const path = url.pathname;
  if (method === 'POST' && path === '/login') {
    const name = parseJson(body).user;
    if (typeof name !== 'string' || name === '')
      return { name: 'login', reply: { status: 400, body: { error: 'user must be a non-empty string' } } };
    const token = randomUUID();
    sessions.set(token, name);
    return { name: 'login', reply: { status: 200, body: { token } } };
  }
  if (method === 'GET' && path === '/me') return { name: 'me', reply: user ? { status: 200, body: { user } } : unauthorized };
  if (method === 'GET' && path === '/search') {
    const delay = await searchDelay();
    if (delay > 0) await sleep(delay);
    const query = url.searchParams.get('q') ?? '';
    return { name: 'search', reply: { status: 200, body: { query, results: catalog.filter((item) => item.includes(query)) } } };
  }
  if (method === 'POST' && path === '/orders') {
    if (!user) return { name: 'orders', reply: unauthorized };
    const sku = parseJson(body).sku;
    if (typeof sku !== 'string') return { name: 'orders', reply: { status: 400, body: { error: 'sku must be a string' } } };
    if (!(await charge())) {
      paymentFailures.inc();
      return { name: 'orders', reply: { status: 502, body: { error: 'payment failed' } } };
    }
    const order = { id: randomUUID(), sku, status: 'paid' as const, user };
    orders.set(order.id, order);
    return { name: 'orders', reply: { status: 201, body: { order } } };
  }
  if (method === 'GET' && path.startsWith('/orders/')) {
    const order = orders.get(path.slice('/orders/'.length));
    if (!user) return { name: 'order', reply: unauthorized };
    return {
      name: 'order',
      reply: order && order.user === user ? { status: 200, body: { order } } : { status: 404, body: { error: 'no such order' } },
    };
  }
  return { name: 'other', reply: { status: 404, body: { error: 'not found' } } };
}

const unauthorized: Reply = { status: 401, body: { error: 'log in first' } };

async function charge(): Promise<boolean> {
  try {
    const response = await fetch(`${paymentsUrl}/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 12.5 }),
      signal: AbortSignal.timeout(PAYMENT_TIMEOUT_MS),
    });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

async function searchDelay(): Promise<number> {
  try {
    const text = (await readFile(join(stateDir, 'search-slow'), 'utf8')).trim();
    return text === '' ? 1500 : Number(text);
  } catch {
    return 0;
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', 'http://shop');
    if (url.pathname === '/healthz') return response.writeHead(200).end('ok');
    if (url.pathname === '/metrics') {
      void registry.metrics().then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    const stop = duration.startTimer();
    void route(request.method ?? 'GET', url, request.headers, Buffer.concat(chunks).toString('utf8')).then(({ name, reply }) => {
      stop({ route: name });
      requests.inc({ route: name, code: String(reply.status) });
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
});

server.listen(port, '127.0.0.1', () => console.log(`shop: listening on 127.0.0.1:${port}, payments at ${paymentsUrl}`));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
