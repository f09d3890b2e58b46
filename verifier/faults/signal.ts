// The signal injector: one signal to one process, named by a pid file or a pid — never by a name
// pattern, which could hit the wrong process. After a signal that ends a process (SIGKILL, SIGTERM,
// SIGINT, SIGHUP, SIGQUIT) it waits until the process is gone, so the fault is in place when the
// injector returns. A pid file that is missing or holds no number, or a pid with no process, is an
// InjectorError naming both.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describeSystemError, errorMessage, InjectorError } from '../errors.ts';
import type { SignalInjector } from '../plan/types.ts';
import type { InjectorKind } from './injector.ts';

const ENDING: ReadonlySet<string> = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT']);

export const signalInjector: InjectorKind<SignalInjector> = {
  describe: (injector) => `${injector.signal} ${injector.pidFile ? `the pid in ${injector.pidFile}` : `pid ${injector.pid}`}`,

  async run(injector) {
    const { pid, from } = await targetPid(injector);
    try {
      process.kill(pid, injector.signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') throw new InjectorError(`${injector.signal}: no process with pid ${pid}${from}`, { cause: error });
      throw new InjectorError(`${injector.signal} to pid ${pid}${from} failed: ${describeSystemError(error) ?? errorMessage(error)}`, {
        cause: error,
      });
    }
    if (!ENDING.has(injector.signal)) return `${injector.signal} sent to pid ${pid}${from}`;
    const deadline = Date.now() + injector.timeoutSeconds * 1000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) {
        throw new InjectorError(`${injector.signal} sent to pid ${pid}${from}, but it is still running after ${injector.timeoutSeconds}s`);
      }
      await new Promise((wait) => setTimeout(wait, 50));
    }
    return `${injector.signal} sent to pid ${pid}${from}; it is gone`;
  },

  async check(injector, { field }) {
    try {
      const { pid, from } = await targetPid(injector);
      if (!isAlive(pid)) {
        return {
          status: 'warn',
          detail: `no process with pid ${pid}${from} now`,
          hint: `start it before the game day, or fix ${field}.signal`,
        };
      }
      return { status: 'ok', detail: `${injector.signal} to pid ${pid}${from} (running now)` };
    } catch (error) {
      return { status: 'fail', detail: errorMessage(error), hint: `fix ${field}.signal in the plan, or start what writes the pid file` };
    }
  },
};

async function targetPid(injector: SignalInjector): Promise<{ pid: number; from: string }> {
  if (injector.pid !== undefined) return { pid: injector.pid, from: '' };
  const file = injector.pidFile ?? '';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InjectorError(`cannot read the pid file ${file}: ${describeSystemError(error) ?? errorMessage(error)}`, { cause: error });
  }
  const pid = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || pid < 2) {
    throw new InjectorError(`the pid file ${file} does not hold a pid: ${JSON.stringify(text.trim().slice(0, 40))}`);
  }
  return { pid, from: ` (from ${file})` };
}

/** Alive and not a zombie waiting for its parent to reap it. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state is the letter after the last ')'.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc: kill(pid, 0) said it is there
  }
}
