// The supervisor of the demo target: starts the deps process, the API instances and the gateway
// as child processes, keeps the desired state of the simulated world, and applies fault
// injections and reverts to the children. It never restarts a child on its own: an API instance
// killed from outside stays dead until someone asks for it (startApiInstances).

import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeArgsFor, packageRoot, sibling } from '../../../verifier/package-root.ts';
import { request } from './lib/http.ts';
import { type FromChild, isFromChild, type ToChild, type World, WORLD_ENV } from './lib/protocol.ts';

export interface DemoPorts {
  gateway: number;
  api: readonly number[];
  deps: number;
  admin: number;
}

export const DEFAULT_PORTS: DemoPorts = { gateway: 18080, api: [18081, 18082], deps: 18090, admin: 18099 };

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

export class DemoStartError extends Error {
  override name = 'DemoStartError';
}

export class WorldApplyError extends Error {
  override name = 'WorldApplyError';
}

type Role = 'deps' | 'api' | 'gateway';

const entries: Record<Role, string> = {
  deps: sibling(import.meta.url, 'deps'),
  api: sibling(import.meta.url, 'api'),
  gateway: sibling(import.meta.url, 'gateway'),
};

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running child process and its IPC conversation. */
class Child {
  readonly name: string;
  readonly role: Role;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly exited: Promise<Exit>;
  #alive = true;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(detail: Record<string, unknown>): void; reject(error: Error): void }>();
  readonly #ready: Promise<void>;

  constructor(name: string, role: Role, port: number, args: string[], world: World, startTimeoutMs: number) {
    this.name = name;
    this.role = role;
    this.port = port;
    this.proc = spawn(process.execPath, [...nodeArgsFor(entries[role]), ...args], {
      stdio: ['ignore', 2, 'inherit', 'ipc'],
      env: { ...process.env, [WORLD_ENV]: JSON.stringify(world) },
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.#alive = false;
        for (const waiter of this.#pending.values()) waiter.reject(new WorldApplyError(`${name} exited before answering`));
        this.#pending.clear();
        resolve({ code, signal });
      });
    });
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DemoStartError(`${name} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      this.proc.on('message', (message) => {
        if (!isFromChild(message)) return;
        this.#onMessage(message, resolve, reject);
        if (message.kind === 'ready' || message.kind === 'failed') clearTimeout(timer);
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new DemoStartError(`${name} exited during start (${describeExit(exit)})`));
      });
      this.proc.once('error', (error) => {
        clearTimeout(timer);
        reject(new DemoStartError(`${name} could not be started: ${error.message}`, { cause: error }));
      });
    });
    this.#ready.catch(() => undefined);
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  apply(world: World, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    if (!this.#alive) return Promise.reject(new WorldApplyError(`${this.name} is not running`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new WorldApplyError(`${this.name} did not apply the change within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (detail) => {
          clearTimeout(timer);
          resolve(detail);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: ToChild = { kind: 'apply', id, world };
      this.proc.send(message);
    });
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.#alive) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  #onMessage(message: FromChild, resolve: () => void, reject: (error: Error) => void): void {
    if (message.kind === 'ready') resolve();
    else if (message.kind === 'failed') reject(new DemoStartError(message.error));
    else {
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.detail ?? {});
      else waiter?.reject(new WorldApplyError(message.error));
    }
  }
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
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
      const deps = supervisor.#spawn('deps', 'deps', options.ports.deps, [
        '--port',
        String(options.ports.deps),
        '--api-ports',
        options.ports.api.join(','),
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
      return { world: this.world, applied: await this.#applyWorld() };
    });
  }

  /** Undoes every fault: default world, the good capacity config, all API instances running. */
  reset(): Promise<{ world: World; started: string[] }> {
    return this.#exclusive(async () => {
      this.#world = this.defaultWorld();
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
