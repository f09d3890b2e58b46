// `gameday audit` online, against the real demo stack (target, Prometheus, Alertmanager; ports
// offset 18000): coverage lists the demo's scrape jobs; a rule added to Prometheus without a
// runbook is reported, and only it; `--runs` over two recorded demo runs says which alerts past
// game days exercised and which none did.

import { appendFile, copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStack, startDemoStack } from '../examples/demo/stack.ts';
import { main } from '../verifier/cli.ts';
import type { CommandIO } from '../verifier/commands/command.ts';
import { httpRequest } from '../verifier/http.ts';
import { PrometheusClient } from '../verifier/observe/prometheus.ts';

const offset = 18000;
const DEMO_JOBS = ['demo-api', 'demo-deps', 'demo-gateway', 'gameday'];

let dir: string;
let stack: DemoStack | undefined;
let prometheus: PrometheusClient;

interface AuditJson {
  rules: number;
  findings: Array<{ alert: string; check: string; severity: string; message: string }>;
  coverage: Array<{ kind: string; name: string; failureAlerts: string[]; absenceAlerts: string[] }>;
  runs: { runs: number; exercised: Array<{ alert: string }> } | null;
  untested: string[] | null;
}

async function audit(...extra: string[]): Promise<{ code: number; json: AuditJson; stderr: string }> {
  let out = '';
  let err = '';
  const io: CommandIO = {
    stdout: { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream,
    env: {},
    signals: process,
  };
  const args = ['--prometheus', stack?.monitoring.prometheus.url ?? '', '--alertmanager', stack?.monitoring.alertmanager.url ?? ''];
  const code = await main(['audit', ...args, '--format', 'json', ...extra], io);
  return { code, json: (out === '' ? {} : JSON.parse(out)) as AuditJson, stderr: err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-audit-int-'));
  stack = await startDemoStack({ dir, offset });
  // The shifted configuration's rules.yml sits in dir/config: its runbooks beside it, as in the demo.
  await cp(fileURLToPath(new URL('../examples/demo/runbooks/', import.meta.url)), join(dir, 'config', 'runbooks'), { recursive: true });
  prometheus = new PrometheusClient({ baseUrl: stack.monitoring.prometheus.url });
  // Every job scraped at least once, every rule evaluated.
  await vi.waitFor(
    async () => {
      const up = await prometheus.query('count by (job) (up)');
      const jobs = up.kind === 'vector' ? up.series.map((series) => series.labels.job).sort() : [];
      expect(jobs).toEqual(DEMO_JOBS);
      const rules = await prometheus.alertingRules();
      expect(rules.length).toBe(8);
      expect(rules.every((rule) => rule.health === 'ok')).toBe(true);
    },
    { timeout: 60_000, interval: 500 },
  );
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gameday audit against the running demo stack', () => {
  it("lists the demo's jobs with the alerts that watch them, and finds no problem in the demo's rules", async () => {
    const { code, json } = await audit();
    expect(json.rules).toBe(8);
    expect(json.findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
    // The trace's series exist only while a game day runs, 5xx answers only on failure: infos, not problems.
    expect(json.findings.filter((finding) => finding.check === 'no-series').map((finding) => [finding.alert, finding.severity])).toEqual([
      ['TraceSuccessAbsent', 'info'],
      ['HighErrorRate', 'info'],
    ]);
    expect(code).toBe(0);
    expect(json.coverage.filter((row) => row.kind === 'job')).toEqual([
      { kind: 'job', name: 'demo-api', failureAlerts: ['ApiInstancesDown', 'CacheErrors', 'HighErrorRate'], absenceAlerts: [] },
      { kind: 'job', name: 'demo-deps', failureAlerts: ['ReplicasDown', 'PrimarySlow', 'QueueUnreachable'], absenceAlerts: [] },
      { kind: 'job', name: 'demo-gateway', failureAlerts: [], absenceAlerts: [] },
      { kind: 'job', name: 'gameday', failureAlerts: [], absenceAlerts: [] },
    ]);
  });

  it('reports a rule added without a runbook, and a selector that matches nothing', async () => {
    await appendFile(
      join(dir, 'config', 'rules.yml'),
      `
  - name: added-by-the-test
    rules:
      - alert: GatewayDown
        expr: up{job="demo-gateway"} == 0
        for: 5s
      - alert: TypoInName
        expr: demo_http_request_total{job="demo-api"} > 100
        for: 5s
        annotations: { runbook_url: examples/demo/runbooks/high-error-rate.md }
`,
    );
    const reload = await httpRequest({ url: `${stack?.monitoring.prometheus.url}/-/reload`, method: 'POST' });
    expect(reload.status).toBe(200);
    await vi.waitFor(async () => expect((await prometheus.alertingRules()).length).toBe(10), { timeout: 30_000, interval: 500 });

    const { code, json } = await audit();
    expect(code).toBe(1);
    expect(json.findings.filter((finding) => finding.severity !== 'info').map((finding) => [finding.alert, finding.check])).toEqual([
      ['GatewayDown', 'runbook'],
      ['TypoInName', 'no-series'],
    ]);
    expect(json.coverage.find((row) => row.name === 'demo-gateway')).toMatchObject({ failureAlerts: ['GatewayDown'] });
  });

  it('with --runs over two recorded demo runs, names the alerts past game days exercised and the untested ones', async () => {
    const runs = join(dir, 'runs');
    for (const name of ['demo-run-1', 'demo-run-2']) {
      await mkdir(join(runs, name), { recursive: true });
      const recorded = fileURLToPath(new URL(`../verifier/report/fixtures/${name}.journal.jsonl`, import.meta.url));
      await copyFile(recorded, join(runs, name, 'journal.jsonl'));
    }
    const { json } = await audit('--runs', runs);
    expect(json.runs?.runs).toBe(2);
    expect(json.runs?.exercised.map((entry) => entry.alert)).toEqual([
      'ApiInstancesDown',
      'CacheErrors',
      'HighErrorRate',
      'QueueUnreachable',
      'ReplicasDown',
      'TraceSuccessAbsent',
    ]);
    expect(json.untested).toEqual(['GatewayDown', 'PrimarySlow', 'TypoInName', 'Watchdog']);
  });

  it('says clearly when Prometheus cannot be reached, exit 2', async () => {
    let err = '';
    const io: CommandIO = {
      stdout: { write: () => true } as unknown as NodeJS.WritableStream,
      stderr: { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream,
      env: {},
      signals: process,
    };
    const closed = `http://127.0.0.1:${offset + 19090 + 7}`;
    expect(await main(['audit', '--prometheus', closed], io)).toBe(2);
    expect(err).toMatch(new RegExp(`^gameday: Prometheus at ${closed} did not answer /api/v1/rules: `));
  });
});
