// A slow-only fault in a real game day (the real k6, Prometheus, Alertmanager and demo target;
// ports offset 28000): with the database replicas unreachable, reads fall back to the primary,
// which answers every request, 100 ms slower. The report must call that latency impact, not
// "0 failed, 0 s impact"; its percentiles are checked against k6's own output, read here
// independently of gameday's code.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { ReportJson } from '../verifier/report/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 28000;
const ports = demoPorts(offset);

// The fault at 30 s, so the baseline before it holds 30 iterations or more: with fewer than 20, one
// slow request (a busy machine) is the baseline's p95 and hides the fault's slowness.
const plan = `${shiftedPlanHead({ name: 'slow-only', window: '{ duration: 55s, baselineTimeout: 60s, grace: 10s }', ports })}faults:
  - name: replicas-cut
    at: 30s
    duration: 20s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
`;

/** Nearest-rank percentile, as the report documents it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
}

describe('a slow-only fault in a real game day', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;
  let report: ReportJson;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-slow-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan);
    outcome = await runPlanFile(join(dir, 'plan.yaml'), { runsDir: join(dir, 'runs'), log: (line) => console.log(line) });
    report = JSON.parse(await readFile(join(outcome.runDir, 'report.json'), 'utf8')) as ReportJson;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is latency impact with its duration, and no failure', () => {
    const impact = report.faults[0]?.impact;
    expect(impact?.failedRequests).toBe(0);
    expect(impact?.kind).toBe('latency');
    expect(impact?.latency?.slow).toBe(true);
    // The primary's 100 ms for most of the 20 s the replicas were cut.
    expect(impact?.impactSeconds).toBeGreaterThanOrEqual(15);
    expect(impact?.impactSeconds).toBeLessThanOrEqual(25);
    expect(impact?.latency?.during?.p50Ms).toBeGreaterThanOrEqual(100);
  });

  it("has the percentiles of k6's own iteration durations", async () => {
    // k6's JSON output: iteration_duration points of the trace, by the iteration's start.
    const text = await readFile(join(outcome.runDir, 'trace-results.json'), 'utf8');
    const iterations = text
      .split('\n')
      .filter((line) => line.includes('"metric":"iteration_duration"') && line.includes('"type":"Point"'))
      .map((line) => JSON.parse(line) as { data: { value: number; metadata?: { started_ms?: string } } })
      .filter((point) => point.data.metadata?.started_ms !== undefined)
      .map((point) => [Number(point.data.metadata?.started_ms), point.data.value] as const);
    const impact = report.faults[0]?.impact;
    const injectedAt = Date.parse(report.faults[0]?.injectedAt ?? '');
    const from = Date.parse(impact?.from ?? '');
    const to = Date.parse(impact?.to ?? '');
    const before = iterations.filter(([at]) => at < injectedAt).map(([, ms]) => ms);
    const during = iterations.filter(([at]) => at >= from && at <= to).map(([, ms]) => ms);
    expect(impact?.latency?.baseline?.requests).toBe(before.length);
    expect(impact?.latency?.baseline?.p95Ms).toBeCloseTo(percentile(before, 0.95), 2);
    expect(impact?.latency?.during?.requests).toBe(during.length);
    expect(impact?.latency?.during?.p95Ms).toBeCloseTo(percentile(during, 0.95), 2);
    expect(impact?.latency?.during?.maxMs).toBeCloseTo(Math.max(...during), 2);
  });

  it('reads as slow in report.md', async () => {
    const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| replicas-cut \| \d+ \| 0 \| — \| [\d.]+ \/ [\d.]+ \/ [\d.]+ ms \| [\d.]+ ms ×2 \| [\d.]+ s \(slow\) \|/);
  });
});
