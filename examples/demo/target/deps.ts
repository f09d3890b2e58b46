// The deps process: primary store, two replicas and the write queue (all simulated in memory),
// behind an internal HTTP API that only the API instances call. After every write, and after
// replicas catch up, it tells every API instance to drop the affected keys from its cache and
// waits for them, so an acknowledged write is never hidden by a cache.
//
// Internal API (127.0.0.1:<port>):
//   GET  /internal/items/:key   200 {"value","source"} | 404     (source: replica | primary; primary adds 100 ms)
//   PUT  /internal/items/:key   {"value"} -> 201 | 200 | 503 when the write queue is unreachable
//   GET  /internal/health       {"replicasHealthy","queueConnected"}
//   GET  /metrics

import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { type ChildService, runChild } from './lib/child.ts';
import { parseFlags } from './lib/flags.ts';
import { close, createServer, keepAliveAgent, listen, readBody, request, sendJson } from './lib/http.ts';
import type { DepsHealth, DepsNotice, World } from './lib/protocol.ts';
import { ReplicatedStore, seedEntries } from './lib/store.ts';
import { QueueUnavailableError, WriteQueue } from './lib/write-queue.ts';

/** Extra latency of a read served by the primary: it is sized for writes, not for the read traffic. */
const PRIMARY_READ_PENALTY_MS = 100;

runChild('deps', async (initial: World): Promise<ChildService> => {
  const flags = parseFlags(process.argv.slice(2), { port: 'port', 'api-ports': 'ports' });
  const port = flags.port ?? 18090;
  const apiPorts = flags['api-ports'] ?? [18081, 18082];

  const store = new ReplicatedStore(2);
  store.seed(seedEntries());
  const queue = new WriteQueue(`127.0.0.1:${port}`, initial.queueHost);
  store.setReplicasReachable(initial.replicasReachable);
  store.setReplicationRunning(initial.replicationRunning);

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
  const readsFrom = { replica: reads.labels('replica'), primary: reads.labels('primary') };
  reads.labels('replica').inc(0);
  reads.labels('primary').inc(0);
  publishErrors.inc(0);
  writes.inc(0);

  const health = (): DepsHealth => ({ replicasHealthy: store.replicasHealthy, queueConnected: queue.connected });
  const updateGauges = () => {
    replicasHealthy.set(store.replicasHealthy);
    queueConnected.set(queue.connected ? 1 : 0);
  };
  updateGauges();

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
        const { source, found } = store.read(key);
        readsFrom[source].inc();
        if (source === 'primary') await sleep(PRIMARY_READ_PENALTY_MS);
        if (!found) return sendJson(res, 404, { error: 'not found' }, { 'x-source': source });
        return sendJson(res, 200, { value: found.value, source }, { 'x-source': source });
      }
      if (req.method === 'PUT') {
        const { value } = JSON.parse((await readBody(req)).toString('utf8')) as { value: string };
        let result: ReturnType<ReplicatedStore['write']>;
        try {
          result = queue.publish(() => store.write(key, value));
        } catch (error) {
          if (!(error instanceof QueueUnavailableError)) throw error;
          publishErrors.inc();
          return sendJson(res, 503, { error: error.message });
        }
        writes.inc();
        await notifyApis({ invalidate: [key] });
        return sendJson(res, result.created ? 201 : 200, { created: result.created, seq: result.seq });
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
    async apply(world: World) {
      const before = JSON.stringify(health());
      queue.connect(world.queueHost);
      const caughtUp = new Set([
        ...store.setReplicasReachable(world.replicasReachable),
        ...store.setReplicationRunning(world.replicationRunning),
      ]);
      updateGauges();
      const now = health();
      const changed = JSON.stringify(now) !== before;
      if (changed || caughtUp.size > 0) {
        await notifyApis({ ...(changed ? { health: now } : {}), ...(caughtUp.size > 0 ? { invalidate: [...caughtUp] } : {}) });
      }
      return { ...now, caughtUpKeys: caughtUp.size };
    },
    async close() {
      await close(server);
      agent.destroy();
    },
  };
});
