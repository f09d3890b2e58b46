// The supervisor of the demo target: starts the datastore (Redis nodes behind Toxiproxy:
// datastore.ts), the deps process, the API instances and the gateway as child processes, keeps
// the desired state of the world, and applies fault injections and reverts: to the datastore's
// network and processes first, then to the children. It never restarts a child on its own: an
// API instance killed from outside stays dead until someone asks for it (startApiInstances).

import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../../../verifier/package-root.ts';
import { Child, DemoStartError, describeExit, type Role, WorldApplyError } from './child-handle.ts';
import { Datastore, type DatastorePorts, NODES } from './datastore.ts';
import { request } from './lib/http.ts';
import type { World } from './lib/protocol.ts';

export { DemoStartError, WorldApplyError };

export interface DemoPorts extends DatastorePorts {
  gateway: number;
  api: readonly number[];
  deps: number;
  admin: number;
}

export const DEFAULT_PORTS: DemoPorts = {
  gateway: 18080,
  api: [18081, 18082],
  deps: 18090,
  admin: 18099,
  toxiproxy: 18474,
  redis: [18379, 18380, 18381, 18382],
  proxies: [18479, 18480, 18481, 18482],
};

export const demoDir = join(packageRoot, 'examples', 'demo');
export const defaultStateDir = join(demoDir, '.state');
export const defaultCapacityConfig = join(demoDir, 'config', 'capacity.json');

export interface SupervisorOptions {
  ports: DemoPorts;
  stateDir: string;
  /** Copied to <stateDir>/capacity.json at start and by reset(). */
  capacityConfig?: string;
  /** Lifecycle lines; stderr by default so stdout carries only the readiness line. */
  log?: (line: string) => void;
  /** How long a child may take to start listening. */
  startTimeoutMs?: number;
}

export interface ProcessState {
  name: string;
  role: Role;
  port: number;
  pid: number | null;
  up: boolean;
}

export interface DemoState {
  world: World;
  /** The address the write queue should point at. */
  queueBrokerAddress: string;
  /** Toxiproxy's API, and the pids of the Redis nodes and of toxiproxy-server. */
  datastore: { toxiproxy: string; pids: Record<string, number> };
  stateDir: string;
  capacityFile: string;
  processes: ProcessState[];
}

export class DemoSupervisor {
  readonly ports: DemoPorts;
  readonly stateDir: string;
  readonly capacityConfig: string;
  readonly capacityFile: string;
  readonly #log: (line: string) => void;
  readonly #startTimeoutMs: number;
  readonly #children = new Map<string, Child>();
  #datastore: Datastore | undefined;
  #world: World;
  #stopping = false;
  #serial: Promise<unknown> = Promise.resolve();

  private constructor(options: SupervisorOptions) {
    this.ports = options.ports;
    this.stateDir = options.stateDir;
    this.capacityConfig = options.capacityConfig ?? defaultCapacityConfig;
    this.capacityFile = join(options.stateDir, 'capacity.json');
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.#world = this.defaultWorld();
  }

  /** Starts every process; on failure stops whatever did start and throws DemoStartError. */
  static async start(options: SupervisorOptions): Promise<DemoSupervisor> {
    const supervisor = new DemoSupervisor(options);
    try {
      await supervisor.#prepareStateDir();
      supervisor.#datastore = await Datastore.start(options.ports, join(options.stateDir, 'redis'), supervisor.#log);
      const deps = supervisor.#spawn('deps', 'deps', options.ports.deps, [
        '--port',
        String(options.ports.deps),
        '--api-ports',
        options.ports.api.join(','),
        '--redis-ports',
        options.ports.proxies.join(','),
      ]);
      await deps.ready();
      const gateway = supervisor.#spawn('gateway', 'gateway', options.ports.gateway, [
        '--port',
        String(options.ports.gateway),
        '--api-ports',
        options.ports.api.join(','),
      ]);
      await Promise.all([supervisor.#startMissingApis(), gateway.ready()]);
      return supervisor;
    } catch (error) {
      await supervisor.stop();
      throw error instanceof DemoStartError ? error : new DemoStartError((error as Error).message, { cause: error });
    }
  }

  get world(): World {
    return { ...this.#world };
  }

  defaultWorld(): World {
    return { replicasReachable: true, replicationRunning: true, queueHost: `127.0.0.1:${this.ports.deps}`, cacheBroken: false };
  }

  state(): DemoState {
    return {
      world: this.world,
      queueBrokerAddress: `127.0.0.1:${this.ports.deps}`,
      datastore: { toxiproxy: `http://127.0.0.1:${this.ports.toxiproxy}`, pids: this.#datastore?.pids() ?? {} },
      stateDir: this.stateDir,
      capacityFile: this.capacityFile,
      processes: [...this.#children.values()].map((c) => ({ name: c.name, role: c.role, port: c.port, pid: c.pid ?? null, up: c.alive })),
    };
  }

  /** Starts every API instance that is not running and returns once each answers /healthz. */
  startApiInstances(): Promise<{ started: string[]; running: string[] }> {
    return this.#exclusive(async () => ({ started: await this.#startMissingApis(), running: this.#runningApis() }));
  }

  /** Applies a change of the simulated world to every running process that simulates part of it. */
  setWorld(change: Partial<World>): Promise<{ world: World; applied: Record<string, Record<string, unknown>> }> {
    return this.#exclusive(async () => {
      this.#world = { ...this.#world, ...change };
      await this.#applyDatastore();
      return { world: this.world, applied: await this.#applyWorld() };
    });
  }

  /** Undoes every fault: default world, the good capacity config, all API instances running. */
  reset(): Promise<{ world: World; started: string[] }> {
    return this.#exclusive(async () => {
      this.#world = this.defaultWorld();
      await this.#datastore?.reset();
      await this.#applyWorld();
      await copyFile(this.capacityConfig, this.capacityFile);
      const started = await this.#startMissingApis();
      return { world: this.world, started };
    });
  }

  /** Stops every child (SIGTERM, then SIGKILL after 5 s) and removes the pidfiles. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#children.values()].map((c) => c.stop()));
    await this.#datastore?.stop();
    const pidfile = join(this.stateDir, 'supervisor.pid');
    if ((await readFile(pidfile, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(pidfile, { force: true });
  }

  #apiName(index: number): string {
    return `api-${index + 1}`;
  }

  #runningApis(): string[] {
    return this.ports.api.map((_, i) => this.#apiName(i)).filter((name) => this.#children.get(name)?.alive);
  }

  async #startMissingApis(): Promise<string[]> {
    const starting: Array<Promise<string>> = [];
    this.ports.api.forEach((port, i) => {
      const name = this.#apiName(i);
      if (this.#children.get(name)?.alive) return;
      const child = this.#spawn(name, 'api', port, [
        '--name',
        name,
        '--port',
        String(port),
        '--deps-port',
        String(this.ports.deps),
        '--cache-port',
        String(this.ports.proxies[NODES.indexOf('cache')]),
        '--capacity-file',
        this.capacityFile,
      ]);
      starting.push(
        (async () => {
          await child.ready();
          const answer = await request({ port, method: 'GET', path: '/healthz', timeoutMs: 2000 });
          if (answer.status !== 200) throw new DemoStartError(`${name} started but /healthz answered ${answer.status}`);
          await writeFile(join(this.stateDir, `${name}.pid`), `${child.pid}\n`);
          return name;
        })(),
      );
    });
    const results = await Promise.allSettled(starting);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    if (failures.length > 0) throw new DemoStartError(`could not start API instances: ${failures.join('; ')}`);
    return results.map((r) => (r as PromiseFulfilledResult<string>).value);
  }

  #spawn(name: string, role: Role, port: number, args: string[]): Child {
    const child = new Child(name, role, port, args, this.#world, this.#startTimeoutMs);
    this.#children.set(name, child);
    void child.exited.then(async (exit) => {
      if (role === 'api') await this.#removePidfile(name, child.pid);
      if (this.#stopping) return;
      if (role === 'api') {
        this.#log(`${name} (pid ${child.pid}) exited (${describeExit(exit)}); it stays down until POST /admin/api-instances/start`);
      } else {
        this.#log(`${name} (pid ${child.pid}) exited unexpectedly (${describeExit(exit)}); the demo target is broken, restart it`);
      }
    });
    return child;
  }

  /** The datastore's part of the world, made real: proxies enabled or not, replication. */
  async #applyDatastore(): Promise<void> {
    const datastore = this.#datastore;
    if (!datastore) return;
    await datastore.setProxiesEnabled(['replica-1', 'replica-2'], this.#world.replicasReachable);
    await datastore.setProxiesEnabled(['cache'], !this.#world.cacheBroken);
    await datastore.setReplication(this.#world.replicationRunning);
  }

  async #applyWorld(): Promise<Record<string, Record<string, unknown>>> {
    const targets = [...this.#children.values()].filter((c) => c.alive && c.role !== 'gateway');
    const results = await Promise.allSettled(targets.map((c) => c.apply(this.#world)));
    const applied: Record<string, Record<string, unknown>> = {};
    const failures: string[] = [];
    results.forEach((r, i) => {
      const name = (targets[i] as Child).name;
      if (r.status === 'fulfilled') applied[name] = r.value;
      else failures.push((r.reason as Error).message);
    });
    if (failures.length > 0) throw new WorldApplyError(`the change did not reach every process: ${failures.join('; ')}`);
    return applied;
  }

  async #prepareStateDir(): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    const pidfile = join(this.stateDir, 'supervisor.pid');
    const other = Number.parseInt(await readFile(pidfile, 'utf8').catch(() => ''), 10);
    if (other && other !== process.pid && isAlive(other)) {
      throw new DemoStartError(
        `another demo supervisor (pid ${other}) uses the state dir ${this.stateDir}; stop it first or pass --state-dir`,
      );
    }
    for (let i = 0; i < this.ports.api.length; i++) await rm(join(this.stateDir, `${this.#apiName(i)}.pid`), { force: true });
    await writeFile(pidfile, `${process.pid}\n`);
    await copyFile(this.capacityConfig, this.capacityFile);
  }

  async #removePidfile(name: string, pid: number | undefined): Promise<void> {
    const file = join(this.stateDir, `${name}.pid`);
    const content = await readFile(file, 'utf8').catch(() => '');
    if (content.trim() === String(pid)) await rm(file, { force: true });
  }

  #exclusive<T>(action: () => Promise<T>): Promise<T> {
    const run = this.#serial.then(action, action);
    this.#serial = run.catch(() => undefined);
    return run;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
