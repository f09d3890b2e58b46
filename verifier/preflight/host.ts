// Findings about the machine gameday itself runs on, checked before anything is injected: the run
// folder can be written, its disk has room for what the window will write, and the ports gameday
// listens on (the webhook receiver, its own metrics) are free — and if not, which process has them.

import { createServer } from 'node:net';
import { readdir, readFile, readlink, rm, statfs, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeSystemError, errorMessage } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';

/** What the window writes per second, measured on the demo: polls and events in the journal, k6's per-sample JSON. */
const JOURNAL_BYTES_PER_POLL = 4 * 1024;
const TRACE_BYTES_PER_ITERATION = 8 * 1024;

/** Bytes a run of this plan will write in its run folder, with a margin. */
export function expectedRunBytes(plan: Plan): number {
  const seconds = plan.window.baselineTimeoutSeconds + plan.window.durationSeconds + plan.window.graceSeconds + 60;
  const perSecond = JOURNAL_BYTES_PER_POLL / plan.monitoring.pollIntervalSeconds + TRACE_BYTES_PER_ITERATION * plan.trace.rate;
  return Math.ceil(seconds * perSecond * 1.5);
}

/** The run folder exists (or can be made) and takes a file. */
export async function runFolderFinding(runsDir: string): Promise<CheckFinding> {
  const base = { check: 'host', subject: `run folder ${runsDir}` } as const;
  const probe = join(runsDir, `.gameday-write-test-${process.pid}`);
  try {
    await mkdir(runsDir, { recursive: true });
    await writeFile(probe, 'gameday checks that it can write here\n');
    await rm(probe, { force: true });
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      detail: `cannot write there: ${describeSystemError(error) ?? errorMessage(error)}`,
      hint: 'give gameday a folder it can write (--runs-dir DIR), or fix the permissions',
    };
  }
  return { ...base, status: 'ok', detail: 'writable' };
}

/** Enough free space on the run folder's disk for the journal and the trace's output. */
export async function diskSpaceFinding(runsDir: string, neededBytes: number): Promise<CheckFinding> {
  const base = { check: 'host', subject: `disk of ${runsDir}` } as const;
  let free: number;
  try {
    const stats = await statfs(resolve(runsDir));
    free = stats.bavail * stats.bsize;
  } catch (error) {
    return { ...base, status: 'warn', detail: `free space unknown: ${describeSystemError(error) ?? errorMessage(error)}` };
  }
  const figures = `${megabytes(free)} free, the window writes about ${megabytes(neededBytes)} (journal and trace samples)`;
  if (free < neededBytes) {
    return {
      ...base,
      status: 'fail',
      detail: `too little space: ${figures}`,
      hint: 'free some space, or put the run folder on a larger disk (--runs-dir DIR); a full disk mid-run stops the game day',
    };
  }
  return { ...base, status: free < neededBytes * 2 ? 'warn' : 'ok', detail: figures };
}

/** A host:port gameday will listen on is free; if not, the process that has it. */
export async function portFinding(listen: string, what: string): Promise<CheckFinding> {
  const base = { check: 'host', subject: `${listen} (${what})` } as const;
  const [host = '127.0.0.1', portText = ''] = splitListen(listen);
  const port = Number(portText);
  const problem = await tryListen(host, port);
  if (problem === undefined) return { ...base, status: 'ok', detail: 'free' };
  const holder = problem.code === 'EADDRINUSE' ? await portHolder(port) : undefined;
  return {
    ...base,
    status: 'fail',
    detail: `cannot listen there: ${describeSystemError(problem) ?? problem.message}${holder ? `; taken by ${holder}` : ''}`,
    hint: `stop what holds it, or give ${what} another address`,
  };
}

function splitListen(listen: string): [string, string] {
  const index = listen.lastIndexOf(':');
  return [listen.slice(0, index).replace(/^\[|\]$/g, ''), listen.slice(index + 1)];
}

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** `node (pid 1234)`: who listens on a TCP port, from /proc (Linux); undefined when it cannot be told. */
export async function portHolder(port: number): Promise<string | undefined> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; inode is the 10th field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        return `${name || 'a process'} (pid ${pid})`;
      }
    }
  }
  return 'another process';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export interface HostOptions {
  runsDir: string;
  /** Where gameday will serve its own metrics, if it will. */
  metricsListen?: string;
}

/** Every host finding for a run of `plan`: run folder, disk space, the ports gameday listens on. */
export async function hostFindings(plan: Plan, options: HostOptions): Promise<CheckFinding[]> {
  const folder = await runFolderFinding(options.runsDir);
  const findings = [folder];
  if (folder.status === 'ok') findings.push(await diskSpaceFinding(options.runsDir, expectedRunBytes(plan)));
  if (plan.monitoring.webhookListen) findings.push(await portFinding(plan.monitoring.webhookListen, 'monitoring.webhookListen'));
  if (options.metricsListen) findings.push(await portFinding(options.metricsListen, "gameday's metrics, --metrics-listen"));
  return findings;
}
