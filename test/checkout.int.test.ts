// The second example's game day (examples/checkout), with the real k6, Prometheus and Alertmanager:
// a shop with its own metric names and rules, three journeys in the trace, a fault by signal
// (payments frozen with SIGSTOP, only checkout needs payments) and a fault by file (search made
// slow, nothing fails). Checks, from report.json and from Prometheus's own record: the per-journey
// absence-of-success alert fires for the journey the fault breaks and for no other; the slow fault
// is latency impact with its duration. Then a trace script that keeps no contract stops a run
// before its first fault.

import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckoutStack, checkoutDir, startCheckoutStack } from '../examples/checkout/stack.ts';
import { PreflightError } from '../verifier/errors.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';
import { readJournal } from '../verifier/journal/journal.ts';
import type { ReportJson } from '../verifier/report/index.ts';

const ABSENCE_ALERTS = ['CheckoutNotSucceeding', 'LoginNotSucceeding', 'SearchNotSucceeding'];

describe('the checkout example', () => {
  let dir: string;
  let stack: CheckoutStack;
  let outcome: ReportOutcome;
  let report: ReportJson;
  let markdown: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-checkout-'));
    // The plan beside its own .state folder: its pid file and fault file resolve there.
    await copyFile(join(checkoutDir, 'plan.yaml'), join(dir, 'plan.yaml'));
    stack = await startCheckoutStack({ dir: join(dir, 'stack'), stateDir: join(dir, '.state') });
    outcome = await runPlanFile(join(dir, 'plan.yaml'), { runsDir: join(dir, 'runs'), log: (line) => console.log(line) });
    report = JSON.parse(await readFile(join(outcome.runDir, 'report.json'), 'utf8')) as ReportJson;
    markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    console.log(markdown);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const fault = (name: string) => {
    const found = report.faults.find((f) => f.name === name);
    if (!found) throw new Error(`no fault ${name} in the report`);
    return found;
  };
  const verdict = (name: string, alert: string) => fault(name).expectations.find((e) => e.alert === alert)?.verdict;

  it('detects every expectation in time', () => {
    expect(verdict('payments-frozen', 'CheckoutNotSucceeding')).toBe('detected');
    expect(verdict('payments-frozen', 'PaymentsFailing')).toBe('detected');
    expect(verdict('search-slow', 'SearchSlow')).toBe('detected');
    expect(outcome.exitCode).toBe(0);
  });

  it("fires the broken journey's absence-of-success alert, labelled with it, and no other journey's", async () => {
    const checkout = fault('payments-frozen').expectations.find((e) => e.alert === 'CheckoutNotSucceeding');
    expect(checkout?.alertLabels).toMatchObject({ alertname: 'CheckoutNotSucceeding', journey: 'checkout' });
    const others = report.unexpectedAlerts.filter((alert) => ABSENCE_ALERTS.includes(alert.alertname));
    expect(others).toEqual([]);
    // Prometheus's own record, read here: from the window's start to the end, the other journeys'
    // absence alerts were never pending or firing (before the trace started they were: no series yet).
    const from = Date.parse(report.run.windowStartedAt ?? '') / 1000;
    const end = Date.now() / 1000;
    const query = `ALERTS{alertname=~"LoginNotSucceeding|SearchNotSucceeding"}[${Math.ceil(end - from)}s]`;
    const url = `${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${end}`;
    const body = (await (await fetch(url)).json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
    const during = body.data.result.flatMap((series) => series.values).filter(([t]) => t >= from);
    expect(during).toEqual([]);
  });

  it('puts the failures of the frozen payments in the checkout journey only', () => {
    const impact = fault('payments-frozen').impact;
    const journey = (name: string) => impact?.journeys?.find((j) => j.journey === name);
    expect(impact?.journeys?.map((j) => j.journey).sort()).toEqual(['checkout', 'login', 'search']);
    expect(journey('checkout')?.failedRequests).toBeGreaterThanOrEqual(10);
    expect(journey('checkout')?.kind).toMatch(/^failures/);
    expect(journey('login')?.failedRequests).toBe(0);
    expect(journey('search')?.failedRequests).toBe(0);
  });

  it('reports the slow search as latency impact with its duration, and no failure', () => {
    const impact = fault('search-slow').impact;
    const search = impact?.journeys?.find((j) => j.journey === 'search');
    expect(search?.failedRequests).toBe(0);
    expect(search?.kind).toBe('latency');
    const latency = search?.latency;
    expect(latency?.slow).toBe(true);
    expect(latency?.during?.p95Ms).toBeGreaterThan(1500);
    expect(latency?.during?.p95Ms).toBeGreaterThan(2 * (latency?.baseline?.p95Ms ?? Number.POSITIVE_INFINITY));
    // 15 s in place; the first slow request within a second of the injection, the first fast one
    // within a second and a half of the revert (a search already waiting finishes its 1.5 s).
    expect(search?.impactSeconds).toBeGreaterThan(13);
    expect(search?.impactSeconds).toBeLessThan(18);
    expect(markdown).toContain('search-slow');
    // The other journeys were not slowed: the fault is the search's alone.
    for (const other of ['checkout', 'login']) expect(impact?.journeys?.find((j) => j.journey === other)?.latency?.slow).toBe(false);
  });

  it("has the search journey's percentiles of k6's own iteration durations", async () => {
    // k6's JSON output, read here independently of gameday's code: the search journey runs as its
    // own scenario; its iteration_duration points by the iteration's start (started_ms).
    const text = await readFile(join(outcome.runDir, 'trace-results.json'), 'utf8');
    const iterations = text
      .split('\n')
      .filter((line) => line.includes('"metric":"iteration_duration"') && line.includes('"type":"Point"'))
      .map((line) => JSON.parse(line) as KsixPoint)
      .filter((point) => point.data.tags?.scenario === 'journey-search' && point.data.metadata?.started_ms !== undefined)
      .map((point) => [Number(point.data.metadata?.started_ms), point.data.value] as const);
    const firstInjection = Math.min(...report.faults.map((f) => Date.parse(f.injectedAt ?? '')));
    const impact = fault('search-slow').impact;
    const latency = impact?.journeys?.find((j) => j.journey === 'search')?.latency;
    const from = Date.parse(impact?.from ?? '');
    const to = Date.parse(impact?.to ?? '');
    const before = iterations.filter(([at]) => at < firstInjection).map(([, ms]) => ms);
    const during = iterations.filter(([at]) => at >= from && at <= to).map(([, ms]) => ms);
    expect(before.length).toBeGreaterThanOrEqual(15);
    expect(latency?.baseline?.requests).toBe(before.length);
    expect(latency?.baseline?.p95Ms).toBeCloseTo(percentile(before, 0.95), 2);
    expect(latency?.during?.requests).toBe(during.length);
    expect(latency?.during?.p95Ms).toBeCloseTo(percentile(during, 0.95), 2);
    expect(latency?.during?.maxMs).toBeCloseTo(Math.max(...during), 2);
    expect(markdown).toMatch(
      /\| search-slow · search \| \d+ \| 0 \| — \| [\d.]+ \/ [\d.]+ \/ [\d.]+ ms \| [\d.]+ ms ×2 \| [\d.]+ s \(slow\) \|/,
    );
  });

  it('stops a run whose trace script keeps no contract before its first fault', async () => {
    // A team's k6 script that sends requests but records nothing gameday reads.
    await writeFile(
      join(dir, 'silent-trace.js'),
      `import http from 'k6/http';
export const options = { scenarios: { trace: { executor: 'constant-arrival-rate', rate: 2, timeUnit: '1s', duration: __ENV.DURATION, preAllocatedVUs: 2 } } };
export default function () { http.get(__ENV.BASE_URL + '/search?q=socks'); }
`,
    );
    const plan = (await readFile(join(dir, 'plan.yaml'), 'utf8'))
      .replace(/^name: checkout$/m, 'name: checkout-silent')
      .replace(/^trace:\n(?: {2}.*\n|\n)*/m, 'trace: { script: ./silent-trace.js }\n');
    await writeFile(join(dir, 'silent.yaml'), plan);
    const error = await runPlanFile(join(dir, 'silent.yaml'), { runsDir: join(dir, 'runs') }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      /no trace sample reached gameday during the baseline: k6 finished \d+ iterations of .*silent-trace\.js/,
    );
    expect((error as Error).message).toContain('traces/lib/contract.ts');
    const events = await readJournal(await journalOf(join(dir, 'runs'), 'checkout-silent'));
    expect(events.some((event) => event.kind.startsWith('fault.'))).toBe(false);
    expect(events.find((event): event is Extract<JournalEvent, { kind: 'run.ended' }> => event.kind === 'run.ended')).toMatchObject({
      status: 'failed',
      reason: (error as Error).message,
    });
  }, 120_000);
});

interface KsixPoint {
  data: { value: number; tags?: Record<string, string>; metadata?: { started_ms?: string } };
}

/** Nearest-rank percentile, as the report documents it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
}

async function journalOf(runsDir: string, planName: string): Promise<string> {
  const name = (await readdir(runsDir)).find((entry) => entry.endsWith(`-${planName}`));
  if (!name) throw new Error(`no run of ${planName} in ${runsDir}`);
  return join(runsDir, name, 'journal.jsonl');
}
