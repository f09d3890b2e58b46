// `gameday report` and `gameday compare` through the command line (in-process), on two recorded
// demo runs laid out as run folders (a journal each, as a run leaves it).

import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportJson } from '../report/report-json.ts';
import { gamedayInProcess } from './testing/in-process.ts';

const gameday = (...args: string[]) => gamedayInProcess(args);

describe('gameday report and gameday compare', () => {
  let dir: string;
  const runs = ['demo-run-1', 'demo-run-2'];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-compare-'));
    for (const name of runs) {
      await mkdir(join(dir, name));
      await copyFile(new URL(`../report/fixtures/${name}.journal.jsonl`, import.meta.url), join(dir, name, 'journal.jsonl'));
    }
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('report writes report.json, report.md, report.html and junit.xml from the journal', async () => {
    const result = await gameday('report', join(dir, 'demo-run-1'));
    const files = ['report.json', 'report.md', 'report.html', 'junit.xml'].map((name) => join(dir, 'demo-run-1', name));
    expect(result.stdout).toContain(`reports: ${files.join(', ')}`);
    const report = JSON.parse(await readFile(files[0] as string, 'utf8')) as ReportJson;
    expect(await readFile(files[2] as string, 'utf8')).toContain(`<title>Game day: demo — run ${report.run.id}</title>`);
    expect(await readFile(files[3] as string, 'utf8')).toContain(`tests="${report.summary.expectations}"`);
  });

  it('compare prints the trend and writes the newest run’s page with a trend section', async () => {
    // Each run is analysed from its journal; nothing but compare.html is written.
    const result = await gameday('compare', join(dir, 'demo-run-2'), join(dir, 'demo-run-1'));
    expect((await readdir(join(dir, 'demo-run-2'))).sort()).toEqual(['compare.html', 'journal.jsonl']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^trend of plan demo across 2 runs, oldest first\n/);
    expect(result.stdout).toMatch(/\n#1 +20261123T024658Z-demo .*\n#2 +20261123T025348Z-demo /);
    const htmlFile = join(dir, 'demo-run-2', 'compare.html');
    expect(result.stdout).toContain(`page with the trend: ${htmlFile}`);
    const html = await readFile(htmlFile, 'utf8');
    expect(html).toContain('<section id="trend">');
    expect(html).toContain('<tr data-run="20261123T025348Z-demo" class="current">');
  });

  it('compare reads a folder that holds only a report.json (a CI artifact)', async () => {
    await mkdir(join(dir, 'artifact'));
    await copyFile(join(dir, 'demo-run-1', 'report.json'), join(dir, 'artifact', 'report.json'));
    const result = await gameday('compare', join(dir, 'artifact'), join(dir, 'demo-run-2'), '--html', join(dir, 'trend.html'));
    expect(result.stdout).toMatch(/\n#1 +20261123T024658Z-demo .*\n#2 +20261123T025348Z-demo /);
    expect(await readFile(join(dir, 'trend.html'), 'utf8')).toContain('<section id="trend">');
  });

  it("compare shows the team's clock across runs with the change in percent, counting marks made after each run", async () => {
    // Acknowledged 40 s after the injection in the first game day, 20 s in the second: written down afterwards.
    const marks = [
      ['demo-run-1', '2026-11-23T02:47:46.619Z'],
      ['demo-run-2', '2026-11-23T02:54:16.573Z'],
    ] as const;
    for (const [run, markedAt] of marks) {
      const result = await gameday('mark', join(dir, run), 'api-instances-killed', 'acknowledged', '--at', markedAt, '--note', 'paged');
      expect(result.stdout).toContain('the run has ended');
    }
    const result = await gameday('compare', join(dir, 'demo-run-1'), join(dir, 'demo-run-2'), '--html', join(dir, 'clock.html'));
    expect(result.stdout).toContain("the team's clock: seconds from injection to detect, acknowledge and restore");
    expect(result.stdout).toMatch(/\napi-instances-killed +acknowledge +40 s +20 s +−50 %\n/);
    expect(await readFile(join(dir, 'clock.html'), 'utf8')).toContain('<tr data-fault="api-instances-killed" data-figure="acknowledge">');
    const report = JSON.parse(await readFile(join(dir, 'demo-run-1', 'report.json'), 'utf8')) as ReportJson;
    expect(report.faults[0]?.clock?.acknowledge).toBeNull();
    await gameday('report', join(dir, 'demo-run-1'));
    const rebuilt = JSON.parse(await readFile(join(dir, 'demo-run-1', 'report.json'), 'utf8')) as ReportJson;
    expect(rebuilt.faults[0]?.clock?.acknowledge).toEqual({
      at: '2026-11-23T02:47:46.619Z',
      afterInjectionSeconds: 40,
      afterFirstAlertSeconds: expect.any(Number),
      source: 'mark',
      detail: 'gameday mark: paged',
    });
  });

  it('compare says what is wrong with its arguments', async () => {
    const one = await gameday('compare', join(dir, 'demo-run-1'));
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('gameday compare takes 2 or more run folders of one plan');
    const missing = await gameday('compare', join(dir, 'demo-run-1'), join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope')} has neither a journal.jsonl nor a report.json`);
  });
});
