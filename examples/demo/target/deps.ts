// The deps process: the data access layer in front of the Redis primary and its two replicas
// (datastore.ts; reached only through their Toxiproxy proxies) and the write queue (simulated),
// behind an internal HTTP API that only the API instances call. A write goes to the primary and
// waits (WAIT) until both replicas have it, then drops the key from the Redis cache, so a read
// after an acknowledged write shows exactly what the replicas hold. Reads go to the replicas in
// turn; a replica that does not answer sends the read to the primary. It PINGs each replica
// through its proxy four times a second: demo_db_replicas_healthy.
//
// Internal API (127.0.0.1:<port>):
//   GET  /internal/items/:key   200 {"value","source"} | 404     (source: replica | primary; primary adds 100 ms)
//   PUT  /internal/items/:key   {"value"} -> 201 | 200 | 503 when the write queue is unreachable
//   GET  /internal/health       {"replicasHealthy","queueConnected"}
//   GET  /metrics

import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type ChildService, runChild } from './lib/child.ts';
import { parseFlags } from './lib/flags.ts';
import { close, createServer, keepAliveAgent, listen, readBody, request, sendJson } from './lib/http.ts';
import type { DepsHealth, DepsNotice, World } from './lib/protocol.ts';
import { RedisClient, RedisError } from './lib/redis.ts';
import { QueueUnavailableError, WriteQueue } from './lib/write-queue.ts';

/** Extra latency of a read served by the primary: it is sized for writes, not for the read traffic. */
const PRIMARY_READ_PENALTY_MS = 100;

runChild('deps', async (initial: World): Promise<ChildService> => {
  const flags = parseFlags(process.argv.slice(2), { port: 'port', 'api-ports': 'ports', 'redis-ports': 'ports' });
  const port = flags.port ?? 18090;
  const apiPorts = flags['api-ports'] ?? [18081, 18082];
  // The proxies of the primary, replica-1, replica-2 and the cache.
  const [primaryPort, replica1Port, replica2Port, cachePort] = flags['redis-ports'] ?? [18479, 18480, 18481, 18482];
  const primary = new RedisClient('redis primary', primaryPort as number, { timeoutMs: 2000 });
  const replicas = [
    new RedisClient('redis replica-1', replica1Port as number, { timeoutMs: 1000 }),
    new RedisClient('redis replica-2', replica2Port as number, { timeoutMs: 1000 }),
  ];
  const pingers = replicas.map((replica) => new RedisClient(`${replica.name} (health)`, replica.port, { timeoutMs: 500 }));
  const cache = new RedisClient('redis cache', cachePort as number, { timeoutMs: 500 });
  let nextReplica = 0;
  let replicasUp = 2;

  const queue = new WriteQueue(`127.0.0.1:${port}`, initial.queueHost);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const replicasHealthy = new Gauge({
    name: 'demo_db_replicas_healthy',
    help: 'Replicas the deps process can reach.',
    registers: [registry],
  });
  const queueConnected = new Gauge({
    name: 'demo_queue_connected',
    help: '1 while the write-queue client is connected.',
    registers: [registry],
  });
  const publishErrors = new Counter({ name: 'demo_queue_publish_errors_total', help: 'Writes the queue refused.', registers: [registry] });
  const reads = new Counter({
    name: 'demo_db_reads_total',
    help: 'Store reads by the node that served them.',
    labelNames: ['source'],
    registers: [registry],
  });
  const writes = new Counter({ name: 'demo_db_writes_total', help: 'Writes committed on the primary.', registers: [registry] });
  const writeDuration = new Histogram({
    name: 'demo_db_write_duration_seconds',
    help: 'Time for a write on the primary, until both replicas have it (or WAIT gives up).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const readsFrom = { replica: reads.labels('replica'), primary: reads.labels('primary') };
  reads.labels('replica').inc(0);
  reads.labels('primary').inc(0);
  publishErrors.inc(0);
  writes.inc(0);

  const health = (): DepsHealth => ({ replicasHealthy: replicasUp, queueConnected: queue.connected });
  const updateGauges = () => {
    replicasHealthy.set(replicasUp);
    queueConnected.set(queue.connected ? 1 : 0);
  };
  updateGauges();

  /** A replica, else the primary (slower: it is sized for writes); undefined value for a missing key. */
  const read = async (key: string): Promise<{ source: 'replica' | 'primary'; value: string | null }> => {
    const replica = replicas[nextReplica++ % replicas.length] as RedisClient;
    try {
      return { source: 'replica', value: (await replica.command('GET', `item:${key}`)) as string | null };
    } catch (error) {
      if (!(error instanceof RedisError)) throw error;
      const value = (await primary.command('GET', `item:${key}`)) as string | null;
      await sleep(PRIMARY_READ_PENALTY_MS);
      return { source: 'primary', value };
    }
  };
  const write = async (key: string, value: string): Promise<{ created: boolean }> => {
    const stopTimer = writeDuration.startTimer();
    const created = (await primary.command('SET', `item:${key}`, value, 'GET')) === null;
    // Both replicas have it before the write is acknowledged (replicas that do not replicate
    // never do: WAIT gives up after 100 ms, and the write stands on the primary).
    await primary.command('WAIT', 2, 100);
    stopTimer();
    await cache.command('DEL', `item:${key}`).catch(() => undefined);
    return { created };
  };
  /** PINGs each replica through its proxy; tells the API instances when the count changes. */
  const checkReplicas = async () => {
    const answers = await Promise.allSettled(pingers.map((pinger) => pinger.command('PING')));
    const up = answers.filter((answer) => answer.status === 'fulfilled').length;
    if (up === replicasUp) return;
    replicasUp = up;
    updateGauges();
    await notifyApis({ health: health() });
  };
  let checking = false;
  const healthTimer = setInterval(() => {
    if (checking) return;
    checking = true;
    void checkReplicas().finally(() => (checking = false));
  }, 250);

  const agent = keepAliveAgent(8);
  /** Best effort to every instance: one that is down has no cache to invalidate. */
  const notifyApis = async (notice: DepsNotice) => {
    const body = JSON.stringify(notice);
    await Promise.allSettled(
      apiPorts.map((p) =>
        request({
          agent,
          port: p,
          method: 'POST',
          path: '/internal/notify',
          headers: { 'content-type': 'application/json' },
          body,
          timeoutMs: 500,
        }),
      ),
    );
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? '/';
    if (url.startsWith('/internal/items/')) {
      const key = decodeURIComponent(url.slice('/internal/items/'.length));
      if (req.method === 'GET') {
        const { source, value } = await read(key);
        readsFrom[source].inc();
        if (value === null) return sendJson(res, 404, { error: 'not found' }, { 'x-source': source });
        return sendJson(res, 200, { value, source }, { 'x-source': source });
      }
      if (req.method === 'PUT') {
        const { value } = JSON.parse((await readBody(req)).toString('utf8')) as { value: string };
        let result: { created: boolean };
        try {
          result = await queue.publish(() => write(key, value));
        } catch (error) {
          if (!(error instanceof QueueUnavailableError)) throw error;
          publishErrors.inc();
          return sendJson(res, 503, { error: error.message });
        }
        writes.inc();
        return sendJson(res, result.created ? 201 : 200, { created: result.created });
      }
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    if (url === '/internal/health') return sendJson(res, 200, health());
    if (url === '/metrics') {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      return res.end(text);
    }
    return sendJson(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: error.message });
      else res.destroy();
    });
  });
  await listen(server, port);

  return {
    port,
    // The supervisor changes the network before it calls this: look at the replicas again now,
    // so the change is in the gauges and the API instances when the admin call answers.
    async apply(world: World) {
      const before = JSON.stringify(health());
      queue.connect(world.queueHost);
      while (checking) await sleep(10);
      checking = true;
      await checkReplicas().finally(() => (checking = false));
      updateGauges();
      const now = health();
      if (JSON.stringify(now) !== before) await notifyApis({ health: now });
      return { ...now };
    },
    async close() {
      clearInterval(healthTimer);
      await close(server);
      agent.destroy();
      for (const client of [primary, ...replicas, ...pingers, cache]) client.close();
    },
  };
});
