// `gameday check` against the real Prometheus and Alertmanager running the demo's configuration,
// with no demo target and no trace: ApiInstancesDown and TraceSuccessAbsent fire on their own,
// which is what the baseline cases need. The demo's scrape targets are moved to ports nobody
// listens on, so the outcome does not depend on whether a demo target runs on this machine.

import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { loadPlan } from '../plan/load.ts';
import { type MonitoringStack, startMonitoringStack } from '../stack/monitoring.ts';
import { repoRoot } from '../toolchain/index.ts';
import { type CheckFinding, type CheckReport, checkExitCode, checkPlan, formatCheckReport } from './index.ts';

const demoDir = fileURLToPath(new URL('../../examples/demo/', import.meta.url));

let dir: string;
let stack: MonitoringStack | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-check-int-'));
  const closedPorts = await Promise.all([0, 1, 2, 3].map(() => unusedPort()));
  const demoPorts = ['18080', '18081', '18082', '18090'];
  let prometheusYml = await readFile(join(demoDir, 'prometheus.yml'), 'utf8');
  demoPorts.forEach((port, index) => {
    prometheusYml = prometheusYml.replaceAll(`127.0.0.1:${port}`, `127.0.0.1:${closedPorts[index]}`);
  });
  expect(prometheusYml).not.toMatch(/127\.0\.0\.1:180\d\d/);
  await writeFile(join(dir, 'prometheus.yml'), prometheusYml);
  await copyFile(join(demoDir, 'rules.yml'), join(dir, 'rules.yml'));
  await copyFile(join(demoDir, 'alertmanager.yml'), join(dir, 'alertmanager.yml'));

  stack = await startMonitoringStack({
    prometheusConfig: join(dir, 'prometheus.yml'),
    alertmanagerConfig: join(dir, 'alertmanager.yml'),
    dir,
  });
  const prometheus = new PrometheusClient({ baseUrl: stack.prometheus.url });
  const alertmanager = new AlertmanagerClient({ baseUrl: stack.alertmanager.url });
  // What the cases rely on, waited for against a deadline: Prometheus found Alertmanager, the
  // self-firing alerts fire, and the Watchdog reached Alertmanager (which can take a minute: alerts
  // fired before discovery are resent after --rules.alert.resend-delay, docs/detection-time.md#discovery).
  await waitFor('the demo stack to settle', 180_000, async () => {
    const [discovered, alerts, amAlerts] = await Promise.all([prometheus.alertmanagers(), prometheus.alerts(), alertmanager.alerts()]);
    const firing = (name: string) => alerts.some((alert) => alert.labels.alertname === name && alert.state === 'firing');
    return (
      discovered.length > 0 &&
      firing('ApiInstancesDown') &&
      firing('TraceSuccessAbsent') &&
      amAlerts.some((alert) => alert.labels.alertname === 'Watchdog')
    );
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Writes a plan for this stack into the temp folder and returns its path. */
async function writePlan(name: string, faults: string, options: { watchdog?: string } = {}): Promise<string> {
  const folder = join(dir, name);
  await mkdir(join(folder, 'faults'), { recursive: true });
  await writeFile(join(folder, 'faults', 'break-cache.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const file = join(folder, 'plan.yaml');
  await writeFile(
    file,
    `version: 1
name: ${name}
window:
  duration: 2m
target:
  baseUrl: http://127.0.0.1:18080
monitoring:
  prometheus: { url: ${stack?.prometheus.url} }
  alertmanager: { url: ${stack?.alertmanager.url} }
${options.watchdog ? `  watchdog: ${options.watchdog}\n` : ''}faults:
${faults}`,
  );
  return file;
}

async function check(file: string): Promise<CheckReport> {
  const report = await checkPlan(await loadPlan(file));
  // The table as a person sees it, in the test log.
  console.log(formatCheckReport(report));
  return report;
}

function finding(report: CheckReport, check: string, subject: string): CheckFinding {
  const found = report.findings.find((f) => f.check === check && f.subject === subject);
  if (!found) throw new Error(`no ${check} finding for ${subject} in:\n${formatCheckReport(report)}`);
  return found;
}

describe('gameday check with the real Prometheus and Alertmanager', () => {
  it('passes a clean plan: tools, stack, rules, feasibility, baseline, watchdog and injectors all ok', async () => {
    const file = await writePlan(
      'clean',
      `  - name: cache-broken
    at: 0s
    duration: 20s
    inject: { exec: { command: [faults/break-cache.sh] } }
    revert: { http: { url: http://127.0.0.1:18099/admin/cache, body: { broken: false } } }
    expect:
      - { alert: CacheErrors, within: 10s, labels: { severity: ticket } }
  - name: queue-host-unreachable
    at: 30s
    duration: 20s
    inject: { exec: { command: [sh, -c, "exit 0"] } }
    revert: none
    expect:
      - { alert: QueueUnreachable, within: 10s }
`,
      { watchdog: 'Watchdog' },
    );
    const report = await check(file);
    expect(report.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(finding(report, 'feasibility', 'cache-broken → CacheErrors{severity="ticket"}').detail).toBe(
      'within 10s covers the worst case: firing 2s–5s, notified 3s–6s; scrape 1s (job "demo-api"), eval 1s, for 2s, ' +
        'one more scrape (1s) for rate(demo_cache_errors_total[10s]) > 0, group_wait 1s (receiver "gameday")',
    );
    expect(finding(report, 'watchdog', 'Watchdog').detail).toMatch(/^active in Alertmanager since /);
    expect(checkExitCode(report)).toBe(0);

    const cli = await runCli(['check', file]);
    expect(cli.stdout).toMatch(/^check: \d+ ok, 0 warnings, 0 problems$/m);
    expect(cli.code).toBe(0);
  });

  it('fails a misspelt alert name and suggests the right one', async () => {
    const file = await writePlan(
      'typo',
      `  - name: replication-never-started
    at: 0s
    duration: 20s
    inject: { http: { url: http://127.0.0.1:18099/admin/replication, body: { running: false } } }
    revert: { http: { url: http://127.0.0.1:18099/admin/replication, body: { running: true } } }
    expect:
      - { alert: TraceSucessAbsent, within: 20s }
`,
    );
    const report = await check(file);
    expect(finding(report, 'rule', 'TraceSucessAbsent')).toMatchObject({
      status: 'fail',
      detail: 'no alerting rule named TraceSucessAbsent in Prometheus; did you mean `TraceSuccessAbsent`?',
    });
    expect(checkExitCode(report)).toBe(1);

    const cli = await runCli(['check', file]);
    expect(cli.stdout).toContain('did you mean `TraceSuccessAbsent`?');
    expect(cli.stdout).toMatch(/^FAIL {2}rule {10}TraceSucessAbsent {2,}no alerting rule/m);
    expect(cli.code).toBe(1);
  });

  it('fails targets below the feasibility floor', async () => {
    const file = await writePlan(
      'too-fast',
      `  - name: api-instances-killed
    at: 0s
    duration: 20s
    inject: { exec: { command: [sh, -c, "exit 0"], shell: false } }
    revert: none
    expect:
      - { alert: CacheErrors, within: 1s }
      - { alert: TraceSuccessAbsent, within: 5s }
`,
    );
    const report = await check(file);
    expect(finding(report, 'feasibility', 'api-instances-killed → CacheErrors')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^within 1s cannot be met: the floor is 2s: for 2s → 2 × eval 1s = 2s; firing 2s–5s/),
    });
    expect(finding(report, 'feasibility', 'api-instances-killed → TraceSuccessAbsent')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^within 5s cannot be met: the floor is 9s: window 10s − scrape 1s = 9s; firing 9s–12s/),
    });
    expect(checkExitCode(report)).toBe(1);
  });

  it('fails a baseline where the expected alert already fires', async () => {
    const file = await writePlan(
      'red-baseline',
      `  - name: api-instances-killed
    at: 0s
    duration: 20s
    inject: { http: { url: http://127.0.0.1:18099/admin/api-instances/stop } }
    revert: { http: { url: http://127.0.0.1:18099/admin/api-instances/start } }
    expect:
      - { alert: ApiInstancesDown, within: 10s }
      - { alert: TraceSuccessAbsent, within: 20s }
`,
    );
    const report = await check(file);
    const apiDown = finding(report, 'baseline', 'ApiInstancesDown');
    expect(apiDown.status).toBe('fail');
    expect(apiDown.detail).toMatch(
      /^already firing since \S+ \{instance="127\.0\.0\.1:\d+", job="demo-api", severity="page"\}; firing since/,
    );
    expect(apiDown.detail).toContain('a fault could not be told apart from what is already wrong');
    // Absence of the trace's successes fires too, but only because no trace runs during a check.
    expect(finding(report, 'baseline', 'TraceSuccessAbsent')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('it may fire only because no trace runs now'),
    });
    expect(checkExitCode(report)).toBe(1);
  });

  it('exits 2 on a plan that is not valid, or not there', async () => {
    const invalid = await writePlan('invalid', '  - name: Bad Name\n');
    const cli = await runCli(['check', invalid]);
    expect(cli.stderr).toContain('gameday: the plan has');
    expect(cli.code).toBe(2);
    const missing = await runCli(['check', join(dir, 'no-such-plan.yaml')]);
    expect(missing.stderr).toContain('no-such-plan.yaml');
    expect(missing.code).toBe(2);
  });
});

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      [join(repoRoot, 'verifier', 'cli.ts'), ...args],
      { cwd: repoRoot },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** A loopback port that was free a moment ago; Prometheus scraping it finds nobody there. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(what: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 200; ; delay = Math.min(delay * 1.5, 2000)) {
    try {
      if (await condition()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() + delay > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
