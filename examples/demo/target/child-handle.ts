// One child process of the demo supervisor (deps, an API instance, the gateway) and its IPC
// conversation: started with the world in its environment, ready when it says so, changes of the
// world applied and answered, stopped with SIGTERM then SIGKILL.

import { type ChildProcess, spawn } from 'node:child_process';
import { nodeArgsFor, sibling } from '../../../verifier/package-root.ts';
import { type FromChild, isFromChild, type ToChild, type World, WORLD_ENV } from './lib/protocol.ts';

export class DemoStartError extends Error {
  override name = 'DemoStartError';
}

export class WorldApplyError extends Error {
  override name = 'WorldApplyError';
}

export type Role = 'deps' | 'api' | 'gateway';

const entries: Record<Role, string> = {
  deps: sibling(import.meta.url, 'deps'),
  api: sibling(import.meta.url, 'api'),
  gateway: sibling(import.meta.url, 'gateway'),
};

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One running child process and its IPC conversation. */
export class Child {
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

export function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
