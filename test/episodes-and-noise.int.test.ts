// A real game day (k6, Prometheus, Alertmanager, demo target on loopback, ports offset 12000) with
// the situations a verdict must not be fooled by: the same alert firing twice in one window (two
// faults, two episodes), an alert already firing before its fault (pre-existing: never a
// detection), an alert no fault expected (noise, grouped, with the fault in place), and a rule
// that fails to evaluate (inconclusive, not missed). Also recovery after each revert.

import { appendFile, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { ReportExpectation } from '../verifier/report/index.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 12000;
const ports = demoPorts(offset);
const runId = 'episodes-and-noise-it';

// A rule that always fails to evaluate: `up + on() up` over two series has duplicate match groups.
const brokenRule = `
  - name: broken
    rules:
      - alert: ReplicasDownBroken
        expr: demo_db_replicas_healthy{job="demo-deps"} == 0 and on() (up{job="demo-api"} + on() up{job="demo-api"})
        labels:
          severity: ticket
`;

const admin = `http://127.0.0.1:${ports.admin}/admin`;
const plan = `${shiftedPlanHead({ name: 'episodes-and-noise', window: '{ duration: 120s, baselineTimeout: 60s, grace: 15s }', ports })}faults:
  - name: cache-broken-1
    at: 0s
    duration: 12s
    inject: { http: { url: ${admin}/cache, body: { broken: true } } }
    revert: { http: { url: ${admin}/cache, body: { broken: false } } }
    expect:
      - { alert: CacheErrors, within: 10s }
  - name: cache-broken-2
    at: 35s
    duration: 12s
    inject: { http: { url: ${admin}/cache, body: { broken: true } } }
    revert: { http: { url: ${admin}/cache, body: { broken: false } } }
    expect:
      - { alert: CacheErrors, within: 10s }
  - name: replicas-cut
    at: 60s
    duration: 25s
    inject: { http: { url: ${admin}/replicas, body: { reachable: false } } }
    revert: { http: { url: ${admin}/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
      - { alert: ReplicasDownBroken, within: 10s }
  - name: replicas-again
    description: Nothing new breaks; ReplicasDown is already firing for replicas-cut.
    at: 70s
    duration: 10s
    inject: { exec: { command: ["true"] } }
    revert: none
    expect:
      - { alert: ReplicasDown, within: 5s }
  - name: queue-host-unreachable
    at: 95s
    duration: 20s
    inject: { http: { url: ${admin}/queue, body: { host: "queue.invalid:5672" } } }
    revert: { http: { url: ${admin}/queue, body: { host: "127.0.0.1:${ports.deps}" } } }
    expect:
      - { alert: QueueUnreachable, within: 10s }
`;

describe('episodes, pre-existing alerts, noise and a failing rule in a real game day', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-episodes-'));
    stack = await startDemoStack({ dir, offset });
    // The shifted stack reads its rules from dir/config: add the broken rule and reload.
    await appendFile(join(dir, 'config', 'rules.yml'), brokenRule);
    const reload = await fetch(`${stack.monitoring.prometheus.url}/-/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = (await (await fetch(`${stack.monitoring.prometheus.url}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> };
      };
      const broken = body.data.groups.flatMap((group) => group.rules).find((rule) => rule.name === 'ReplicasDownBroken');
      if (broken?.health === 'err') break;
      if (Date.now() > deadline) throw new Error(`ReplicasDownBroken never failed to evaluate: ${JSON.stringify(broken)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await writeFile(join(dir, 'plan.yaml'), plan);
    try {
      outcome = await runPlanFile(join(dir, 'plan.yaml'), { runsDir: join(dir, 'runs'), runId, log: (line) => console.log(line) });
    } finally {
      await mkdir(join(repoRoot, 'test-artifacts', 'journals'), { recursive: true });
      await copyFile(
        join(dir, 'runs', runId, 'journal.jsonl'),
        join(repoRoot, 'test-artifacts', 'journals', 'episodes-and-noise.journal.jsonl'),
      );
    }
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectation = (fault: string, alert: string): ReportExpectation => {
    const found = outcome.report.faults.find((f) => f.name === fault)?.expectations.find((e) => e.alert === alert);
    if (!found) throw new Error(`no expectation ${fault}/${alert}`);
    return found;
  };

  it('an alert that fires twice is two episodes, each the detection of its own fault', () => {
    const first = expectation('cache-broken-1', 'CacheErrors');
    const second = expectation('cache-broken-2', 'CacheErrors');
    expect(first.verdict).toBe('detected');
    expect(second.verdict).toBe('detected');
    const injected = (fault: string) => Date.parse(outcome.report.faults.find((f) => f.name === fault)?.injectedAt ?? '');
    expect(Date.parse(first.firingAt ?? '')).toBeLessThan(injected('cache-broken-2'));
    expect(Date.parse(second.firingAt ?? '')).toBeGreaterThan(injected('cache-broken-2'));
    // The first episode resolved before the second fault; neither is the other's pre-existing alert.
    expect(first.recovery).toBe('resolved');
    expect(Date.parse(first.resolvedAt ?? '')).toBeLessThan(injected('cache-broken-2'));
    expect(second.preExisting).toEqual([]);
    expect(outcome.report.unexpectedAlerts.map((alert) => alert.alertname)).not.toContain('CacheErrors');
  });

  it('an alert already firing before its fault is pre-existing: inconclusive, never a detection', () => {
    const again = expectation('replicas-again', 'ReplicasDown');
    expect(again.verdict).toBe('inconclusive');
    expect(again.preExisting).toHaveLength(1);
    expect(again.inconclusive.map((reason) => reason.cause)).toEqual(['pre-existing']);
    expect(again.firingAt).toBeNull();
    // The fault that did fire it is detected, and its alert resolved after its revert.
    const cut = expectation('replicas-cut', 'ReplicasDown');
    expect(cut.verdict).toBe('detected');
    expect(again.preExisting[0]?.startedAt).toBe(cut.pendingAt);
    expect(cut.recovery).toBe('resolved');
    expect(cut.resolvedAfterRevertSeconds).toBeGreaterThan(0);
    expect(cut.resolvedAfterRevertSeconds).toBeLessThan(10);
  });

  it('an alert no fault expected is noise, grouped, with the fault in place', () => {
    const absent = outcome.report.unexpectedAlerts.find((alert) => alert.alertname === 'TraceSuccessAbsent');
    expect(absent).toMatchObject({ episodes: 1, fired: true, stillActiveAtEnd: false });
    expect(absent?.duringFaults).toContain('queue-host-unreachable');
    expect(expectation('queue-host-unreachable', 'QueueUnreachable').verdict).toBe('detected');
  });

  it('a rule that fails to evaluate makes its expectation inconclusive, with the error, not missed', () => {
    const broken = expectation('replicas-cut', 'ReplicasDownBroken');
    expect(broken.verdict).toBe('inconclusive');
    expect(broken.inconclusive.map((reason) => reason.cause)).toEqual(['rule-unhealthy']);
    expect(broken.inconclusive[0]?.detail).toMatch(/ReplicasDownBroken .* was err: .*(duplicate|many-to-many|match)/);
    expect(outcome.report.blindIntervals).toContainEqual(expect.objectContaining({ cause: 'rule-unhealthy', alert: 'ReplicasDownBroken' }));
  });

  it('exits 5: nothing failed, but some verdicts could not be judged', () => {
    expect(outcome.report.summary.verdicts).toMatchObject({ detected: 4, inconclusive: 2, late: 0, missed: 0 });
    expect(outcome.exitCode).toBe(5);
  });
});
