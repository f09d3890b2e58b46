// A short real game day with gameday's own metrics served and live progress on: the real k6,
// Prometheus, Alertmanager and demo target on loopback, every port shifted by 14000. Checks that
// the demo Prometheus scraped gameday's metrics and that every metric name dashboards/gameday.json
// reads exists in that Prometheus (and every dashboard query returns data over the run), that the
// metrics agree with report.json, that progress printed live rates from Prometheus, and that the
// run folder holds report.json, report.md, report.html and junit.xml.

import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoDir, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import { dashboardQueries, metricNamesIn } from '../verifier/live/dashboard-queries.ts';
import { metricNames } from '../verifier/live/index.ts';
import type { ReportJson } from '../verifier/report/index.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 14000;
const ports = demoPorts(offset);

// 60 s window: a capacity typo only a burst exposes, then replicas cut.
const plan = (
  stateDir: string,
) => `${shiftedPlanHead({ name: 'live-metrics', window: '{ duration: 60s, baselineTimeout: 60s, grace: 10s }', ports })}bursts:
  - { name: typo-burst, at: 5s, rate: 1000, duration: 15s }
faults:
  - name: capacity-typo
    at: 0s
    duration: 25s
    exposedBy: typo-burst
    inject: { exec: { command: [cp, ${join(demoDir, 'config', 'capacity-typo.json')}, ${stateDir}/capacity.json] } }
    revert: { exec: { command: [cp, ${join(demoDir, 'config', 'capacity.json')}, ${stateDir}/capacity.json] } }
    expect:
      - { alert: HighErrorRate, within: 15s }
  - name: replicas-cut
    at: 30s
    duration: 20s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
`;

interface PromResponse<T> {
  status: string;
  data: T;
  error?: string;
}

describe('a short game day with live progress and gameday metrics', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;
  let report: ReportJson;
  let progressText = '';
  const logLines: string[] = [];

  const prom = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const url = `${stack.monitoring.prometheus.url}${path}?${new URLSearchParams(params)}`;
    const body = (await (await fetch(url)).json()) as PromResponse<T>;
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-live-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan(stack.target.stateDir));
    outcome = await runPlanFile(join(dir, 'plan.yaml'), {
      runsDir: join(dir, 'runs'),
      metricsListen: `127.0.0.1:${ports.gamedayMetrics}`,
      progress: {
        stream: { write: (text: string) => (progressText += text) },
        mode: 'plain',
        plainIntervalMs: 5000,
      },
      log: (line) => {
        logLines.push(line);
        progressText += `${line}\n`;
      },
    });
    report = JSON.parse(await readFile(join(outcome.runDir, 'report.json'), 'utf8')) as ReportJson;
  }, 280_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves report.json, report.md, report.html and junit.xml in the run folder', async () => {
    expect(outcome.reportFiles.map((file) => file.slice(outcome.runDir.length + 1))).toEqual([
      'report.json',
      'report.md',
      'report.html',
      'junit.xml',
    ]);
    expect(await readFile(join(outcome.runDir, 'report.html'), 'utf8')).toContain('class="fault-window" data-fault="replicas-cut"');
    expect(await readFile(join(outcome.runDir, 'junit.xml'), 'utf8')).toContain('classname="gameday.live-metrics.replicas-cut"');
    expect(await readFile(join(outcome.runDir, 'report.md'), 'utf8')).toContain('## Timeline');
    expect(report.run.status).toBe('completed');
  });

  it('printed progress lines with live trace and burst rates read from Prometheus', () => {
    const lines = progressText.split('\n').filter((line) => line.startsWith('progress: '));
    // (The baseline may be clean within the first tick, so no line for it is certain.)
    const window = lines.filter((line) => line.startsWith('progress: window t+'));
    expect(window.length).toBeGreaterThanOrEqual(5);
    expect(window.some((line) => / · trace \d+\.\d req\/s, [\d.]+ % ok · /.test(line))).toBe(true);
    expect(window.some((line) => /bursts typo-burst \(1000\/s asked, \d+s\): \d+ req\/s/.test(line))).toBe(true);
    expect(window.some((line) => line.includes('faults replicas-cut'))).toBe(true);
    expect(logLines.some((line) => line.startsWith("metrics: gameday's own metrics at http://127.0.0.1:"))).toBe(true);
  });

  it('gives Prometheus every metric name the dashboard reads, and data for every dashboard query', async () => {
    const dashboard = JSON.parse(await readFile(join(repoRoot, 'dashboards', 'gameday.json'), 'utf8'));
    const queries = dashboardQueries(dashboard);
    const names = new Set(await prom<string[]>('/api/v1/label/__name__/values', {}));
    const used = [...new Set(queries.flatMap((query) => metricNamesIn(query.expr)))];
    expect(used.length).toBeGreaterThanOrEqual(10);
    expect(used.filter((name) => !names.has(name))).toEqual([]);

    // Every panel, annotation and variable query, over the run, with Grafana's variables filled in.
    const start = Date.parse(report.run.startedAt) / 1000;
    const end = Date.parse(report.run.endedAt ?? report.run.startedAt) / 1000 + 5;
    const empty: string[] = [];
    for (const query of queries) {
      const expr = query.expr.replaceAll('$__rate_interval', '4s').replaceAll('$run', report.run.id);
      const data = await prom<{ result: unknown[] }>('/api/v1/query_range', {
        query: expr,
        start: String(start),
        end: String(end),
        step: '1',
      });
      if (data.result.length === 0) empty.push(`${query.where}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  it("has gameday's metrics agree with report.json", async () => {
    const range = Math.ceil((Date.now() - Date.parse(report.run.startedAt)) / 1000) + 30;
    const value = async (query: string) => {
      const data = await prom<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>('/api/v1/query', { query });
      return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    };
    for (const fault of report.faults) {
      expect(await value(`max_over_time(${metricNames.faultActive}{fault="${fault.name}"}[${range}s])`)).toMatchObject([{ value: 1 }]);
    }
    expect(await value(`max_over_time(${metricNames.burstActive}{burst="typo-burst"}[${range}s])`)).toMatchObject([{ value: 1 }]);
    expect(await value(`last_over_time(${metricNames.runInfo}[${range}s])`)).toMatchObject([
      { labels: { run_id: report.run.id, plan: 'live-metrics', job: 'gameday' }, value: 1 },
    ]);
    // The last values scraped are the report's own figures.
    for (const fault of report.faults) {
      for (const e of fault.expectations) {
        const labels = `fault="${fault.name}",alert="${e.alert}"`;
        expect(await value(`last_over_time(${metricNames.expectationTarget}{${labels}}[${range}s])`)).toMatchObject([
          { value: e.withinSeconds },
        ]);
        const latency = await value(`last_over_time(${metricNames.detectionLatency}{${labels}}[${range}s])`);
        if (e.firingAfterSeconds === null) expect(latency).toEqual([]);
        else expect(latency[0]?.value).toBeCloseTo(e.firingAfterSeconds, 3);
        expect(await value(`last_over_time(${metricNames.expectationVerdict}{${labels}}[${range}s])`)).toMatchObject([
          { labels: { verdict: e.verdict }, value: 1 },
        ]);
      }
    }
    const counts = await value(`last_over_time(${metricNames.expectations}[${range}s])`);
    expect(Object.fromEntries(counts.map((c) => [c.labels.verdict, c.value]))).toEqual(report.summary.verdicts);
    expect(await value(`last_over_time(${metricNames.runPhase}{phase="ended"}[${range}s])`)).toMatchObject([{ value: 1 }]);
  });
});
