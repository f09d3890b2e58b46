// Long-running helper processes (Prometheus, Alertmanager, the demo target) started as plain
// children on loopback: output to a log file, readiness by polling an HTTP URL against a
// deadline (never a fixed sleep), and a stop that escalates from SIGTERM to SIGKILL.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { ProcessStartError } from '../errors.ts';
import { describeHttpError, httpRequest } from '../http.ts';

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** In a process group of its own, so a Ctrl-C at the terminal reaches only gameday, which stops it in turn. */
  detached?: boolean;
  /** Polled until it answers 2xx; the start fails if the process exits or the deadline passes first. */
  readyUrl?: string;
  readyTimeoutMs?: number;
}

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await new Promise<void>((resolve, reject) => log.once('open', () => resolve()).once('error', reject));
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', log, log],
    detached: options.detached === true,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? (signal ? -1 : null));
    });
    child.once('error', () => resolve(null));
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawnError || child.pid === undefined) {
    throw new ProcessStartError(`${options.name}: could not start ${options.command}: ${spawnError?.message ?? 'no pid'}`);
  }
  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    stop: (graceMs = 5000) => stopChild(child, exited, graceMs),
  };
  if (options.readyUrl) {
    try {
      await waitForHttp(options.readyUrl, { timeoutMs: options.readyTimeoutMs ?? 30_000, exited });
    } catch (error) {
      await managed.stop(1000);
      const tail = await logTail(options.logFile);
      throw new ProcessStartError(
        `${options.name} did not become ready: ${(error as Error).message}\n--- ${options.logFile} (last lines)\n${tail}`,
        {
          cause: error,
        },
      );
    }
  }
  return managed;
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function waitForHttp(
  url: string,
  options: { timeoutMs: number; exited?: Promise<unknown>; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let gone = false;
  options.exited?.then(() => (gone = true));
  let last = 'no answer yet';
  for (let delay = options.intervalMs ?? 100; ; delay = Math.min(delay * 1.5, 1000)) {
    if (gone) throw new Error(`the process exited while waiting for ${url}`);
    try {
      const answer = await httpRequest({ url, timeoutMs: 2000 });
      if (answer.ok) return;
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = describeHttpError(error);
    }
    if (Date.now() + delay > deadline) throw new Error(`${url} not ready after ${options.timeoutMs} ms (${last})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Fails with a clear message when something already listens on host:port (a leftover demo, say). */
export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (inUse) {
    throw new ProcessStartError(
      `${host}:${port} (${what}) is already in use. Is another demo or test still running? Stop it (e.g. \`ss -ltnp 'sport = :${port}'\` shows the process) and try again.`,
    );
  }
}

export async function logTail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
