// No fault left behind, with real processes: `gameday run` as a child process (node --import tsx verifier/cli.ts)
// against the demo target, the real Prometheus, Alertmanager and k6, on ports shifted by 4000.
// Each scenario injects one fault, interrupts the game day mid-fault and checks the demo target's
// own state (GET /admin/state), the k6 processes the journal names, the reports and the exit code.
// Every run also carries credentials from the environment, which must appear in none of its outputs.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import type { ReportJson } from '../verifier/report/index.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';
import { readJournal } from '../verifier/journal/journal.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';

const offset = 4000;
const cli = join(repoRoot, 'verifier', 'cli.ts');

/** Credentials the plans read from the environment; Prometheus and Alertmanager ignore them. */
const secrets = {
  GAMEDAY_IT_PROM_TOKEN: 'it-token-7d41c9e0b35a',
  GAMEDAY_IT_TENANT: 'it-tenant-52e8f1',
  GAMEDAY_IT_AM_USER: 'it-user-0b9d',
  GAMEDAY_IT_AM_PASSWORD: 'it-password-c6a2e7f4',
};

let dir: string;
let stack: DemoStack;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-safety-it-'));
  stack = await startDemoStack({ dir, offset });
}, 600_000);

afterAll(async () => {
  // Whatever a failed assertion left behind: gameday processes, then any k6 a journal names.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

interface Fault {
  name: string;
  /** Admin path and the JSON bodies that inject and revert it. */
  path: string;
  inject: string;
  revert: string;
  alert: string;
}

const faults = {
  cache: { name: 'cache-broken', path: '/admin/cache', inject: '{ broken: true }', revert: '{ broken: false }', alert: 'CacheErrors' },
  replicas: {
    name: 'replicas-cut',
    path: '/admin/replicas',
    inject: '{ reachable: false }',
    revert: '{ reachable: true }',
    alert: 'ReplicasDown',
  },
  replication: {
    name: 'replication-never-started',
    path: '/admin/replication',
    inject: '{ running: false }',
    revert: '{ running: true }',
    alert: 'TraceSuccessAbsent',
  },
  queue: {
    name: 'queue-host-unreachable',
    path: '/admin/queue',
    inject: '{ host: "queue.invalid:5672" }',
    revert: `{ host: "127.0.0.1:${demoPorts(offset).deps}" }`,
    alert: 'QueueUnreachable',
  },
} satisfies Record<string, Fault>;

/** `revertUrl`: send the revert there instead of to the target's admin API (a `RevertGate`). */
function planText(name: string, fault: Fault, extra = '', revertUrl?: string): string {
  const { ports } = stack;
  const admin = `http://127.0.0.1:${ports.admin}${fault.path}`;
  return `# yaml-language-server: $schema=${join(repoRoot, 'verifier/plan/plan.schema.json')}
version: 1
name: ${name}
window: { duration: 2m, baselineTimeout: 60s, grace: 5s }
target: { baseUrl: http://127.0.0.1:${ports.gateway} }
monitoring:
  prometheus:
    url: http://127.0.0.1:${ports.prometheus}
    headersFromEnv: { X-Scope-OrgID: GAMEDAY_IT_TENANT }
    auth: { bearerTokenEnv: GAMEDAY_IT_PROM_TOKEN }
  alertmanager:
    url: http://127.0.0.1:${ports.alertmanager}
    auth: { basicAuth: { usernameEnv: GAMEDAY_IT_AM_USER, passwordEnv: GAMEDAY_IT_AM_PASSWORD } }
  pollInterval: 1s
trace: { rate: 1 }
faults:
  - name: ${fault.name}
    at: 0s
    duration: 90s
    inject: { http: { url: ${admin}, body: ${fault.inject} } }
    revert: { http: { url: ${revertUrl ?? admin}, body: ${fault.revert}${revertUrl ? ', timeout: 120s' : ''} } }
    expect: [{ alert: ${fault.alert}, within: 30s }]
${extra}`;
}

interface Gameday {
  child: ChildProcess;
  runDir: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `node --import tsx verifier/cli.ts <args>` (as `npm run gameday` runs it: signals reach gameday
 * itself) with the credentials in its environment (or `env` instead).
 */
function gameday(args: string[], env: Record<string, string> = secrets): Omit<Gameday, 'runDir'> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': only then has every line it wrote been read.
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

async function startRun(name: string, plan: string, env?: Record<string, string>): Promise<Gameday> {
  const planFile = join(dir, `${name}.yaml`);
  await writeFile(planFile, plan);
  const runsDir = join(dir, 'runs');
  await mkdir(runsDir, { recursive: true });
  return { ...gameday(['run', planFile, '--runs-dir', runsDir, '--run-id', name], env), runDir: join(runsDir, name) };
}

async function world(): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.target.adminUrl}/admin/state`);
  return ((await response.json()) as { world: Record<string, unknown> }).world;
}

async function events(runDir: string): Promise<JournalEvent[]> {
  return existsSync(join(runDir, 'journal.jsonl')) ? readJournal(join(runDir, 'journal.jsonl')) : [];
}

const ofKind = <K extends JournalEvent['kind']>(list: JournalEvent[], kind: K) =>
  list.filter((event): event is Extract<JournalEvent, { kind: K }> => event.kind === kind);

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number, maxDelayMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = Math.min(50, maxDelayMs); !(await condition()); delay = Math.min(delay * 2, maxDelayMs)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

interface RevertGate {
  url: string;
  /** Revert requests that have reached the gate. */
  arrived: () => number;
  /** Lets every held revert through, now and later. */
  release: () => void;
  close: () => Promise<void>;
}

/**
 * A revert endpoint the test holds shut: each request waits there until `release()`, then goes on
 * to the target's admin API, and the target's answer goes back. While the gate is shut, a run that
 * reverts is surely still reverting.
 */
async function startRevertGate(forwardTo: string): Promise<RevertGate> {
  let arrived = 0;
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrived++;
      void released
        .then(() =>
          fetch(forwardTo, {
            method: request.method ?? 'POST',
            headers: { 'content-type': 'application/json' },
            body: Buffer.concat(chunks),
          }),
        )
        .then(async (answer) => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
        .catch((error: unknown) => response.writeHead(502).end(`revert gate: ${String(error)}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/revert`,
    arrived: () => arrived,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
async function running(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/.test(stat);
}

/** Waits until the fault is injected (journal) and in effect (the target's own state). */
async function midFault(run: Gameday, inEffect: (state: Record<string, unknown>) => boolean): Promise<void> {
  await waitFor(
    'the fault to be injected',
    async () => {
      if (run.child.exitCode !== null) throw new Error(`gameday exited early (${run.child.exitCode}):\n${run.output()}`);
      return ofKind(await events(run.runDir), 'fault.injected').length > 0;
    },
    120_000,
  );
  expect(inEffect(await world()), 'the fault is in effect on the target').toBe(true);
}

/** The k6 processes the journal names have all exited. */
async function expectNoK6Left(list: JournalEvent[]): Promise<void> {
  const pids = ofKind(list, 'load.started').map((event) => event.pid);
  expect(pids.length, 'the journal names the trace’s k6').toBeGreaterThan(0);
  for (const pid of pids) expect(await running(pid), `k6 pid ${pid} still running`).toBe(false);
}

/** None of the credentials' values appears in the run's journal, reports or console output. */
async function expectNoSecrets(runDir: string, output: string): Promise<void> {
  const texts: Record<string, string> = { console: output };
  for (const file of ['journal.jsonl', 'report.json', 'report.md']) texts[file] = await readFile(join(runDir, file), 'utf8');
  const basic = Buffer.from(`${secrets.GAMEDAY_IT_AM_USER}:${secrets.GAMEDAY_IT_AM_PASSWORD}`).toString('base64');
  for (const [where, text] of Object.entries(texts)) {
    for (const [name, value] of Object.entries({ ...secrets, 'basic-auth credentials': basic })) {
      expect(text.includes(value), `${name} appears in ${where}`).toBe(false);
    }
  }
  expect(texts['journal.jsonl']).toContain('"bearerTokenEnv":"GAMEDAY_IT_PROM_TOKEN"');
}

/** The run was aborted cleanly: exit 3, fault reverted on abort, k6 gone, reports written and marked aborted. */
async function expectAbortedCleanly(run: Gameday, exit: { code: number | null }, fault: Fault, reason: RegExp): Promise<ReportJson> {
  expect(exit.code, run.output()).toBe(3);
  const list = await events(run.runDir);
  expect(ofKind(list, 'fault.reverted').map((event) => [event.fault, event.reason])).toEqual([[fault.name, 'aborted']]);
  expect(ofKind(list, 'run.ended')[0]).toMatchObject({ status: 'aborted' });
  expect(ofKind(list, 'run.ended')[0]?.reason).toMatch(reason);
  await expectNoK6Left(list);
  const report = JSON.parse(await readFile(join(run.runDir, 'report.json'), 'utf8')) as ReportJson;
  expect(report.run.status).toBe('aborted');
  expect(report.run.reason).toMatch(reason);
  expect(await readFile(join(run.runDir, 'report.md'), 'utf8')).toMatch(/aborted/);
  await expectNoSecrets(run.runDir, run.output());
  return report;
}

const seconds = (from: number) => `${((Date.now() - from) / 1000).toFixed(1)}s`;

describe('signals with real processes', () => {
  test('SIGINT mid-fault reverts the fault, stops k6, writes the report marked aborted, exits 3', async () => {
    const begun = Date.now();
    const run = await startRun('sigint', planText('sigint', faults.cache));
    await midFault(run, (state) => state.cacheBroken === true);
    const signalled = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exit;
    console.log(`SIGINT: ${seconds(signalled)} from the signal to exit 3; ${seconds(begun)} in all`);

    expect((await world()).cacheBroken, 'the cache fault is reverted on the target').toBe(false);
    await expectAbortedCleanly(run, exit, faults.cache, /^aborted: SIGINT received$/);
    expect(run.output()).toMatch(/SIGINT: aborting the game day; reverting every fault in place/);
  });

  test('SIGTERM mid-fault does the same; a second SIGTERM only says it is still reverting', async () => {
    const begun = Date.now();
    // The revert goes through a gate the test holds shut, so the second signal surely lands while
    // gameday is reverting (an abort can otherwise be over in well under a second).
    const gate = await startRevertGate(`${stack.target.adminUrl}${faults.replicas.path}`);
    try {
      const run = await startRun('sigterm', planText('sigterm', faults.replicas, '', gate.url));
      await midFault(run, (state) => state.replicasReachable === false);
      const signalled = Date.now();
      run.child.kill('SIGTERM');
      await waitFor('the abort to start reverting the fault', async () => gate.arrived() > 0, 60_000);
      run.child.kill('SIGTERM');
      await waitFor('gameday to answer the second SIGTERM', async () => run.output().includes('SIGTERM again'), 10_000);
      expect(run.output()).toMatch(/SIGTERM again: still reverting faults, please wait/);
      expect(run.child.exitCode, 'gameday waits for the revert').toBeNull();
      expect((await world()).replicasReachable, 'the revert is still held at the gate').toBe(false);
      gate.release();
      const exit = await run.exit;
      console.log(`SIGTERM: ${seconds(signalled)} from the signal to exit 3; ${seconds(begun)} in all`);

      expect(gate.arrived(), 'one revert, not one per signal').toBe(1);
      expect((await world()).replicasReachable, 'the replicas fault is reverted on the target').toBe(true);
      await expectAbortedCleanly(run, exit, faults.replicas, /^aborted: SIGTERM received$/);
    } finally {
      gate.release();
      await gate.close();
    }
  });

  test('kill -9 mid-fault leaves the fault in place; gameday revert reverts it and no k6 is left; a second revert does nothing', async () => {
    const begun = Date.now();
    const run = await startRun('kill9', planText('kill9', faults.replication));
    await midFault(run, (state) => state.replicationRunning === false);
    // The gameday process itself (the journal names it), not the tsx wrapper around it.
    const [runStarted] = ofKind(await events(run.runDir), 'run.started');
    expect(runStarted?.pid).toBeGreaterThan(0);
    process.kill(runStarted?.pid ?? -1, 'SIGKILL');
    await run.exit;
    await waitFor('the gameday process to be gone', async () => !(await running(runStarted?.pid ?? -1)), 10_000);

    expect((await world()).replicationRunning, 'a dead gameday reverted nothing').toBe(false);
    const journal = await events(run.runDir);
    expect(ofKind(journal, 'fault.reverted')).toEqual([]);
    expect(ofKind(journal, 'run.ended')).toEqual([]);
    // The trace's k6 writes its samples to gameday's pipe: it ends on its next write once gameday is
    // gone (SIGPIPE), so no load is left running without gameday. If it is still there, revert stops it.

    const reverting = Date.now();
    const revert = gameday(['revert', run.runDir]);
    const revertExit = await revert.exit;
    console.log(`kill -9: gameday revert took ${seconds(reverting)}; ${seconds(begun)} in all`);
    expect(revertExit.code, revert.output()).toBe(0);
    expect(revert.output()).toMatch(/reverted: replication-never-started(; stopped k6: trace)?/);
    expect((await world()).replicationRunning, 'gameday revert reverted the fault on the target').toBe(true);
    await expectNoK6Left(await events(run.runDir));

    const linesAfterFirst = (await readFile(join(run.runDir, 'journal.jsonl'), 'utf8')).split('\n').length;
    const again = gameday(['revert', run.runDir]);
    expect((await again.exit).code, again.output()).toBe(0);
    expect(again.output()).toMatch(/nothing to revert/);
    expect((await world()).replicationRunning).toBe(true);
    expect((await readFile(join(run.runDir, 'journal.jsonl'), 'utf8')).split('\n').length, 'the second revert journaled nothing').toBe(
      linesAfterFirst,
    );
  });
});

describe('stop conditions with the real Prometheus', () => {
  test('a condition that turns true for its `for` aborts the game day and reverts the fault, exit 3', async () => {
    const begun = Date.now();
    const condition = `stopConditions:\n  - { name: queue-disconnected, expr: 'demo_queue_connected{job="demo-deps"} == 0', for: 2s }\n`;
    const run = await startRun('stop-condition', planText('stop-condition', faults.queue, condition));
    const exit = await run.exit;
    console.log(`stop condition: ${seconds(begun)} from start to exit 3`);

    const state = await world();
    expect(state.queueHost, 'the queue fault is reverted on the target').toBe(`127.0.0.1:${demoPorts(offset).deps}`);
    const report = await expectAbortedCleanly(run, exit, faults.queue, /stop condition queue-disconnected \(.*\) was true for/);
    expect(report.run.reason).toMatch(/\{.*job="demo-deps".*\} 0/);
    const list = await events(run.runDir);
    const [triggered] = ofKind(list, 'stop-condition.triggered');
    const [injected] = ofKind(list, 'fault.injected');
    expect(triggered).toMatchObject({ name: 'queue-disconnected', forSeconds: 2 });
    expect(Date.parse(triggered?.at ?? ''), 'not before it was true for 2 s').toBeGreaterThanOrEqual(Date.parse(injected?.at ?? '') + 2000);
    expect(Date.parse(triggered?.at ?? '') - Date.parse(triggered?.trueSince ?? '')).toBeGreaterThanOrEqual(2000);
    expect(run.output()).toMatch(/STOP: stop condition queue-disconnected/);
  });

  test('a credential variable missing from the environment: exit 2, named, nothing started', async () => {
    const { GAMEDAY_IT_PROM_TOKEN: _, ...withoutToken } = secrets;
    const run = await startRun('missing-env', planText('missing-env', faults.cache), withoutToken);
    const exit = await run.exit;
    expect(exit.code, run.output()).toBe(2);
    expect(run.output()).toMatch(/monitoring\.prometheus\.auth\.bearerTokenEnv: GAMEDAY_IT_PROM_TOKEN is not set/);
    expect(existsSync(run.runDir), 'no run was started').toBe(false);
    expect((await world()).cacheBroken).toBe(false);
  });
});
