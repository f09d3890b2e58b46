// `gameday` as a child process (the real CLI through tsx), for tests of what only a process can
// show: signals, `kill -9`, a terminal that goes away. However a test ends, it leaves no gameday
// behind. Also: the journal as written so far, and whether a pid is still a live process.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { JournalEvent } from '../../journal/events.ts';
import { repoRoot } from '../../toolchain/index.ts';

export interface GamedayChild {
  process: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Starts `gameday <args>`. With `group`, in a process group of its own, so a test can send a
 * signal to the group as a terminal's Ctrl-C does (`process.kill(-pid, 'SIGINT')`).
 */
export function gamedayChild(args: readonly string[], options: { group?: boolean } = {}): GamedayChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'verifier', 'cli.ts'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { process: child, stderr: () => stderr, stdout: () => stdout, exited };
}

/** `gameday run <plan>` into `<runsDir>/run`, without live progress or metrics. */
export function gamedayRun(planFile: string, runsDir: string, options: { group?: boolean } = {}): GamedayChild {
  return gamedayChild(['run', planFile, '--runs-dir', runsDir, '--run-id', 'run', '--no-progress', '--no-metrics'], options);
}

/** The journal as written so far; a last line cut short (a full disk, a kill) is left out. */
export async function journalSoFar(runDir: string): Promise<JournalEvent[]> {
  return journalFileSoFar(join(runDir, 'journal.jsonl'));
}

/** The same, of a journal file. */
export async function journalFileSoFar(file: string): Promise<JournalEvent[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEvent];
      } catch {
        return [];
      }
    });
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed child that nobody reaped yet is a zombie: gone for our purposes.
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false;
  }
}
