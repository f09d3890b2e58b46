import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { coverage } from './coverage.ts';
import type { AuditRule } from './model.ts';
import { parseRuleFile } from './rule-files.ts';
import { runbookUrlFindings } from './online.ts';
import { runsCoverage } from './runs.ts';

const demoRulesFile = fileURLToPath(new URL('../../examples/demo/rules.yml', import.meta.url));
const { readFileSync } = await import('node:fs');
const demoRules: AuditRule[] = parseRuleFile(demoRulesFile, readFileSync(demoRulesFile, 'utf8'), { evaluationSeconds: 1 }, []);

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('coverage of scrape jobs and trace journeys', () => {
  it('puts each demo rule on the jobs and journeys it reads, as a failure or an absence-of-success alert', () => {
    const rows = coverage(demoRules, {
      jobs: ['demo-api', 'demo-deps', 'demo-gateway', 'gameday'],
      journeys: ['trace'],
      seriesJobs: new Map(),
    });
    expect(rows).toEqual([
      { kind: 'job', name: 'demo-api', failureAlerts: ['ApiInstancesDown', 'CacheErrors', 'HighErrorRate'], absenceAlerts: [] },
      { kind: 'job', name: 'demo-deps', failureAlerts: ['ReplicasDown', 'PrimarySlow', 'QueueUnreachable'], absenceAlerts: [] },
      { kind: 'job', name: 'demo-gateway', failureAlerts: [], absenceAlerts: [] },
      { kind: 'job', name: 'gameday', failureAlerts: [], absenceAlerts: [] },
      { kind: 'journey', name: 'trace', failureAlerts: [], absenceAlerts: ['TraceSuccessAbsent'] },
    ]);
  });

  it('uses the series a selector without a job matcher reads now, and counts a rate that drops to nothing as absence', () => {
    const rule = (name: string, query: string): AuditRule => ({
      name,
      group: 'g',
      file: 'f',
      query,
      forSeconds: 0,
      intervalSeconds: 60,
      labels: {},
      annotations: {},
    });
    const rows = coverage([rule('NoCheckouts', 'sum(rate(checkouts_total[5m])) < 1'), rule('Errors', 'rate(errors_total[5m]) > 1')], {
      jobs: ['shop', 'other'],
      journeys: [],
      seriesJobs: new Map([
        ['checkouts_total', ['shop']],
        ['errors_total', ['shop', 'other']],
      ]),
    });
    expect(rows).toEqual([
      { kind: 'job', name: 'shop', failureAlerts: ['Errors'], absenceAlerts: ['NoCheckouts'] },
      { kind: 'job', name: 'other', failureAlerts: ['Errors'], absenceAlerts: [] },
    ]);
  });
});

describe('--runs: alerts past game days exercised, and the untested ones', () => {
  it('counts the verdicts of two recorded demo runs and lists the rules no run expected', async () => {
    const runs = await mkdtemp(join(tmpdir(), 'gameday-audit-runs-'));
    dirs.push(runs);
    for (const name of ['demo-run-1', 'demo-run-2']) {
      await mkdir(join(runs, name));
      await copyFile(
        fileURLToPath(new URL(`../report/fixtures/${name}.journal.jsonl`, import.meta.url)),
        join(runs, name, 'journal.jsonl'),
      );
    }
    const notes: string[] = [];
    const found = await runsCoverage(runs, demoRules, notes);
    expect(notes).toEqual([]);
    expect(found.runs).toBe(2);
    expect(found.exercised.map((entry) => entry.alert)).toEqual([
      'ApiInstancesDown',
      'CacheErrors',
      'HighErrorRate',
      'QueueUnreachable',
      'ReplicasDown',
      'TraceSuccessAbsent',
    ]);
    const verdicts = (alert: string) => found.exercised.find((entry) => entry.alert === alert)?.verdicts;
    // Both runs detected everything; run 1's plan predates TraceSuccessAbsent under capacity-typo: 3 + 4.
    expect(verdicts('TraceSuccessAbsent')).toEqual({ detected: 7, late: 0, missed: 0, inconclusive: 0 });
    expect(verdicts('CacheErrors')).toEqual({ detected: 2, late: 0, missed: 0, inconclusive: 0 });
    expect(found.untested).toEqual(['PrimarySlow', 'Watchdog']);
  });

  it('refuses a folder with no run in it', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gameday-audit-empty-'));
    dirs.push(empty);
    await expect(runsCoverage(empty, demoRules, [])).rejects.toThrow(/no run in it/);
    await expect(runsCoverage(join(empty, 'nope'), demoRules, [])).rejects.toThrow(/cannot read the folder/);
  });
});

describe('runbook URLs on allowed hosts (online)', () => {
  const rule = (name: string, url: string): AuditRule => ({
    name,
    group: 'g',
    file: 'rules.yml',
    query: 'up == 0',
    forSeconds: 0,
    intervalSeconds: 60,
    labels: {},
    annotations: { runbook_url: url },
  });

  it('asks only allowed hosts, once per URL, and reports what does not answer 2xx/3xx', async () => {
    const asked: string[] = [];
    const statuses: Record<string, number> = {
      'https://wiki.example.com/ok': 200,
      'https://wiki.example.com/moved': 301,
      'https://wiki.example.com/gone': 404,
    };
    const head = async (url: string) => {
      asked.push(url);
      if (url.endsWith('/down')) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return statuses[url] ?? 500;
    };
    const rules = [
      rule('A', 'https://wiki.example.com/ok'),
      rule('B', 'https://wiki.example.com/moved'),
      rule('C', 'https://wiki.example.com/gone'),
      rule('D', 'https://wiki.example.com/gone'),
      rule('E', 'https://wiki.example.com/down'),
      rule('F', 'https://elsewhere.example.org/gone'),
      rule('G', 'https://wiki.example.com/{{ $labels.job }}'),
    ];
    const findings = await runbookUrlFindings(rules, ['WIKI.example.com'], [], head);
    expect(asked.sort()).toEqual([
      'https://wiki.example.com/down',
      'https://wiki.example.com/gone',
      'https://wiki.example.com/moved',
      'https://wiki.example.com/ok',
    ]);
    expect(findings.map((finding) => [finding.alert, finding.check, finding.severity, finding.message])).toEqual([
      ['C', 'runbook', 'error', 'runbook_url https://wiki.example.com/gone answers HEAD with 404'],
      ['D', 'runbook', 'error', 'runbook_url https://wiki.example.com/gone answers HEAD with 404'],
      ['E', 'runbook', 'error', expect.stringMatching(/^runbook_url https:\/\/wiki\.example\.com\/down does not answer: /)],
    ]);
  });
});
