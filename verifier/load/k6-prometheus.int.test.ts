// The trace's remote write into a real Prometheus: the series the alert rules rely on arrive
// with the names and labels gameday documents, and end with stale markers when k6 exits.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../observe/prometheus.ts';
import { salvageBurst } from '../run/burst-salvage.ts';
import { operatorResult } from '../run/k6-operator-bursts.ts';
import { burstSpec } from '../run/testing/burst-spec.ts';
import { resolveTool } from '../toolchain/index.ts';
import { readBurstResult, readTraceSamples } from './k6-results.ts';
import { startBurst, startTrace } from './k6-runner.ts';
import { mergeBurstResults, startSegmentedBurst } from './k6-segments.ts';
import { type ItemsServer, startItemsServer, waitFor } from './testing/items-server.ts';
import { freeLoopbackPort } from '../stack/ports.ts';

let server: ItemsServer;
let prometheus: ChildProcess;
let prometheusUrl: string;
let k6Path: string;
let dir: string;

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promql: string): Promise<Series[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as { status: string; data: { result: Series[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

beforeAll(async () => {
  k6Path = await resolveTool('k6');
  const prometheusPath = await resolveTool('prometheus');
  server = await startItemsServer();
  dir = await mkdtemp(join(tmpdir(), 'gameday-k6-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 15s\n');
  const port = await freeLoopbackPort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    prometheusPath,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(
    'Prometheus /-/ready',
    async () => {
      if (prometheus.exitCode !== null) throw new Error(`Prometheus exited with code ${prometheus.exitCode}`);
      return fetch(`${prometheusUrl}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
  );
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await server?.close();
});

describe('remote write to Prometheus', () => {
  it('delivers k6_trace_success_total with the run labels, then marks it stale', async () => {
    const runId = `prom-${Date.now()}`;
    const trace = await startTrace({
      k6Path,
      script: join(import.meta.dirname, '../../traces/trace.ts'),
      baseUrl: server.baseUrl,
      rate: 1,
      durationSeconds: 5,
      runId,
      runDir: join(dir, 'run'),
      prometheusUrl,
    });

    // While the trace runs, the counter is live (pushed every second).
    await waitFor(
      'k6_trace_success_total in Prometheus',
      async () => (await query(`k6_trace_success_total{testid="${runId}"}`)).length > 0,
      15_000,
    );
    await trace.done;
    const ok = (await readTraceSamples(trace.resultFile)).filter(([, v]) => v === 1).length;

    const [series, ...others] = await query(`last_over_time(k6_trace_success_total{testid="${runId}"}[5m])`);
    expect(others).toEqual([]);
    expect(series?.metric).toEqual({
      __name__: 'k6_trace_success_total',
      role: 'trace',
      scenario: 'trace',
      testid: runId,
    });
    expect(Number(series?.value[1])).toBe(ok);

    const [rate] = await query(`last_over_time(k6_trace_ok_rate{testid="${runId}"}[5m])`);
    expect(rate?.metric).toEqual({ __name__: 'k6_trace_ok_rate', role: 'trace', scenario: 'trace', testid: runId });
    expect(Number(rate?.value[1])).toBe(1);

    // Stale markers at exit: an instant query no longer finds the series.
    expect(await query(`k6_trace_success_total{testid="${runId}"}`)).toEqual([]);
  });

  it('tags a burst with role=burst and its name', async () => {
    const runId = `prom-burst-${Date.now()}`;
    const burst = await startBurst({
      k6Path,
      script: join(import.meta.dirname, '../../loadtests/burst.ts'),
      baseUrl: server.baseUrl,
      rate: 100,
      durationSeconds: 2,
      runId,
      runDir: join(dir, 'run'),
      prometheusUrl,
      name: 'b1',
    });
    await burst.done;
    const reads = await query(`last_over_time(k6_http_reqs_total{testid="${runId}", scenario="burst"}[5m])`);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.metric).toMatchObject({
      role: 'burst',
      burst: 'b1',
      name: 'GET /items/burst-{n}',
      url: 'GET /items/burst-{n}',
      status: '200',
      method: 'GET',
    });
    expect(Number(reads[0]?.value[1])).toBeGreaterThanOrEqual(200);
  });

  it('a burst killed mid-way: what it pushed until then says how far it got (gameday run reads it when there is no summary)', async () => {
    const runId = `prom-killed-${Date.now()}`;
    const startedAt = new Date();
    const burst = await startBurst({
      k6Path,
      script: join(import.meta.dirname, '../../loadtests/burst.ts'),
      baseUrl: server.baseUrl,
      rate: 200,
      durationSeconds: 30,
      runId,
      runDir: join(dir, 'killed'),
      prometheusUrl,
      name: 'doomed',
    });
    await waitFor(
      'the burst counting in Prometheus',
      async () => (await query(`k6_iterations_total{testid="${runId}"}`)).length > 0,
      20_000,
    );
    await waitFor('three seconds of the burst', async () => Date.now() - startedAt.getTime() > 3000, 10_000);
    process.kill(burst.pid, 'SIGKILL');
    await burst.done.catch(() => undefined);
    const endedAt = new Date();
    const served = server.count('GET burst');
    const prometheusClient = new PrometheusClient({ baseUrl: prometheusUrl });
    const result = await salvageBurst((expr, time) => prometheusClient.query(expr, time), {
      runId,
      burst: 'doomed',
      requestedRate: 200,
      durationSeconds: 30,
      startedAt,
      endedAt,
    });
    expect(result?.source).toBe('prometheus');
    // Pushed once a second: the last push counts at most a second or two less than was served.
    expect(result?.iterations).toBeGreaterThan(0);
    expect(result?.iterations).toBeLessThanOrEqual(served);
    expect(result?.iterations).toBeGreaterThanOrEqual(served - 2 * 200);
    expect(result?.httpReqs).toBeGreaterThanOrEqual(result?.iterations ?? Infinity);
    expect(
      await salvageBurst((expr, time) => prometheusClient.query(expr, time), {
        runId,
        burst: 'never-ran',
        requestedRate: 1,
        durationSeconds: 1,
        startedAt,
        endedAt,
      }),
    ).toBeUndefined();
  });

  it('a burst over two runners tagged instance_id, as k6-operator runs it: the sum over them is what k6 counted', async () => {
    const runId = `prom-runners-${Date.now()}`;
    const burst = await startSegmentedBurst({
      k6Path,
      script: join(import.meta.dirname, '../../loadtests/burst.ts'),
      baseUrl: server.baseUrl,
      rate: 200,
      durationSeconds: 2,
      runId,
      runDir: join(dir, 'runners'),
      prometheusUrl,
      name: 'peak',
      processes: 2,
    });
    const startedAt = new Date();
    await Promise.all(burst.processes.map((p) => p.done));
    const endedAt = new Date();
    const summaries = await Promise.all(burst.processes.map((p) => readBurstResult(p.resultFile, 200, 2)));
    const counted = mergeBurstResults(summaries, 200, 2);
    const runners = await query(`last_over_time(k6_iterations_total{testid="${runId}"}[5m])`);
    expect(runners.map((series) => series.metric.instance_id).sort()).toEqual(['1', '2']);

    const prometheusClient = new PrometheusClient({ baseUrl: prometheusUrl });
    const windowSeconds = Math.ceil((endedAt.getTime() - startedAt.getTime()) / 1000) + 5;
    const result = await operatorResult((expr, time) => prometheusClient.query(expr, time), {
      runId,
      burst: burstSpec('peak', 200, 2),
      endedAt,
      windowSeconds,
    });
    expect(result).toMatchObject({
      source: 'prometheus',
      iterations: counted.iterations,
      droppedIterations: counted.droppedIterations,
      achievedRate: counted.iterations / 2,
      httpReqDurationP95Ms: null,
    });
    // Every request of the runners, setup()'s seeding PUT of each included.
    expect(result?.httpReqs).toBeGreaterThanOrEqual(counted.iterations);
  });
});
