// `gameday revert` on the journal of a gameday that died mid-fault: the fault is reverted, the k6
// it left running is stopped (and only that process), and a second revert finds nothing to do.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parsePlan } from '../plan/load.ts';
import { type EventInput, readJournal } from '../journal/journal.ts';
import { revertFromJournal } from './recover.ts';
import { type FakeTarget, startFakeTarget } from './testing/fakes.ts';

const runId = '20260101T000000Z-recover';
let dir: string;
let target: FakeTarget;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-recover-'));
  target = await startFakeTarget();
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

/** A long-lived process standing in for k6; its command line carries `tag`. */
async function longLived(tag: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', tag], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));

async function deadJournal(events: EventInput[]): Promise<string> {
  const runDir = join(dir, 'runs', runId);
  await mkdir(runDir, { recursive: true });
  const at = new Date().toISOString();
  await writeFile(join(runDir, 'journal.jsonl'), events.map((event) => `${JSON.stringify({ at, ...event })}\n`).join(''));
  return runDir;
}

function plan() {
  return parsePlan(
    `
version: 1
name: recover
window: { duration: 1m }
target: { baseUrl: http://127.0.0.1:9 }
monitoring: { prometheus: { url: http://127.0.0.1:9 }, alertmanager: { url: http://127.0.0.1:9 } }
faults:
  - name: first
    at: 0s
    duration: 10s
    inject: { http: { url: ${target.url}/faults/first, body: { on: true } } }
    revert: { http: { url: ${target.url}/faults/first, body: { on: false } } }
    expect: [{ alert: A, within: 10s }]
  - name: second
    at: 5s
    duration: 10s
    inject: { http: { url: ${target.url}/faults/second, body: { on: true } } }
    revert: { http: { url: ${target.url}/faults/second, body: { on: false } } }
    expect: [{ alert: A, within: 10s }]
`,
    join(dir, 'plan.yaml'),
  );
}

describe('revertFromJournal after gameday died', () => {
  test('reverts the faults in place newest first, stops its k6 and only its k6, and is a no-op the second time', async () => {
    const k6 = await longLived(`testid=${runId}`);
    const stranger = await longLived('testid=some-other-run');
    const runDir = await deadJournal([
      { kind: 'run.started', runId, plan: plan(), gamedayVersion: 'test', pid: 1 },
      { kind: 'load.started', role: 'trace', name: 'trace', pid: k6.pid ?? -1, requestedRate: 1, durationSeconds: 60, vus: 1 },
      // A burst whose pid now belongs to another program: left alone.
      { kind: 'load.started', role: 'burst', name: 'spike', pid: stranger.pid ?? -1, requestedRate: 9, durationSeconds: 60, vus: 1 },
      { kind: 'window.started' },
      { kind: 'fault.injecting', fault: 'first' },
      { kind: 'fault.injected', fault: 'first', startedAt: new Date().toISOString() },
      { kind: 'fault.injecting', fault: 'second' },
    ]);
    target.state.set('first', true);
    target.state.set('second', true);

    const outcome = await revertFromJournal(runDir, { loadGraceMs: 5000 });
    expect(outcome).toEqual({ reverted: ['second', 'first'], stoppedLoads: ['trace'], toxiproxy: [], alreadyClean: false });
    expect([target.state.get('first'), target.state.get('second')]).toEqual([false, false]);
    await exited(k6);
    expect(k6.signalCode).toBe('SIGINT');
    expect(stranger.exitCode === null && stranger.signalCode === null, 'the other run’s process still runs').toBe(true);

    const events = await readJournal(join(runDir, 'journal.jsonl'));
    const added = events.slice(7);
    expect(
      added.map((event) => [
        event.kind,
        'fault' in event ? event.fault : event.kind === 'load.ended' ? `${event.name} ${event.signal}` : '',
      ]),
    ).toEqual([
      ['fault.reverted', 'second'],
      ['fault.reverted', 'first'],
      ['load.ended', 'trace SIGINT'],
      ['load.ended', 'spike null'],
    ]);

    const requests = target.requests.length;
    const again = await revertFromJournal(runDir);
    expect(again).toEqual({ reverted: [], stoppedLoads: [], toxiproxy: [], alreadyClean: true });
    expect(target.requests.length, 'the second revert sent nothing').toBe(requests);
    expect((await readFile(join(runDir, 'journal.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(11);
  });

  test('a run that ended is only checked for faults: its load was stopped by the run', async () => {
    const runDir = await deadJournal([
      { kind: 'run.started', runId, plan: plan(), gamedayVersion: 'test', pid: 1 },
      { kind: 'load.started', role: 'trace', name: 'trace', pid: 999_999_999, requestedRate: 1, durationSeconds: 60, vus: 1 },
      { kind: 'run.ended', status: 'completed' },
    ]);
    expect(await revertFromJournal(runDir)).toEqual({ reverted: [], stoppedLoads: [], toxiproxy: [], alreadyClean: true });
  });
});
