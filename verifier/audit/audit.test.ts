import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import type { CommandIO } from '../commands/command.ts';
import { auditRuleFiles } from './audit.ts';
import { formatAudit, toAuditJunit } from './format.ts';
import type { AuditReport } from './model.ts';

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
const files = {
  ruleFiles: [join(fixtures, 'rules.yml')],
  prometheusConfig: join(fixtures, 'prometheus.yml'),
  alertmanagerConfig: join(fixtures, 'alertmanager.yml'),
};

let report: AuditReport;
let dir: string;

beforeAll(async () => {
  report = await auditRuleFiles(files);
  dir = await mkdtemp(join(tmpdir(), 'gameday-audit-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io(): CommandIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (chunk: string) => ((err += chunk), true) } as unknown as NodeJS.WritableStream,
    env: {},
    signals: { on: () => process, off: () => process } as unknown as CommandIO['signals'],
    out: () => out,
    err: () => err,
  };
}

describe('gameday audit on the fixture rule file (one rule per problem, one clean rule)', () => {
  it('reports each problem exactly once, on the right rule, and nothing on the clean rule', () => {
    const problems = report.findings.filter((finding) => finding.severity !== 'info').map((finding) => [finding.alert, finding.check]);
    expect(problems).toEqual([
      ['ApiDown', 'runbook'],
      ['ApiSlow', 'runbook'],
      ['ApiCertExpiring', 'routing'],
      ['ApiGone', 'absent-for'],
      ['TraceSilent', 'absent-lookback'],
      ['NoOrders', 'rate-zero'],
      ['NeverFires', 'impossible'],
    ]);
    expect(report.findings.filter((finding) => finding.alert === 'ApiErrorRatio').map((finding) => finding.check)).toEqual(['floor']);
    expect(report.rules.map((rule) => rule.alert)).toHaveLength(8);
  });

  it('locates each finding and says what to do', () => {
    const missing = report.findings.find((finding) => finding.alert === 'ApiSlow' && finding.check === 'runbook');
    expect(missing).toMatchObject({ severity: 'error', group: 'api', file: files.ruleFiles[0], line: 22 });
    expect(missing?.message).toMatch(/^runbook_url runbooks\/api-slow\.md points to a file that does not exist/);
    expect(report.findings.find((finding) => finding.check === 'absent-for')).toMatchObject({
      message:
        'absent(up{job="api"}) with for 15s, under twice the scrape interval (2 × 15s, job "api"): a restart or one missed scrape makes it fire',
      hint: 'set for to at least 30s',
    });
    expect(report.findings.find((finding) => finding.check === 'routing')?.message).toBe(
      'the alert reaches only "blackhole" (route.routes[0]), with no integrations: a blackhole, nobody is notified',
    );
  });

  it("gives each rule's floor and worst case as gameday check computes them, range windows included", () => {
    const floor = report.findings.find((finding) => finding.alert === 'ApiErrorRatio' && finding.check === 'floor');
    expect(floor?.message).toBe(
      'fires 5m–10m30s after a fault: scrape 15s (job "api"), eval 15s, for 5m, window 5m of rate(http_requests_total[5m])',
    );
  });

  it('renders JSON in the documented shape, Markdown, and JUnit with one case per rule', () => {
    const json = JSON.parse(formatAudit(report, 'json')) as {
      findings: Array<Record<string, unknown>>;
      coverage: unknown;
      untested: unknown;
    };
    expect(json.findings[1]).toEqual({
      alert: 'ApiDown',
      check: 'runbook',
      severity: 'warning',
      message: 'no runbook_url annotation: whoever is paged has no playbook',
      hint: 'add annotations.runbook_url: a page that says what the alert means and what to do',
      file: files.ruleFiles[0],
      group: 'api',
      line: 16,
    });
    expect(json).toMatchObject({ coverage: null, untested: null });
    expect(formatAudit(report, 'md')).toMatch(/^# gameday audit: 8 alerting rules from .*: 7 problems \(3 errors, 4 warnings\)\n/);
    const junit = toAuditJunit(report);
    expect(junit).toContain('<testsuites name="gameday audit" tests="8" failures="7" errors="0" skipped="0">');
    expect(junit).toMatch(/<testcase classname="[^"]*rules\.yml api" name="ApiErrorRatio">\s*<system-out>info floor: /);
    expect(junit).toContain('<failure type="impossible" message="the expression can never return a sample');
  });
});

describe('gameday audit through the CLI', () => {
  it('exits 1 on problems, writes JUnit, and 0 on the demo rules', async () => {
    const junit = join(dir, 'junit.xml');
    const failing = io();
    const args = ['--prometheus-config', files.prometheusConfig, '--alertmanager-config', files.alertmanagerConfig];
    expect(await main(['audit', '--rules', ...files.ruleFiles, ...args, '--junit', junit], failing)).toBe(1);
    expect(failing.out()).toMatch(/^gameday audit: 8 alerting rules from .*: 7 problems/);
    const demo = fileURLToPath(new URL('../../examples/demo/', import.meta.url));
    const clean = io();
    const demoArgs = ['--prometheus-config', join(demo, 'prometheus.yml'), '--alertmanager-config', join(demo, 'alertmanager.yml')];
    expect(await main(['audit', '--rules', join(demo, 'rules.yml'), ...demoArgs, '--format', 'json'], clean)).toBe(0);
    expect(JSON.parse(clean.out()).findings.every((finding: { severity: string }) => finding.severity === 'info')).toBe(true);
  });

  it('exits 2 with a located message for a YAML error, an unreadable file, a rule without expr, or no input', async () => {
    const broken = join(dir, 'broken.yml');
    await writeFile(broken, 'groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n       for: 5m\n');
    const noExpr = join(dir, 'no-expr.yml');
    await writeFile(noExpr, 'groups:\n  - name: a\n    rules:\n      - alert: Y\n        for: 1m\n');
    const run = io();
    expect(await main(['audit', '--rules', broken, join(dir, 'missing.yml'), noExpr], run)).toBe(2);
    expect(run.err()).toContain('the rule files have 3 problems:');
    expect(run.err()).toMatch(new RegExp(`${broken}:6:\\d+: not valid YAML: `));
    expect(run.err()).toMatch(/missing\.yml: cannot read the rule file: ENOENT/);
    expect(run.err()).toContain(`${noExpr}:4:9: groups[0].rules[0] (alert Y) has no expr`);
    const none = io();
    expect(await main(['audit'], none)).toBe(2);
    expect(none.err()).toContain('say what to audit');
    const format = io();
    expect(await main(['audit', '--rules', broken, '--format', 'xml'], format)).toBe(2);
  });

  it('exits 2 when Prometheus cannot be reached', async () => {
    const run = io();
    expect(await main(['audit', '--prometheus', 'http://127.0.0.1:9'], run)).toBe(2);
    expect(run.err()).toMatch(/^gameday: Prometheus at http:\/\/127\.0\.0\.1:9 did not answer \/api\/v1\/rules/);
  });
});
