// gameday survives the faults a game day aims at the machine it runs on. `gameday run` as a child
// process (the real CLI, the real k6 for the trace) against stand-ins for Prometheus, Alertmanager
// and the target (verifier/run/testing/fakes.ts), with its run folder on real, small filesystems:
// tmpfs mounts made by the test (it runs as root, as CI does here; it fails loudly otherwise).

import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gamedayRun, isRunning, journalSoFar as journal } from '../verifier/commands/testing/gameday-child.ts';
import { gamedayInProcess } from '../verifier/commands/testing/in-process.ts';
import { type FakeMonitoring, type FakeTarget, startFakeMonitoring, startFakeTarget } from '../verifier/run/testing/fakes.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';

/** Fills a filesystem to the last byte. */
async function fill(dir: string): Promise<string> {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // Smaller writes for the last partial block.
  try {
    for (;;) writeSync(fd, Buffer.alloc(512));
  } catch {
    // full
  }
  closeSync(fd);
  return file;
}

let base: string;
let monitoring: FakeMonitoring;
let target: FakeTarget;
const mounts: string[] = [];

async function mountTmpfs(name: string, options: string): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

beforeEach(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test mounts small tmpfs filesystems and must run as root (CI here does)');
  base = await mkdtemp(join(tmpdir(), 'gameday-survival-'));
  monitoring = await startFakeMonitoring(['FaultAlert']);
  target = await startFakeTarget();
});

afterEach(async () => {
  for (const dir of mounts.splice(0)) execFileSync('umount', ['-l', dir]);
  await monitoring.close();
  await target.close();
  await rm(base, { recursive: true, force: true });
});

function fault(name: string, at: string, duration: string): string {
  return `
  - name: ${name}
    at: ${at}
    duration: ${duration}
    inject: { http: { url: ${target.url}/faults/${name}, body: { on: true } } }
    revert: { http: { url: ${target.url}/faults/${name}, body: { on: false } } }
    expect: [{ alert: FaultAlert, within: 30s }]`;
}

async function writePlan(options: { window: string; grace?: string; faults: string[]; webhookListen?: string }): Promise<string> {
  const file = join(base, 'plan.yaml');
  await writeFile(
    file,
    `version: 1
name: survival
window: { duration: ${options.window}, baselineTimeout: 10s, grace: ${options.grace ?? '1s'} }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${monitoring.url} }
  alertmanager: { url: ${monitoring.url} }
  pollInterval: 200ms
${options.webhookListen ? `  webhookListen: ${options.webhookListen}\n` : ''}faults:${options.faults.join('')}
`,
  );
  return file;
}

const EXIT_BOUND_MS = 60_000;

/**
 * An unrelated alert whose activeAt changes all the time, so the poller journals an event at every
 * poll, as a busy game day does: the journal's last block fills soon after the disk does.
 */
function noisyAlerts(): () => void {
  const timer = setInterval(() => {
    monitoring.alerts.splice(0, monitoring.alerts.length, {
      labels: { alertname: 'Noise' },
      state: 'pending',
      activeAt: new Date().toISOString(),
    });
  }, 50);
  return () => clearInterval(timer);
}

describe('a full disk', () => {
  it('while two faults are in place: both reverted from memory, k6 stopped, exit 6, the process gone; the journal reads back later', async () => {
    const runs = await mountTmpfs('runs', 'size=16m');
    const plan = await writePlan({ window: '40s', faults: [fault('a', '0s', '30s'), fault('b', '1s', '30s')] });
    const quiet = noisyAlerts();
    const run = gamedayRun(plan, runs);
    const runDir = join(runs, 'run');
    await vi.waitFor(async () => expect((await journal(runDir)).filter((e) => e.kind === 'fault.injected')).toHaveLength(2), {
      timeout: 60_000,
      interval: 100,
    });
    expect(target.state.get('a')).toBe(true);
    expect(target.state.get('b')).toBe(true);
    const trace = (await journal(runDir)).find((e) => e.kind === 'load.started' && e.role === 'trace');
    const filler = await fill(runs);
    const filledAt = Date.now();

    const exit = await run.exited;
    quiet();
    expect(exit.at - filledAt, 'gameday ended soon after its disk filled').toBeLessThan(EXIT_BOUND_MS);
    expect(exit.code, run.stderr()).toBe(6);
    expect(target.state.get('a'), 'fault a reverted on the target').toBe(false);
    expect(target.state.get('b'), 'fault b reverted on the target').toBe(false);
    expect(trace?.kind === 'load.started' && isRunning(trace.pid)).toBe(false);
    const stderr = run.stderr();
    expect(stderr).toContain(
      `cannot write the journal ${join(runDir, 'journal.jsonl')}: no space left on the device (ENOSPC) on ${runs} (tmpfs)`,
    );
    expect(stderr).toMatch(/Reverted from memory: b, a; could not revert: none; k6 stopped/);
    expect(stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);

    // Space again: the report is rebuilt from what was written, and says the journal has no end.
    await rm(filler);
    const report = await gamedayInProcess(['report', runDir]);
    expect(report.stderr).toBe('');
    expect(await readFile(join(runDir, 'report.md'), 'utf8')).toContain('The journal has no end');
  }, 180_000);

  it('after the window: gameday still ends, with the faults already reverted on schedule', async () => {
    const runs = await mountTmpfs('runs', 'size=16m');
    const plan = await writePlan({ window: '4s', grace: '60s', faults: [fault('a', '0s', '2s')] });
    const quiet = noisyAlerts();
    const run = gamedayRun(plan, runs);
    const runDir = join(runs, 'run');
    await vi.waitFor(async () => expect((await journal(runDir)).some((e) => e.kind === 'fault.reverted')).toBe(true), {
      timeout: 60_000,
      interval: 100,
    });
    await vi.waitFor(() => expect(run.stderr()).toContain('window over'), { timeout: 30_000, interval: 100 });
    await fill(runs);
    const filledAt = Date.now();
    const exit = await run.exited;
    quiet();
    expect(exit.at - filledAt).toBeLessThan(EXIT_BOUND_MS);
    expect(exit.code, run.stderr()).toBe(6);
    expect(target.state.get('a')).toBe(false);
    expect(run.stderr()).toMatch(/Reverted from memory: nothing was in place/);
  }, 180_000);
});

describe('refused before anything is injected (exit 2)', () => {
  it('too little space for the window', async () => {
    const runs = await mountTmpfs('runs', 'size=1m');
    const plan = await writePlan({ window: '30s', faults: [fault('a', '0s', '5s')] });
    const run = gamedayRun(plan, runs);
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(2);
    expect(run.stderr()).toMatch(/disk of .*runs: too little space: [\d.]+ MB free, the window writes about [\d.]+ MB/);
    expect(target.requests).toHaveLength(0);
  }, 60_000);

  it('a run folder on a read-only filesystem', async () => {
    const runs = await mountTmpfs('runs', 'size=16m,ro');
    const plan = await writePlan({ window: '30s', faults: [fault('a', '0s', '5s')] });
    const run = gamedayRun(plan, runs);
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(2);
    expect(run.stderr()).toContain(`run folder ${runs}: cannot write there: the filesystem is read-only (EROFS)`);
    expect(target.requests).toHaveLength(0);
  }, 60_000);

  it('a webhook port another process holds, named', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const plan = await writePlan({ window: '30s', faults: [fault('a', '0s', '5s')], webhookListen: `127.0.0.1:${port}` });
      const run = gamedayRun(plan, join(base, 'runs'));
      const exit = await run.exited;
      expect(exit.code, run.stderr()).toBe(2);
      expect(run.stderr()).toContain(
        `127.0.0.1:${port} (monitoring.webhookListen): cannot listen there: the address is already in use (EADDRINUSE); taken by`,
      );
      expect(run.stderr()).toContain(`(pid ${process.pid})`);
      expect(target.requests).toHaveLength(0);
    } finally {
      holder.close();
    }
  }, 60_000);
});

it('the terminal goes away mid-run (its output pipe closes): the game day goes on, reverts on schedule and ends', async () => {
  const plan = await writePlan({ window: '6s', faults: [fault('a', '0s', '3s')] });
  const runs = join(base, 'runs');
  const run = gamedayRun(plan, runs);
  await vi.waitFor(() => expect(run.stderr()).toContain('injected a'), { timeout: 60_000, interval: 50 });
  // As when an SSH session drops: nobody reads gameday's output any more.
  run.process.stderr?.destroy();
  run.process.stdout?.destroy();
  const exit = await run.exited;
  expect([0, 1, 5]).toContain(exit.code);
  expect(target.state.get('a'), 'reverted on schedule').toBe(false);
  const events = await journal(join(runs, 'run'));
  expect(events.find((e) => e.kind === 'fault.reverted')).toMatchObject({ fault: 'a', reason: 'scheduled' });
  expect(events.at(-1)?.kind).toBe('run.ended');
}, 120_000);

it('gameday report on a read-only run folder says so in a sentence, exit 2', async () => {
  const runs = await mountTmpfs('runs', 'size=4m');
  const runDir = join(runs, 'demo-run-1');
  await mkdir(runDir);
  await writeFile(
    join(runDir, 'journal.jsonl'),
    await readFile(join(repoRoot, 'verifier', 'report', 'fixtures', 'demo-run-1.journal.jsonl')),
  );
  execFileSync('mount', ['-o', 'remount,ro', runs]);
  const report = await gamedayInProcess(['report', runDir]);
  expect(report.code).toBe(2);
  expect(report.stderr).toBe(`gameday: cannot open ${join(runDir, 'report.json')}: the filesystem is read-only (EROFS)\n`);
});

it('SIGTERM while Prometheus hangs on the record after the run: gameday exits at once, the faults reverted', async () => {
  const plan = await writePlan({ window: '3s', faults: [fault('a', '0s', '2s')] });
  const run = gamedayRun(plan, join(base, 'runs'));
  // From the end of the window on, Prometheus answers no query: the record after the run hangs.
  await vi.waitFor(() => expect(run.stderr()).toContain('window over'), { timeout: 60_000, interval: 50 });
  monitoring.hang.add('/api/v1/query_range');
  monitoring.hang.add('/api/v1/query');
  await vi.waitFor(
    async () => expect((await journal(join(base, 'runs', 'run'))).some((e) => e.kind === 'load.ended' && e.role === 'trace')).toBe(true),
    { timeout: 30_000, interval: 100 },
  );
  run.process.kill('SIGTERM');
  const signalledAt = Date.now();
  const exit = await run.exited;
  expect(exit.at - signalledAt, 'exits at once once the faults are out').toBeLessThan(10_000);
  expect(exit.code).toBe(3);
  expect(run.stderr()).toContain('SIGTERM: the faults are reverted and k6 stopped; exiting now, exit 3');
  expect(target.state.get('a')).toBe(false);
}, 120_000);

it('the trace killed mid-window: started again once, journaled, and noted on the fault it overlapped', async () => {
  const plan = await writePlan({ window: '16s', faults: [fault('a', '2s', '12s')] });
  const runs = join(base, 'runs');
  const run = gamedayRun(plan, runs);
  const runDir = join(runs, 'run');
  await vi.waitFor(async () => expect((await journal(runDir)).some((e) => e.kind === 'fault.injected')).toBe(true), {
    timeout: 60_000,
    interval: 100,
  });
  const first = (await journal(runDir)).find((e) => e.kind === 'load.started' && e.role === 'trace');
  if (first?.kind !== 'load.started') throw new Error('no trace in the journal');
  process.kill(first.pid, 'SIGKILL');
  const exit = await run.exited;
  expect([0, 1, 5], run.stderr()).toContain(exit.code);
  const events = await journal(runDir);
  const traces = events.filter((e) => e.kind === 'load.started' && e.role === 'trace');
  expect(traces).toHaveLength(2);
  expect(traces[1]).toMatchObject({ restart: 1 });
  expect(events.some((e) => e.kind === 'load.ended' && e.role === 'trace' && e.signal === 'SIGKILL')).toBe(true);
  expect(run.stderr()).toContain('trace: k6 ended mid-window; starting it again');
  const report = JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as { faults: Array<{ notes: string[] }> };
  expect(report.faults[0]?.notes.join('\n')).toMatch(/the trace's k6 ended mid-window at .*; gameday started it again at /);
}, 120_000);
