// k6-operator bursts in a whole game day (runGameDay), with a fake `kubectl` executable that records
// its calls and plays a TestRun's stages from a file (testing/fake-kubectl.ts; there is no cluster
// here), and a fake Prometheus answering the queries of what the runners pushed (the query over
// real remote-written series is tested in ../load/k6-prometheus.int.test.ts). The abort is what
// Ctrl-C does in `gameday run` (commands/run.ts aborts this signal on SIGINT and SIGTERM).

import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { analyzeBursts } from '../analyze/bursts.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import { runGameDay } from './game-day.ts';
import { kubectlProblems } from './k6-operator-bursts.ts';
import { deleteLeftoverTestRuns, testRunsLeft } from './leftover-testruns.ts';
import { revertFromJournal } from './recover.ts';
import { type FakeKubectl, fakeKubectl, runnerPods } from './testing/fake-kubectl.ts';
import { type FakeMonitoring, fakeLoadRunner, startFakeMonitoring } from './testing/fakes.ts';

let dir: string;
let monitoring: FakeMonitoring;
let kubectl: FakeKubectl | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-operator-'));
  monitoring = await startFakeMonitoring(['FaultAlert']);
});

afterEach(async () => {
  await monitoring.close();
  await rm(dir, { recursive: true, force: true });
  if (kubectl) await rm(kubectl.dir, { recursive: true, force: true });
  kubectl = undefined;
});

const testRun = 'gameday-r1-peak';
const file = () => join(dir, 'runs', 'r1', 'k6-operator-peak.yaml');

function plan(kubectlPath: string, window = '2s', extra = '') {
  return parsePlan(
    `
version: 1
name: operator
window: { duration: ${window}, baselineTimeout: 5s, grace: 0s }
target: { baseUrl: http://target.shop.svc:8080 }
allowedTargets: [target.shop.svc]
monitoring:
  prometheus: { url: ${monitoring.url} }
  alertmanager: { url: ${monitoring.url} }
  pollInterval: 100ms
faults:
  - name: noop
    at: 0s
    duration: 100ms
    inject: { exec: { command: ['true'] } }
    revert: { exec: { command: ['true'] } }
    expect: [{ alert: FaultAlert, within: 30s }]
bursts:
  - name: peak
    at: 0s
    rate: 500
    duration: 1s
    engine: k6-operator
    kubernetes: { namespace: load-tests, parallelism: 2, context: test-cluster, kubectl: ${kubectlPath} }
${extra}`,
    join(dir, 'plan.yaml'),
  );
}

/** What the two runners pushed, as the fake Prometheus answers the burst's queries (window: 1 s + 60 s margin + 5 s). */
function pushed(iterations: number, dropped: number, failedRatio: number): void {
  const selector = 'testid="r1",burst="peak"';
  const sum = (metric: string) => `sum without(instance_id) (max_over_time(${metric}{${selector}}[66s]))`;
  monitoring.answers.set(sum('k6_iterations_total'), { vector: [iterations] });
  monitoring.answers.set(sum('k6_dropped_iterations_total'), { vector: [dropped] });
  monitoring.answers.set(sum('k6_http_reqs_total'), { vector: [iterations] });
  monitoring.answers.set(`avg(last_over_time(k6_http_req_failed_rate{${selector}}[66s]))`, { vector: [failedRatio] });
}

async function run(fake: FakeKubectl, options: { signal?: AbortSignal; window?: string; extra?: string } = {}) {
  const logs: string[] = [];
  const planned = plan(fake.path, options.window, options.extra);
  const result = await runGameDay(planned, {
    runsDir: join(dir, 'runs'),
    runId: 'r1',
    prometheus: new PrometheusClient({ baseUrl: monitoring.url }),
    alertmanager: new AlertmanagerClient({ baseUrl: monitoring.url }),
    loadRunner: fakeLoadRunner(),
    readyTimeoutSeconds: 5,
    recordDeadlineSeconds: 2,
    operatorBursts: { pollMs: 20 },
    log: (line) => logs.push(line),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const events = await readJournal(result.journalFile);
  return { result, events, logs, burst: analyzeBursts(planned.bursts, started(events), ended(events))[0] };
}

const ofKind = <K extends JournalEvent['kind']>(events: JournalEvent[], kind: K) =>
  events.filter((event): event is Extract<JournalEvent, { kind: K }> => event.kind === kind);
const started = (events: JournalEvent[]) => ofKind(events, 'load.started');
const ended = (events: JournalEvent[]) => ofKind(events, 'load.ended');
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const withoutContext = (calls: string[]) => calls.map((call) => call.replace(/^--context test-cluster /, ''));

describe('a k6-operator burst in gameday run', { timeout: 30_000 }, () => {
  test('applies, starts at stage started, ends at finished, reads the rate from Prometheus, deletes', async () => {
    kubectl = await fakeKubectl(['', 'initialization', 'created', 'started', 'started', 'finished'], runnerPods(testRun, 0, 0));
    pushed(996, 4, 0.002);
    const { result, events, burst } = await run(kubectl);

    expect(result.status).toBe('completed');
    const calls = await kubectl.calls();
    expect(calls.every((call) => call.startsWith('--context test-cluster '))).toBe(true);
    expect(withoutContext(calls)).toEqual([
      `apply -f ${file()}`,
      ...Array.from({ length: 6 }, () => `get testrun ${testRun} -n load-tests -o jsonpath={.status.stage}`),
      `get pods -n load-tests -l k6_cr=${testRun},runner=true -o json`,
      `delete -f ${file()} --ignore-not-found`,
    ]);
    expect(await kubectl.applied()).toBe(false);
    // What was applied is the file gameday journaled, and it holds both objects.
    expect(await readFile(file(), 'utf8')).toMatch(/kind: ConfigMap[\s\S]*kind: TestRun/);
    const kinds = events.map((event) => event.kind).filter((kind) => kind.startsWith('load.') && kind !== 'load.started');
    expect(kinds.filter((kind) => kind !== 'load.ended')).toEqual(['load.applied', 'load.deleted']);
    const applied = ofKind(events, 'load.applied')[0];
    expect(applied).toMatchObject({ name: 'peak', namespace: 'load-tests', testRun, manifestsFile: file() });
    expect(applied?.kubectl).toEqual([kubectl.path, '--context', 'test-cluster']);
    // load.started comes after the stage was started, with no local process.
    const burstStart = started(events).find((event) => event.role === 'burst');
    expect(burstStart).toMatchObject({ name: 'peak', pid: -1, requestedRate: 500, durationSeconds: 1 });
    expect(events.indexOf(burstStart as JournalEvent)).toBeGreaterThan(events.indexOf(applied as JournalEvent));
    expect(burst).toMatchObject({
      name: 'peak',
      status: 'completed',
      achievedRate: 996,
      iterations: 996,
      droppedIterations: 4,
      httpReqFailedRate: 0.002,
      p95Ms: null,
      exitCode: 0,
      error: null,
    });
    expect(ended(events).find((event) => event.name === 'peak')?.result?.source).toBe('prometheus');
  });

  test('finished with a failed runner Job is a failed burst, and is deleted', async () => {
    kubectl = await fakeKubectl(['created', 'started', 'finished'], runnerPods(testRun, 0, 107));
    pushed(510, 0, 0);
    const { events, burst } = await run(kubectl);

    expect(burst?.status).toBe('failed');
    expect(burst?.exitCode).toBe(107);
    expect(burst?.error).toContain(`TestRun load-tests/${testRun} finished but runners failed: ${testRun}-2-x7k2p: exit 107`);
    expect(burst?.achievedRate).toBe(510);
    expect(withoutContext(await kubectl.calls()).at(-1)).toBe(`delete -f ${file()} --ignore-not-found`);
    expect(await kubectl.applied()).toBe(false);
    expect(ofKind(events, 'load.deleted')).toEqual([expect.objectContaining({ name: 'peak' })]);
  });

  const burstStarted = () =>
    vi.waitFor(
      async () => {
        const journal = await readFile(join(dir, 'runs', 'r1', 'journal.jsonl'), 'utf8').catch(() => '');
        if (!journal.includes('"kind":"load.started","role":"burst"')) throw new Error('the burst has not started yet');
      },
      { timeout: 10_000, interval: 20 },
    );
  const stopCondition = 'sum(rate(http_errors_total[1s])) > 10';

  test.each([
    ['Ctrl-C', 'aborted: SIGINT received'],
    ['a stop condition', 'aborted: stop condition errors'],
  ])('%s mid-burst deletes the running TestRun before the run ends', async (what, reason) => {
    // Started, and it never finishes on its own.
    kubectl = await fakeKubectl(['created', 'started'], runnerPods(testRun, null, null));
    const controller = new AbortController();
    monitoring.answers.set(stopCondition, { vector: [] });
    const running = run(kubectl, {
      signal: controller.signal,
      window: '30s',
      extra: `stopConditions:\n  - { name: errors, expr: "${stopCondition}", for: 0s }`,
    });
    await burstStarted();
    if (what === 'Ctrl-C') controller.abort(new Error('SIGINT received'));
    else monitoring.answers.set(stopCondition, { vector: [42] });
    const { result, events, burst } = await running;

    expect(result.status).toBe('aborted');
    expect(errorText(result.error)).toContain(reason);
    expect(await kubectl.applied()).toBe(false);
    expect(withoutContext(await kubectl.calls()).at(-1)).toBe(`delete -f ${file()} --ignore-not-found`);
    expect(burst?.status).toBe('failed');
    expect(burst?.error).toContain('was stopped while running');
    const deleted = ofKind(events, 'load.deleted')[0];
    expect(deleted?.error).toBeUndefined();
    expect(events.indexOf(deleted as JournalEvent)).toBeLessThan(events.findIndex((event) => event.kind === 'run.ended'));
  });

  test('a refused apply: the error says why, what was applied is deleted, the run goes on', async () => {
    kubectl = await fakeKubectl(['started'], runnerPods(testRun, 0));
    await kubectl.fail('apply', 'error: namespaces "load-tests" not found\n');
    const { result, events, burst } = await run(kubectl);

    expect(result.status).toBe('completed');
    expect(withoutContext(await kubectl.calls())).toEqual([`apply -f ${file()}`, `delete -f ${file()} --ignore-not-found`]);
    expect(await kubectl.applied()).toBe(false);
    expect(burst?.status).toBe('not-started');
    expect(burst?.error).toBe(`kubectl apply -f ${file()} failed (exit 1): error: namespaces "load-tests" not found`);
    expect(ofKind(events, 'load.deleted')).toEqual([expect.objectContaining({ name: 'peak' })]);
  });

  test('a kubectl that is not there is refused before anything starts, naming the burst and the fix', async () => {
    const missing = join(dir, 'no-such-kubectl');
    expect(await kubectlProblems(plan(missing))).toEqual([
      `bursts[0] (peak): ${missing} --context test-cluster version --client failed: ${missing} was not found; ` +
        'install kubectl or set bursts[].kubernetes.kubectl to its path',
    ]);
    kubectl = await fakeKubectl(['started'], runnerPods(testRun, 0));
    expect(await kubectlProblems(plan(kubectl.path))).toEqual([]);
  });

  test('gameday revert after kill -9 deletes what the journal shows applied and not deleted', async () => {
    kubectl = await fakeKubectl(['created', 'started'], runnerPods(testRun, null));
    const controller = new AbortController();
    const running = run(kubectl, { signal: controller.signal, window: '30s' });
    await burstStarted();
    // What kill -9 would leave: the journal up to the burst's start, and the TestRun in the cluster.
    const dead = join(dir, 'runs', 'dead');
    await mkdir(dead);
    await copyFile(join(dir, 'runs', 'r1', 'journal.jsonl'), join(dead, 'journal.jsonl'));
    controller.abort(new Error('test over'));
    await running;
    await copyFile(file(), join(kubectl.dir, 'applied.yaml'));
    const before = (await kubectl.calls()).length;

    const logs: string[] = [];
    const outcome = await revertFromJournal(dead, { log: (line) => logs.push(line), loadGraceMs: 100 });
    expect(await kubectl.applied()).toBe(false);
    expect((await kubectl.calls()).slice(before)).toEqual([`--context test-cluster delete -f ${file()} --ignore-not-found`]);
    expect(outcome.stoppedLoads).toContain('burst peak (its TestRun deleted)');
    expect(logs).toContain(`deleted TestRun load-tests/${testRun} of burst peak and its ConfigMap`);
    const journal = await readJournal(join(dead, 'journal.jsonl'));
    expect(ofKind(journal, 'load.deleted')).toEqual([
      expect.objectContaining({
        name: 'peak',
        detail: `${kubectl.path} --context test-cluster delete -f ${file()} --ignore-not-found (by gameday revert)`,
      }),
    ]);
    expect(testRunsLeft(journal)).toEqual([]);
    // A second revert finds nothing left.
    expect((await revertFromJournal(dead)).alreadyClean).toBe(true);
  });

  test('a deletion gameday revert cannot do is said, with the command to run by hand', async () => {
    kubectl = await fakeKubectl(['started'], runnerPods(testRun, 0));
    await kubectl.fail('delete', 'Unable to connect to the server\n');
    const applied = {
      at: '2026-01-01T00:00:00.000Z',
      kind: 'load.applied' as const,
      name: 'peak',
      namespace: 'load-tests',
      testRun,
      manifestsFile: '/runs/r1/k6-operator-peak.yaml',
      kubectl: [kubectl.path],
    };
    const outcome = await deleteLeftoverTestRuns(testRunsLeft([applied]));
    expect(outcome.failed).toEqual([
      `TestRun load-tests/${testRun} of burst peak (Unable to connect to the server; ` +
        `delete it by hand: ${kubectl.path} delete -f /runs/r1/k6-operator-peak.yaml --ignore-not-found)`,
    ]);
    // Still left: the next revert tries again.
    expect(testRunsLeft([applied, { at: '', ...outcome.events[0] } as JournalEvent])).toEqual([applied]);
  });
});
