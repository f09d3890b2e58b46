// The demo's datastore, for real: Redis (Debian's redis-server, installed by gameday's toolchain
// when missing) as plain processes on loopback — a primary, two replicas started with
// `--replicaof` (real replication), and a cache — and a toxiproxy-server with one proxy in front
// of each, which is the only way the service reaches them. A game day breaks the network there:
// a proxy disabled is a node unreachable, a latency toxic a slow one.
//
// Nothing is persisted (`--save ''`, no AOF). The silent fault is done for real: the replicas
// are restarted from a snapshot of their own data without `--replicaof`, so they answer every
// read, with what they held at the restart; the revert makes them replicas again.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ToxiproxyClient, toxiproxyClient } from '../../../verifier/faults/toxiproxy-client.ts';
import { type ManagedProcess, startProcess } from '../../../verifier/stack/process.ts';
import { resolveTool } from '../../../verifier/toolchain/index.ts';
import { RedisClient } from './lib/redis.ts';
import { seedEntries } from './lib/seed.ts';

export type NodeName = 'primary' | 'replica-1' | 'replica-2' | 'cache';
export const NODES: readonly NodeName[] = ['primary', 'replica-1', 'replica-2', 'cache'];
const REPLICAS: readonly NodeName[] = ['replica-1', 'replica-2'];

export interface DatastorePorts {
  /** Toxiproxy's API. */
  toxiproxy: number;
  /** Each Redis node's own port: primary, replica-1, replica-2, cache. */
  redis: readonly number[];
  /** The proxy in front of each node, in the same order: what the service connects to. */
  proxies: readonly number[];
}

/** The Toxiproxy proxy of a node, as the demo plan names it. */
export const proxyName = (node: NodeName) => `redis-${node}`;

export class Datastore {
  readonly ports: DatastorePorts;
  readonly toxiproxy: ToxiproxyClient;
  readonly #dir: string;
  readonly #log: (line: string) => void;
  readonly #processes = new Map<NodeName | 'toxiproxy', ManagedProcess>();
  #replicating = true;

  private constructor(ports: DatastorePorts, dir: string, log: (line: string) => void) {
    this.ports = ports;
    this.#dir = dir;
    this.#log = log;
    this.toxiproxy = toxiproxyClient(`http://127.0.0.1:${ports.toxiproxy}`);
  }

  /** Starts every node and the proxies, seeds the primary and waits until the replicas have it. */
  static async start(ports: DatastorePorts, dir: string, log: (line: string) => void): Promise<Datastore> {
    const store = new Datastore(ports, dir, log);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await Promise.all([store.#startNode('primary', true), store.#startNode('cache', true), store.#startToxiproxy()]);
      await Promise.all(REPLICAS.map((node) => store.#startNode(node, true)));
      await store.#waitForReplication();
      const primary = store.client('primary');
      for (const [key, value] of seedEntries()) await primary.command('SET', `item:${key}`, value);
      await primary.command('WAIT', 2, 5000);
      primary.close();
      for (const [index, node] of NODES.entries()) {
        await store.toxiproxy.createProxy({
          name: proxyName(node),
          listen: `127.0.0.1:${ports.proxies[index]}`,
          upstream: `127.0.0.1:${ports.redis[index]}`,
        });
      }
      return store;
    } catch (error) {
      await store.stop();
      throw error;
    }
  }

  get replicating(): boolean {
    return this.#replicating;
  }

  /** A client straight to a node (not through its proxy): for the supervisor's own work. */
  client(node: NodeName): RedisClient {
    return new RedisClient(node, this.#port(node), { timeoutMs: 5000 });
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.#processes].map(([name, process]) => [name, process.pid]));
  }

  async setProxiesEnabled(nodes: readonly NodeName[], enabled: boolean): Promise<void> {
    for (const node of nodes) await this.toxiproxy.setEnabled(proxyName(node), enabled);
  }

  /**
   * false: each replica snapshotted (SAVE), stopped and started again from that snapshot without
   * `--replicaof` — a person rebuilt them and forgot replication. true: each made a replica again
   * (REPLICAOF) and synced; the cache is flushed, since it may hold what the stale replicas said.
   */
  async setReplication(running: boolean): Promise<void> {
    if (running === this.#replicating) return;
    for (const node of REPLICAS) {
      const client = this.client(node);
      try {
        if (running) await client.command('REPLICAOF', '127.0.0.1', this.#port('primary'));
        else await client.command('SAVE');
      } finally {
        client.close();
      }
      if (!running) {
        await this.#processes.get(node)?.stop();
        await this.#startNode(node, false);
      }
    }
    this.#replicating = running;
    if (running) {
      await this.#waitForReplication();
      const cache = this.client('cache');
      await cache.command('FLUSHDB').finally(() => cache.close());
    }
    this.#log(`datastore: replication ${running ? 'running again' : 'not started on the restarted replicas'}`);
  }

  /** Every proxy enabled without toxics, replication running. */
  async reset(): Promise<void> {
    const proxies = await this.toxiproxy.proxies();
    for (const node of NODES) {
      const proxy = proxies[proxyName(node)];
      for (const toxic of proxy?.toxics ?? []) await this.toxiproxy.deleteToxic(proxyName(node), toxic.name);
      if (proxy && !proxy.enabled) await this.toxiproxy.setEnabled(proxyName(node), true);
    }
    await this.setReplication(true);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#processes.values()].map((process) => process.stop()));
    this.#processes.clear();
  }

  #port(node: NodeName): number {
    return this.ports.redis[NODES.indexOf(node)] as number;
  }

  async #startNode(node: NodeName, replicate: boolean): Promise<void> {
    const dir = join(this.#dir, node);
    await mkdir(dir, { recursive: true });
    const replicaOf = REPLICAS.includes(node) && replicate ? ['--replicaof', '127.0.0.1', String(this.#port('primary'))] : [];
    const process = await startProcess({
      name: `redis ${node}`,
      command: await resolveTool('redis-server'),
      args: [
        '--port',
        String(this.#port(node)),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--dir',
        dir,
        // A full sync at once, not after the default 5 s wait for more replicas.
        '--repl-diskless-sync-delay',
        '0',
        ...replicaOf,
      ],
      logFile: join(this.#dir, `${node}.log`),
    });
    this.#processes.set(node, process);
    await writeFile(join(this.#dir, `${node}.pid`), `${process.pid}\n`);
    await this.#until(`redis ${node} to answer PING`, async () => (await this.#ask(node, 'PING')) === 'PONG');
  }

  async #startToxiproxy(): Promise<void> {
    const process = await startProcess({
      name: 'toxiproxy-server',
      command: await resolveTool('toxiproxy-server'),
      args: ['-host', '127.0.0.1', '-port', String(this.ports.toxiproxy)],
      logFile: join(this.#dir, 'toxiproxy-server.log'),
      readyUrl: `${this.toxiproxy.url}/version`,
      readyTimeoutMs: 15_000,
    });
    this.#processes.set('toxiproxy', process);
  }

  async #waitForReplication(): Promise<void> {
    for (const node of REPLICAS) {
      await this.#until(`${node} to sync from the primary`, async () =>
        String(await this.#ask(node, 'INFO', 'replication')).includes('master_link_status:up'),
      );
    }
  }

  async #ask(node: NodeName, ...args: string[]): Promise<unknown> {
    const client = this.client(node);
    try {
      return await client.command(...args);
    } catch {
      return undefined;
    } finally {
      client.close();
    }
  }

  async #until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 20; !(await probe()); delay = Math.min(delay * 2, 250)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(delay);
    }
  }
}
