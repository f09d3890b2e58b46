// A plan's trace.journeys run for real (the real k6, Prometheus and demo target; ports offset
// 28000): the plan is loaded as `gameday run` loads it, its journeys written to journeys.json and
// traces/journeys.ts started through gameday's own k6 runner, as the run does. Each journey's
// successes reach Prometheus by remote write as k6_trace_success_total{journey="<name>"}, and the
// k6 JSON results carry both journeys' iterations.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { PrometheusClient } from '../verifier/observe/prometheus.ts';
import { loadPlan } from '../verifier/plan/load.ts';
import type { Plan } from '../verifier/plan/types.ts';
import { createK6Runner } from '../verifier/run/k6-load-runner.ts';
import type { LoadFinish } from '../verifier/run/ports.ts';
import { resolveTool } from '../verifier/toolchain/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 28000;
const ports = demoPorts(offset);

// write-read: PUT a fresh value, capture the key the API answers with, read it back by that key and
// expect the same value. health: one GET with its own rate.
const planText = `${shiftedPlanHead({ name: 'journeys', window: '{ duration: 30s, baselineTimeout: 30s, grace: 5s }', ports }).replace(
  'trace: { rate: 1 }\n',
  '',
)}trace:
  rate: 4
  journeys:
    - name: write-read
      critical: true
      steps:
        - method: PUT
          path: /items/journey-{{unique}}
          body: { value: "v-{{runId}}-{{unique}}" }
          expect: { status: [200, 201], json: { value: "v-{{runId}}-{{unique}}" } }
          capture: { key: key }
        - path: /items/{{key}}
          expect: { status: 200, json: { value: "v-{{runId}}-{{unique}}" }, maxDuration: 1s }
    - name: health
      rate: 2
      steps:
        - path: /healthz
faults:
  - name: unused
    at: 10s
    duration: 5s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
`;

const JOURNEYS = ['health', 'write-read'];

describe('trace journeys against the real demo', () => {
  let dir: string;
  let stack: DemoStack | undefined;
  let plan: Plan;
  let prometheus: PrometheusClient;
  const runId = `journeys-${Date.now()}`;
  let finish: LoadFinish;
  /** Each journey's k6_trace_success_total as seen while the trace ran, with its labels. */
  const live = new Map<string, Record<string, string>>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-journeys-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), planText);
    plan = await loadPlan(join(dir, 'plan.yaml'));
    prometheus = new PrometheusClient({ baseUrl: plan.monitoring.prometheus.url });
    const journeysFile = join(dir, 'journeys.json');
    await writeFile(journeysFile, JSON.stringify({ journeys: plan.trace.journeys }));
    const runner = createK6Runner({ k6Path: await resolveTool('k6') });
    const trace = await runner.startTrace({
      script: plan.trace.script,
      baseUrl: plan.target.baseUrl,
      rate: plan.trace.rate,
      durationSeconds: 12,
      runId,
      runDir: join(dir, 'run'),
      prometheusUrl: plan.monitoring.prometheus.url,
      scriptEnv: { JOURNEYS_FILE: journeysFile },
    });
    // While k6 runs: k6 pushes every second; at exit it marks the series stale.
    await vi.waitFor(
      async () => {
        const result = await prometheus.query(`k6_trace_success_total{testid="${runId}"} > 0`);
        const series = result.kind === 'vector' ? result.series : [];
        for (const one of series) if (one.labels.journey) live.set(one.labels.journey, one.labels);
        expect([...live.keys()].sort()).toEqual(JOURNEYS);
      },
      { timeout: 20_000, interval: 500 },
    );
    finish = await trace.finished;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the journeys script the plan defaults to', () => {
    expect(plan.trace.script).toMatch(/traces\/journeys\.ts$/);
    expect(plan.trace.journeys?.map((journey) => journey.name).sort()).toEqual(JOURNEYS);
  });

  it('remote-writes each journey as k6_trace_success_total with its journey label', async () => {
    for (const journey of JOURNEYS) {
      expect(live.get(journey)).toMatchObject({ __name__: 'k6_trace_success_total', journey, role: 'trace', testid: runId });
    }
    // The last value pushed per journey equals the successes in k6's own JSON output.
    for (const journey of JOURNEYS) {
      const result = await prometheus.query(`last_over_time(k6_trace_success_total{testid="${runId}", journey="${journey}"}[5m])`);
      const pushed = result.kind === 'vector' ? result.series.map((series) => series.value) : [];
      const ok = finish.traceJourneys?.find((j) => j.journey === journey)?.samples.filter(([, v]) => v === 1).length;
      expect(pushed).toEqual([ok]);
    }
  });

  it('carries both journeys in the k6 JSON results, every iteration a success', () => {
    expect(finish.exitCode).toBe(0);
    expect(finish.error).toBeUndefined();
    const journeys = finish.traceJourneys ?? [];
    expect(journeys.map((journey) => journey.journey).sort()).toEqual(JOURNEYS);
    for (const journey of journeys) {
      // 12 s at 4/s (write-read alone in the shared scenario) and 2/s (health's own rate).
      const expected = journey.journey === 'write-read' ? 48 : 24;
      expect(journey.samples.length).toBeGreaterThanOrEqual(expected * 0.75);
      expect(journey.samples.length).toBeLessThanOrEqual(expected + 2);
      expect(journey.samples.every(([, ok]) => ok === 1)).toBe(true);
      expect(journey.latencies).toHaveLength(journey.samples.length);
    }
    // Untagged and journey samples add up to the whole trace's.
    expect(finish.traceSamples?.length).toBe(journeys.reduce((sum, journey) => sum + journey.samples.length, 0));
  });
});
