// A short real game day: the real k6, Prometheus, Alertmanager and demo target on loopback.
// Checks the verdicts, and that every reported pending and firing figure agrees with
// Prometheus's own record (ALERTS / ALERTS_FOR_STATE), read here independently of gameday's code.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { ReportJson } from '../verifier/report/index.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { demoTraceSection, shiftedPlanHead } from './shifted-demo-plan.ts';

const demo = join(repoRoot, 'examples', 'demo');
// Its own ports, so this test can run beside a demo or another integration test.
const offset = 2000;
const ports = demoPorts(offset);

// 80 s window: a fault only a burst exposes, a silent fault, and a fault whose expectations
// cannot be met (CacheErrors has `for: 2s`, so 1 s is impossible; ReplicasDown never fires for it).
// The demo's own trace (its write-then-read journey), in place of the head's default trace.
const plan = (
  stateDir: string,
  trace: string,
) => `${shiftedPlanHead({ name: 'short-gameday', window: '{ duration: 80s, baselineTimeout: 60s, grace: 10s }', ports }).replace('trace: { rate: 1 }\n', trace)}bursts:
  - { name: typo-burst, at: 5s, rate: 1000, duration: 15s }
toxiproxy:
  url: http://127.0.0.1:${ports.toxiproxy}
  proxies:
    - { name: redis-cache, listen: 127.0.0.1:${ports.proxies[3]}, upstream: 127.0.0.1:${ports.redis[3]} }
faults:
  - name: capacity-typo
    at: 0s
    duration: 25s
    exposedBy: typo-burst
    inject: { exec: { command: [cp, ${demo}/config/capacity-typo.json, ${stateDir}/capacity.json] } }
    revert: { exec: { command: [cp, ${demo}/config/capacity.json, ${stateDir}/capacity.json] } }
    expect:
      - { alert: HighErrorRate, within: 15s }
  - name: replication-never-started
    at: 30s
    duration: 25s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replication, body: { running: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replication, body: { running: true } } }
    expect:
      - { alert: TraceSuccessAbsent, within: 20s }
  - name: cache-broken
    at: 60s
    duration: 15s
    inject: { toxiproxy: { proxy: redis-cache, enabled: false } }
    expect:
      - { alert: CacheErrors, within: 1s }
      - { alert: ReplicasDown, within: 10s }
`;

describe('a short game day on the demo', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;
  let report: ReportJson;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-it-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan(stack.target.stateDir, await demoTraceSection()));
    outcome = await runPlanFile(join(dir, 'plan.yaml'), { runsDir: join(dir, 'runs'), log: (line) => console.log(line) });
    report = JSON.parse(await readFile(join(outcome.runDir, 'report.json'), 'utf8')) as ReportJson;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectation = (fault: string, alert: string) => {
    const found = report.faults.find((f) => f.name === fault)?.expectations.find((e) => e.alert === alert);
    if (!found) throw new Error(`no expectation ${fault}/${alert} in the report`);
    return found;
  };

  it('detects the fault only the burst exposes, measured from the burst start', () => {
    const typo = report.faults.find((f) => f.name === 'capacity-typo');
    const burst = report.bursts.find((b) => b.name === 'typo-burst');
    expect(typo?.measuredFrom).toBe(burst?.startedAt);
    expect(expectation('capacity-typo', 'HighErrorRate').verdict).toBe('detected');
  });

  it('detects the silent fault through the absence-of-success alert', () => {
    expect(expectation('replication-never-started', 'TraceSuccessAbsent').verdict).toBe('detected');
  });

  it("runs the demo's write-then-read journey, which sees the stale reads of the silent fault", () => {
    const impact = report.faults.find((f) => f.name === 'replication-never-started')?.impact;
    const journey = impact?.journeys?.find((j) => j.journey === 'write-then-read');
    expect(impact?.journeys?.map((j) => j.journey)).toEqual(['write-then-read']);
    expect(journey?.failedRequests).toBeGreaterThan(0);
    expect(journey?.failedRequests).toBe(impact?.failedRequests);
  });

  it('reports an expectation that cannot be met as late or missed, never detected', () => {
    expect(expectation('cache-broken', 'CacheErrors').verdict).toBe('late');
    expect(expectation('cache-broken', 'ReplicasDown').verdict).toBe('missed');
    expect(outcome.exitCode).toBe(1);
  });

  it("cuts the cache off through the target's Toxiproxy, and the derived revert enables its proxy again", async () => {
    const events = (await readFile(join(outcome.runDir, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; fault?: string; detail?: string });
    const of = (kind: string) => events.find((event) => event.kind === kind && event.fault === 'cache-broken')?.detail;
    expect(of('fault.injected')).toBe('proxy redis-cache disabled');
    expect(of('fault.reverted')).toBe('proxy redis-cache enabled');
    const proxy = (await (await fetch(`http://127.0.0.1:${ports.toxiproxy}/proxies/redis-cache`)).json()) as object;
    expect(proxy).toMatchObject({ enabled: true, toxics: [] });
  });

  it("agrees with Prometheus's own record of pending and firing within 1 s", async () => {
    const end = Date.now() / 1000;
    let compared = 0;
    for (const fault of report.faults) {
      for (const e of fault.expectations) {
        if (e.pendingAt === null || e.firingAt === null || !fault.injectedAt) continue;
        const labels = e.alertLabels ?? { alertname: e.alert };
        const selector = Object.entries(labels)
          .filter(([name]) => name !== 'alertstate')
          .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
          .join(',');
        const from = Date.parse(fault.injectedAt) / 1000;
        const firstSample = async (extraMatcher: string) => {
          const query = `ALERTS{${selector}${extraMatcher}}[${Math.ceil(end - from + 5)}s]`;
          const url = `${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${end}`;
          const body = (await (await fetch(url)).json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
          const times = body.data.result.flatMap((series) => series.values.map(([t]) => t)).filter((t) => t >= from);
          return times.length ? Math.min(...times) : undefined;
        };
        // ALERTS_FOR_STATE's value is activeAt in whole seconds.
        const forStateUrl = `${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(`ALERTS_FOR_STATE{${selector}}[${Math.ceil(end - from + 5)}s]`)}&time=${end}`;
        const forState = (await (await fetch(forStateUrl)).json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
        const activeAts = forState.data.result.flatMap((s) => s.values.map(([, v]) => Number(v))).filter((v) => v >= Math.floor(from));

        const pendingSample = (await firstSample('')) ?? Number.NaN;
        const firingSample = await firstSample(',alertstate="firing"');
        expect(Math.abs(Date.parse(e.pendingAt) / 1000 - pendingSample)).toBeLessThanOrEqual(1);
        expect(activeAts.length).toBeGreaterThan(0);
        expect(Math.abs(Date.parse(e.pendingAt) / 1000 - Math.min(...activeAts))).toBeLessThanOrEqual(1);
        if (firingSample !== undefined) expect(Math.abs(Date.parse(e.firingAt) / 1000 - firingSample)).toBeLessThanOrEqual(1);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });

  it('writes report.json and report.md into the run folder', async () => {
    const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(markdown).toContain('replication-never-started');
    expect(report.version).toBe(1);
    expect(report.run.status).toBe('completed');
  });
});
