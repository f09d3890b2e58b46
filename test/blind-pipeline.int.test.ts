// A real game day whose monitoring goes blind in two ways, with the real k6, Prometheus,
// Alertmanager and demo target on loopback (ports offset 8000). Gameday reads both APIs through a
// proxy that looks like a multi-tenant backend (path prefixes, X-Scope-OrgID, a bearer token, no
// /-/ready). During the first fault the proxy cuts gameday off from Prometheus: its polls miss the
// whole alert, and Prometheus's own record must still give figures that agree with
// ALERTS_FOR_STATE. During the second, Alertmanager is stopped (SIGSTOP): the verdict must be
// inconclusive with that reason, not missed and not detected.

import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { readEvents, waitForEvent } from './journal-watch.ts';
import { type MonitoringProxy, startMonitoringProxy } from './monitoring-proxy.ts';

const offset = 8000;
const ports = demoPorts(offset);
const orgId = 'gameday-it';
const token = 'it-token-5d1f0c';
const runId = 'blind-pipeline-it';
/** How long gameday is cut off from Prometheus from the first injection: past the alert's end. */
const CUT_SECONDS = 25;

const plan = (proxy: string) => `
version: 1
name: blind-pipeline
window: { duration: 55s, baselineTimeout: 60s, grace: 15s }
target: { baseUrl: http://127.0.0.1:${ports.gateway} }
monitoring:
  prometheus:
    url: ${proxy}/prometheus
    headers: { X-Scope-OrgID: ${orgId} }
    auth: { bearerTokenEnv: GAMEDAY_IT_TOKEN }
  alertmanager:
    url: ${proxy}/alertmanager
    headers: { X-Scope-OrgID: ${orgId} }
    auth: { bearerTokenEnv: GAMEDAY_IT_TOKEN }
  webhookListen: 127.0.0.1:${ports.webhook}
  watchdog: Watchdog
  pollInterval: 1s
trace: { rate: 1 }
faults:
  - name: replicas-cut
    at: 0s
    duration: 15s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
  - name: cache-broken
    at: 30s
    duration: 15s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/cache, body: { broken: true } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/cache, body: { broken: false } } }
    expect:
      - { alert: CacheErrors, within: 15s }
`;

describe('a game day with blind spots, through a multi-tenant proxy', () => {
  let dir: string;
  let stack: DemoStack;
  let proxy: MonitoringProxy;
  let outcome: ReportOutcome;
  let events: JournalEvent[];
  let actionsError: unknown;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-blind-'));
    stack = await startDemoStack({ dir, offset });
    proxy = await startMonitoringProxy({
      prometheus: stack.monitoring.prometheus.url,
      alertmanager: stack.monitoring.alertmanager.url,
      orgId,
      token,
    });
    await writeFile(join(dir, 'plan.yaml'), plan(proxy.url));
    const journalFile = join(dir, 'runs', runId, 'journal.jsonl');
    const alertmanagerPid = stack.monitoring.alertmanager.pid;
    let alertmanagerStopped = false;
    const runEnded = new AbortController();
    const onInjected = (fault: string) => (event: JournalEvent) => event.kind === 'fault.injected' && event.fault === fault;
    const actions = (async () => {
      const options = { timeoutMs: 240_000, signal: runEnded.signal };
      const first = await waitForEvent(journalFile, onInjected('replicas-cut'), options);
      proxy.cutPrometheusUntil(Date.parse(first.at) + CUT_SECONDS * 1000);
      await waitForEvent(journalFile, onInjected('cache-broken'), options);
      process.kill(alertmanagerPid, 'SIGSTOP');
      alertmanagerStopped = true;
      await waitForEvent(journalFile, (event) => event.kind === 'fault.reverted' && event.fault === 'cache-broken', options);
      process.kill(alertmanagerPid, 'SIGCONT');
      alertmanagerStopped = false;
    })().catch((error: unknown) => {
      actionsError = error;
    });
    try {
      outcome = await runPlanFile(join(dir, 'plan.yaml'), {
        runsDir: join(dir, 'runs'),
        runId,
        env: { GAMEDAY_IT_TOKEN: token },
        log: (line) => console.log(line),
      });
    } finally {
      runEnded.abort();
      await actions;
      if (alertmanagerStopped) process.kill(alertmanagerPid, 'SIGCONT');
    }
    events = await readEvents(journalFile);
    // The recording for the analysis tests (verifier/analyze/fixtures).
    await mkdir(join(repoRoot, 'test-artifacts', 'journals'), { recursive: true });
    await copyFile(journalFile, join(repoRoot, 'test-artifacts', 'journals', 'blind-pipeline.journal.jsonl'));
  }, 600_000);

  afterAll(async () => {
    await proxy?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectation = (fault: string) => {
    const found = outcome.report.faults.find((f) => f.name === fault)?.expectations[0];
    if (!found) throw new Error(`no expectation for ${fault}`);
    return found;
  };

  /** Raw samples of a selector over the run, read from Prometheus directly (not through gameday). */
  async function samples(selector: string): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>> {
    const end = Date.now() / 1000;
    const query = `${selector}[${Math.ceil(end - Date.parse(outcome.report.run.startedAt) / 1000 + 60)}s]`;
    const url = `${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${end}`;
    const body = (await (await fetch(url)).json()) as {
      data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
    };
    return body.data.result;
  }

  it('acted on the run as planned', () => {
    expect(actionsError).toBeUndefined();
  });

  it("gameday's polls of Prometheus were interrupted and missed the whole alert; the report still has exact figures", async () => {
    const failed = events.filter(
      (event) => event.kind === 'observe.failed' && event.source === 'prometheus' && (event.phase ?? 'poll') === 'poll',
    );
    const recovered = events.filter((event) => event.kind === 'observe.recovered' && event.source === 'prometheus');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    const polledReplicasDown = events.some(
      (event) => event.kind === 'alerts.prometheus' && event.alerts.some((alert) => alert.labels.alertname === 'ReplicasDown'),
    );
    expect(polledReplicasDown).toBe(false);

    const e = expectation('replicas-cut');
    expect(e.verdict).toBe('detected');
    expect(e.sources.pending).toBe('ALERTS');
    expect(e.pendingAt).not.toBeNull();
    expect(e.firingAt).not.toBeNull();
    const injectedAt = Date.parse(outcome.report.faults[0]?.injectedAt ?? '') / 1000;

    // ALERTS_FOR_STATE's value is activeAt in whole seconds: the pending figure agrees within 1 s.
    const forState = await samples('ALERTS_FOR_STATE{alertname="ReplicasDown"}');
    const activeAts = forState
      .flatMap((series) => series.values.map(([, value]) => Number(value)))
      .filter((value) => value >= Math.floor(injectedAt));
    expect(activeAts.length).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(e.pendingAt ?? '') / 1000 - Math.min(...activeAts))).toBeLessThanOrEqual(1);
    // The firing figure agrees with the first firing ALERTS sample (Alertmanager's startsAt is that evaluation).
    const firing = await samples('ALERTS{alertname="ReplicasDown",alertstate="firing"}');
    const firstFiring = Math.min(...firing.flatMap((series) => series.values.map(([t]) => t)).filter((t) => t >= injectedAt));
    expect(Math.abs(Date.parse(e.firingAt ?? '') / 1000 - firstFiring)).toBeLessThanOrEqual(1);

    const cut = outcome.report.blindIntervals.filter((interval) => interval.cause === 'prometheus-unreachable');
    expect(cut.length).toBeGreaterThanOrEqual(1);
    expect(cut.every((interval) => !interval.affectsVerdicts)).toBe(true);
  });

  it('Alertmanager stopped during a fault: inconclusive with its reason, not missed', () => {
    const e = expectation('cache-broken');
    expect(e.verdict).toBe('inconclusive');
    expect(e.inconclusive.map((reason) => reason.cause)).toContain('alertmanager-unreachable');
    expect(e.inconclusive.find((reason) => reason.cause === 'alertmanager-unreachable')?.detail).toMatch(
      /Alertmanager did not answer gameday/,
    );
    // Prometheus's record still says when it fired (Alertmanager's startsAt agrees once it runs again); the report keeps that figure.
    expect(e.firingAfterSeconds).toBeGreaterThan(0);
    expect(e.firingAfterSeconds).toBeLessThan(15);
    expect(['ALERTS', 'alertmanager-api']).toContain(e.sources.firing);
    expect(e.delivery.status).toBe('alertmanager-blind');
    expect(
      outcome.report.blindIntervals.some((interval) => interval.cause === 'alertmanager-unreachable' && interval.affectsVerdicts),
    ).toBe(true);
    expect(outcome.report.summary.verdicts).toMatchObject({ detected: 1, inconclusive: 1, missed: 0 });
    expect(outcome.exitCode).toBe(5);
  });

  it('reads both APIs under their path prefix with X-Scope-OrgID and the bearer token, and never writes the token down', async () => {
    const reads = proxy.requests.filter((request) => request.path !== '/prometheus/api/v1/write');
    expect(reads.filter((request) => request.path === '/prometheus/api/v1/alerts' && request.status === 200).length).toBeGreaterThan(10);
    expect(reads.filter((request) => request.path === '/alertmanager/api/v2/alerts' && request.status === 200).length).toBeGreaterThan(10);
    expect(reads.filter((request) => request.status === 401)).toEqual([]);
    expect(reads.every((request) => request.orgId === orgId && request.authorization === `Bearer ${token}`)).toBe(true);
    // No /-/ready under the prefix (404): readiness came from the build info and the status.
    expect(reads.some((request) => request.path === '/prometheus/api/v1/status/buildinfo' && request.status === 200)).toBe(true);
    expect(reads.some((request) => request.path === '/alertmanager/api/v2/status' && request.status === 200)).toBe(true);
    // k6's remote write goes through the same door, with the same tenant and token.
    const writes = proxy.requests.filter((request) => request.path === '/prometheus/api/v1/write');
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.filter((request) => request.status === 401)).toEqual([]);
    for (const file of ['journal.jsonl', 'report.json', 'report.md']) {
      expect(await readFile(join(outcome.runDir, file), 'utf8')).not.toContain(token);
    }
  });

  it("measures the offset between gameday's clock and Prometheus's, and says so", async () => {
    expect(outcome.report.clock).not.toBeNull();
    expect(outcome.report.clock?.samples).toBeGreaterThanOrEqual(6);
    expect(Math.abs(outcome.report.clock?.offsetMs ?? Infinity)).toBeLessThan(50);
    const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(markdown).toMatch(/## Monitoring health/);
    expect(markdown).toMatch(/alertmanager-unreachable/);
  });
});
