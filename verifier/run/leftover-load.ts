// After gameday died without stopping its load (`kill -9`, a crash), k6 keeps running: it has its
// own process group so that Ctrl-C reaches gameday first. `gameday revert` stops what the journal
// shows started and not ended, but only a process that is still that run's k6: its command line
// carries the run's `testid` tag, so a pid the system has since given to another program is left alone.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { JournalEvent, LoadEnded, LoadStarted } from '../journal/events.ts';

export interface Processes {
  /** The process's command line, or undefined when there is no such process. */
  commandLine(pid: number): Promise<string | undefined>;
  /** Sends a signal; false when the process is gone. */
  signal(pid: number, signal: NodeJS.Signals): boolean;
}

/** Loads the journal shows started and not ended, in start order. */
export function loadsNotEnded(events: JournalEvent[]): LoadStarted[] {
  const running: LoadStarted[] = [];
  for (const event of events) {
    if (event.kind === 'load.started') running.push(event);
    else if (event.kind === 'load.ended') {
      const index = running.findIndex((load) => load.role === event.role && load.name === event.name);
      if (index >= 0) running.splice(index, 1);
    }
  }
  return running;
}

export interface StopLeftoverOptions {
  runId: string;
  processes?: Processes;
  /** Between SIGINT (k6 ends its test and flushes) and SIGKILL. Default 10 s. */
  graceMs?: number;
  now?: () => Date;
}

/**
 * Stops each load the journal shows running whose process is still this run's k6. Returns the
 * `load.ended` events to journal, one per load dealt with (stopped, or found already gone).
 */
export async function stopLeftoverLoad(events: JournalEvent[], options: StopLeftoverOptions): Promise<LoadEnded[]> {
  const processes = options.processes ?? systemProcesses;
  const now = options.now ?? (() => new Date());
  const graceMs = options.graceMs ?? 10_000;
  const ended: LoadEnded[] = [];
  for (const load of loadsNotEnded(events)) {
    const ours = async () => (await processes.commandLine(load.pid))?.includes(`testid=${options.runId}`) === true;
    const base = { kind: 'load.ended' as const, role: load.role, name: load.name, exitCode: null };
    if (load.pid < 0) {
      const error = 'ran in the cluster as a k6-operator TestRun, no local process; its deletion is journaled as load.deleted';
      ended.push({ ...base, at: now().toISOString(), signal: null, error });
      continue;
    }
    if (!(await ours())) {
      ended.push({ ...base, at: now().toISOString(), signal: null, error: 'not running when `gameday revert` looked (gameday had died)' });
      continue;
    }
    processes.signal(load.pid, 'SIGINT');
    const deadline = Date.now() + graceMs;
    while ((await ours()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    let signal: NodeJS.Signals = 'SIGINT';
    if (await ours()) {
      processes.signal(load.pid, 'SIGKILL');
      signal = 'SIGKILL';
    }
    ended.push({
      ...base,
      at: now().toISOString(),
      signal,
      error: `left running by a gameday that died; stopped by \`gameday revert\` with ${signal}`,
    });
  }
  return ended;
}

const run = promisify(execFile);

export const systemProcesses: Processes = {
  async commandLine(pid) {
    try {
      // Linux: NUL-separated arguments. Elsewhere, ps.
      const text = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      return text.split('\0').join(' ').trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return undefined;
    }
    try {
      const { stdout } = await run('ps', ['-ww', '-o', 'args=', '-p', String(pid)]);
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  },
  signal(pid, signal) {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  },
};
