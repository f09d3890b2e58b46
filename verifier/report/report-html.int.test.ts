// report.html in a real browser (Debian's Chromium, driven by playwright-core): from the journal of
// a recorded demo run, `rebuildReports` writes the page; the test checks that it renders without
// the network, that the timeline is drawn with one mark per figure in report.json, that the table
// matches report.json, and that junit.xml parses in the browser's XML parser. Screenshots land in
// test-artifacts/ (git-ignored): report.png (the run) and compare.png (the trend across two runs).

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRunDirs, rebuildReports } from '../index.ts';
import { readJournal } from '../journal/journal.ts';
import { repoRoot, resolveTool } from '../toolchain/index.ts';
import { formatSeconds } from './format.ts';
import type { ReportJson } from './report-json.ts';

const artifacts = join(repoRoot, 'test-artifacts');
const fixture = (name: string) => join(repoRoot, 'verifier', 'report', 'fixtures', `${name}.journal.jsonl`);

describe('report.html in Chromium', () => {
  let dir: string;
  let runDir: string;
  let report: ReportJson;
  let context: BrowserContext;
  let page: Page;
  const offline: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-html-'));
    for (const name of ['demo-run-1', 'demo-run-2']) {
      await mkdir(join(dir, name));
      // Recorded before runbook paths became relative to the plan's folder (and in a temporary
      // copy of the demo): point the plan at the demo's folder and its runbooks as it is now.
      const journal = (await readFile(fixture(name), 'utf8'))
        .replace(/"file":"[^"]*\/plan\.yaml"/g, `"file":${JSON.stringify(join(repoRoot, 'examples', 'demo', 'plan.yaml'))}`)
        .replaceAll('"runbook_url":"examples/demo/runbooks/', '"runbook_url":"runbooks/');
      await writeFile(join(dir, name, 'journal.jsonl'), journal);
    }
    runDir = join(dir, 'demo-run-1');
    report = (await rebuildReports(runDir)).report;

    const executablePath = await resolveTool('chromium');
    // playwright adds --headless; the rest keeps Chromium off the (closed) network.
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // The page must need nothing but its own file: record and refuse every other request.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      offline.push(url);
      return route.abort();
    });
    page = await context.newPage();
    await page.goto(pathToFileURL(join(runDir, 'report.html')).href);
    await mkdir(artifacts, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const count = (selector: string) => page.locator(selector).count();
  const all = () => report.faults.flatMap((fault) => fault.expectations);

  it('renders by itself: the title, the headline, no request beyond the file', async () => {
    expect(await page.title()).toBe(`Game day: demo — run ${report.run.id}`);
    expect(await page.locator('#headline').textContent()).toBe(report.summary.headline);
    expect(offline).toEqual([]);
    expect(await count('script, link[rel="stylesheet"], img, iframe')).toBe(0);
  });

  it('draws the timeline: trace, fault windows, bursts, and every alert figure of report.json', async () => {
    const svg = page.locator('svg.timeline');
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(1000);
    expect(box?.height).toBeGreaterThan(400);

    const injected = report.faults.filter((fault) => fault.injectedAt !== null);
    expect(await count('svg.timeline .fault-window')).toBe(injected.length);
    expect(await count('svg.timeline .fault-band')).toBe(injected.length);
    expect(await page.locator('svg.timeline .fault-window').evaluateAll((els) => els.map((el) => el.getAttribute('data-fault')))).toEqual(
      injected.map((fault) => fault.name),
    );
    expect(await count('svg.timeline .burst')).toBe(report.bursts.filter((b) => b.startedAt !== null).length);
    expect(await count('svg.timeline .mark-pending')).toBe(all().filter((e) => e.pendingAt !== null).length);
    expect(await count('svg.timeline .mark-firing')).toBe(all().filter((e) => e.firingAt !== null).length);
    expect(await count('svg.timeline .mark-notified')).toBe(all().filter((e) => e.notifiedAt !== null).length);
    expect(await count('svg.timeline .alert-row[data-verdict]')).toBe(all().length);
    expect(await count('svg.timeline .mark-unexpected')).toBe(report.unexpectedAlerts.length);
    expect(await count('svg.timeline .mark-resolved')).toBe(all().filter((e) => e.resolvedAt !== null).length);
    expect(await count('svg.timeline .blind-interval')).toBe(report.blindIntervals.length);

    // One red tick per failed trace request in the journal, counted here from the journal itself.
    const events = await readJournal(join(runDir, 'journal.jsonl'));
    const failed = events.flatMap((e) => (e.kind === 'trace.samples' ? e.samples : [])).filter(([, ok]) => ok === 0).length;
    expect(failed).toBeGreaterThan(50);
    expect(await count('svg.timeline .trace-failure')).toBe(failed);

    // The lines are drawn (a path with many segments) and sit inside the chart.
    const segments = async (selector: string) => ((await page.locator(selector).getAttribute('d')) ?? '').split(/[ML]/).length - 1;
    expect(await segments('svg.timeline .success-line')).toBeGreaterThan(100);
    expect(await page.locator('svg.timeline').innerHTML()).not.toContain('NaN');
    expect(await segments('svg.timeline .latency-max')).toBeGreaterThan(100);
    const outside = await page.locator('svg.timeline .mark, svg.timeline .fault-window, svg.timeline .burst').evaluateAll((els) => {
      const chart = (els[0] as unknown as { ownerSVGElement: (typeof els)[number] }).ownerSVGElement.getBoundingClientRect();
      return els.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width === 0 || r.left < chart.left || r.right > chart.right || r.top < chart.top || r.bottom > chart.bottom;
      }).length;
    });
    expect(outside).toBe(0);
  });

  it('has the per-fault table of report.json: verdicts, figures and runbook links', async () => {
    const rows = await page.locator('table.detection tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        fault: tr.getAttribute('data-fault'),
        alert: tr.getAttribute('data-alert'),
        verdict: tr.getAttribute('data-verdict'),
        figures: Object.fromEntries(
          [...tr.querySelectorAll('[data-figure]')].map((td) => [td.getAttribute('data-figure'), td.textContent]),
        ),
        runbook: tr.querySelector('a')?.getAttribute('href') ?? null,
      })),
    );
    const expected = report.faults.flatMap((fault) =>
      fault.expectations.map((e) => ({
        fault: fault.name,
        alert: e.alert,
        verdict: e.verdict,
        figures: {
          target: formatSeconds(e.withinSeconds),
          pending: formatSeconds(e.pendingAfterSeconds),
          firing: formatSeconds(e.firingAfterSeconds),
          notified: formatSeconds(e.notifiedAfterSeconds),
          verdict: e.verdict === 'not-injected' ? 'not injected' : e.verdict,
          resolved:
            e.resolvedAfterRevertSeconds === null
              ? '—'
              : `${e.resolvedAfterRevertSeconds < 0 ? '−' : ''}${formatSeconds(Math.abs(e.resolvedAfterRevertSeconds))}`,
          delivery: e.delivery.status === 'not-fired' ? '—' : e.delivery.status.replaceAll('-', ' '),
        },
        runbook: e.runbookUrl === null ? null : expect.any(String),
      })),
    );
    expect(rows).toEqual(expected);
    // Runbook links point at the demo's runbooks from wherever the run folder is.
    for (const { runbook } of rows) if (runbook) expect(existsSync(resolve(runDir, decodeURI(runbook))), runbook).toBe(true);
    expect(rows.filter((row) => row.runbook !== null).length).toBeGreaterThan(0);
  });

  it("has the team's clock of report.json: a row per fault in place, each figure from the injection with its source", async () => {
    const rows = await page
      .locator('#team-clock table.team-clock tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const text = (figure: { afterInjectionSeconds: number; source: string } | null | undefined) =>
      figure ? `${formatSeconds(figure.afterInjectionSeconds)} (${figure.source})` : '—';
    const expected = report.faults.flatMap((fault) =>
      fault.clock ? [[fault.name, text(fault.clock.detect), text(fault.clock.acknowledge), text(fault.clock.restore)]] : [],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.slice(0, 4))).toEqual(expected);
  });

  it('writes junit.xml that a real XML parser reads, with a test case per expectation', async () => {
    const xml = await readFile(join(runDir, 'junit.xml'), 'utf8');
    const parsed = await page.evaluate((text) => {
      // tsconfig has no DOM types; this runs in the page, where DOMParser is the browser's own.
      interface Node {
        nodeName: string;
        textContent: string | null;
        getAttribute(name: string): string | null;
        querySelector(selector: string): Node | null;
        querySelectorAll(selector: string): Iterable<Node>;
      }
      const Parser = (
        globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): Node & { documentElement: Node } } }
      ).DOMParser;
      const doc = new Parser().parseFromString(text, 'application/xml');
      const error = doc.querySelector('parsererror')?.textContent ?? null;
      const suites = doc.documentElement;
      return {
        error,
        root: suites.nodeName,
        tests: suites.getAttribute('tests'),
        cases: [...doc.querySelectorAll('testsuite > testcase')].map((c) => ({
          classname: c.getAttribute('classname'),
          outcome: c.querySelector('failure, error, skipped')?.nodeName ?? 'passed',
        })),
      };
    }, xml);
    expect(parsed.error).toBeNull();
    expect(parsed.root).toBe('testsuites');
    expect(parsed.tests).toBe(String(all().length));
    const outcomeOf: Record<string, string> = {
      detected: 'passed',
      late: 'failure',
      missed: 'failure',
      inconclusive: 'skipped',
      'not-injected': 'error',
    };
    expect(parsed.cases).toEqual(
      report.faults.flatMap((fault) =>
        fault.expectations.map((e) => ({ classname: `gameday.demo.${fault.name}`, outcome: outcomeOf[e.verdict] })),
      ),
    );
  });

  it('saves a screenshot of the page as a test artifact', async () => {
    const file = join(artifacts, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000);
  });

  it('shows the trend across two runs in the compare page', async () => {
    const { htmlFile, trend } = await compareRunDirs([join(dir, 'demo-run-2'), runDir]);
    const comparePage = await context.newPage();
    await comparePage.goto(pathToFileURL(htmlFile).href);
    expect(await comparePage.locator('#trend table.trend-runs tbody tr').count()).toBe(2);
    expect(await comparePage.locator('#trend table.trend-latency tbody tr').count()).toBe(trend.expectations.length);
    expect(await comparePage.locator('#trend svg.sparkline').count()).toBe(trend.expectations.length);
    expect(await comparePage.locator('#trend tr.current').getAttribute('data-run')).toBe(trend.runs[1]?.id);
    expect(trend.teamClock.length).toBeGreaterThan(0);
    expect(await comparePage.locator('#trend table.trend-team-clock tbody tr').count()).toBe(trend.teamClock.length);
    await comparePage.locator('#trend').screenshot({ path: join(artifacts, 'compare.png') });
    expect(offline).toEqual([]);
    await comparePage.close();
  });
});
