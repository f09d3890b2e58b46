// `gameday init` against the real demo stack (target, Prometheus, Alertmanager; ports offset
// 30000): the plan it writes loads, holds one fault stub per demo alerting rule (the always-firing
// Watchdog becomes monitoring.watchdog), each `within` at least the rule's detection worst case;
// `gameday check` fails on the stubs' TODO injectors; the suggested absence-of-success rules pass
// promtool.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStack, startDemoStack } from '../examples/demo/stack.ts';
import { ruleBounds } from '../verifier/alerting/rule-bounds.ts';
import { parseScrapeSettings } from '../verifier/alerting/scrape-settings.ts';
import { main } from '../verifier/cli.ts';
import type { CommandIO } from '../verifier/commands/command.ts';
import { type AlertingRule, PrometheusClient } from '../verifier/observe/prometheus.ts';
import { INIT_TODO } from '../verifier/plan/init-todo.ts';
import { loadPlan } from '../verifier/plan/load.ts';
import { resolveTool } from '../verifier/toolchain/index.ts';

const offset = 30000;
const DEMO_JOBS = ['demo-api', 'demo-deps', 'demo-gateway', 'gameday'];

let dir: string;
let stack: DemoStack | undefined;
let rules: AlertingRule[];
let prometheusConfig: string;

async function gameday(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIO = {
    stdout: { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream,
    env: { PATH: process.env.PATH },
    signals: process,
  };
  const code = await main(args, io);
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-init-int-'));
  stack = await startDemoStack({ dir, offset });
  const prometheus = new PrometheusClient({ baseUrl: stack.monitoring.prometheus.url });
  // Every job scraped, every rule evaluated: what init reads is all there.
  await vi.waitFor(
    async () => {
      const up = await prometheus.query('count by (job) (up)');
      expect(up.kind === 'vector' ? up.series.map((series) => series.labels.job).sort() : []).toEqual(DEMO_JOBS);
      rules = await prometheus.alertingRules();
      expect(rules.length).toBe(8);
      expect(rules.every((rule) => rule.health === 'ok')).toBe(true);
    },
    { timeout: 60_000, interval: 500 },
  );
  prometheusConfig = await prometheus.configYaml();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gameday init against the running demo stack', () => {
  const out = () => join(dir, 'starter.yaml');

  it('writes a plan that loads, one fault stub per alerting rule, within at least each worst case', async () => {
    const { monitoring, target } = stack as DemoStack;
    const result = await gameday(
      'init',
      '--prometheus',
      monitoring.prometheus.url,
      '--alertmanager',
      monitoring.alertmanager.url,
      '--target',
      target.url,
      '--out',
      out(),
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);

    const plan = await loadPlan(out());
    expect(plan.monitoring.watchdog).toBe('Watchdog');
    expect(plan.monitoring.prometheus.url).toBe(monitoring.prometheus.url);
    expect(plan.target.baseUrl).toBe(target.url);
    const alerting = rules.filter((rule) => rule.name !== 'Watchdog');
    expect(plan.faults.map((fault) => fault.expect.map((e) => e.alert)).sort()).toEqual(alerting.map((rule) => [rule.name]).sort());

    const scrape = { ok: true as const, value: parseScrapeSettings(prometheusConfig) };
    for (const rule of alerting) {
      const fault = plan.faults.find((candidate) => candidate.expect[0]?.alert === rule.name);
      const worst = ruleBounds(rule, scrape).times.worstFiringSeconds;
      expect(fault?.expect[0]?.withinSeconds, rule.name).toBeGreaterThanOrEqual(worst);
      // The fault stays in place past its target, so a late alert shows as late.
      expect(fault?.durationSeconds, rule.name).toBeGreaterThan(fault?.expect[0]?.withinSeconds ?? Infinity);
      expect(JSON.stringify(fault?.inject)).toContain(INIT_TODO);
    }
    // Faults one after another, each inside the window.
    const ends = plan.faults.map((fault) => fault.atSeconds + fault.durationSeconds);
    expect(Math.max(...ends)).toBeLessThanOrEqual(plan.window.durationSeconds);

    // Grouped by the job each rule reads: the demo-api rules together, the trace's own last.
    const text = await readFile(out(), 'utf8');
    const headings = [...text.matchAll(/^ {2}# --- (.+) ---$/gm)].map((match) => match[1]);
    expect(headings).toEqual(['job "demo-api"', 'job "demo-deps"', "the trace's own series (k6)"]);
  });

  it('suggests an absence-of-success rule for each job without one, in a file promtool accepts', async () => {
    const file = join(dir, 'starter.absence-rules.yml');
    const suggested = parse(await readFile(file, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    // The demo's only absence alert reads the trace's k6 series: every scrape job lacks one.
    expect(suggested.groups[0]?.rules.map((rule) => rule.expr)).toEqual(DEMO_JOBS.map((job) => `absent(up{job="${job}"} == 1)`));
    const promtool = await resolveTool('promtool');
    const { stdout } = await promisify(execFile)(promtool, ['check', 'rules', file]);
    expect(stdout).toContain(`SUCCESS: ${DEMO_JOBS.length} rules found`);
  });

  it("refuses to overwrite, and gameday check fails on the stubs' TODO injectors", async () => {
    const { monitoring, target } = stack as DemoStack;
    const again = await gameday(
      'init',
      '--prometheus',
      monitoring.prometheus.url,
      '--alertmanager',
      monitoring.alertmanager.url,
      '--target',
      target.url,
      '--out',
      out(),
    );
    expect(again.code).toBe(2);
    expect(again.err).toContain('exists; pass --force');

    const check = await gameday('check', out());
    expect(check.code).toBe(1);
    expect(check.out).toContain(`a stub left by gameday init (${INIT_TODO})`);
  });
});
