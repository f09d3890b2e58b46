// Slowness as user impact, end to end through the renderers: a built journal whose only fault
// makes every request slow (no failure), and the recorded demo run whose replicas-cut is exactly
// that. Before latency counted, both read "0 failed, 0 s impact".

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { at, expectAlert, faultSpec, JournalBuilder, parseJournal, T0, testPlan } from '../analyze/testing/journal-builder.ts';
import { toHtml } from './html/page.ts';
import { toMarkdown } from './markdown.ts';
import { traceRecord } from './trace-record.ts';
import { toReportJson } from './report-json.ts';
import { reportSchemaErrors } from './report-schema.ts';
import { compareRuns, formatTrend } from './trend.ts';

const links = { reportDir: '/repo/runs/x', planDir: '/repo', docsDir: '/repo/docs' };

/** Injected at 60 s, reverted at 120 s: requests take 1.5 s from 62 s to 121 s, 20 ms otherwise. */
function slowOnlyJournal(latencyFactor?: number) {
  const plan = testPlan({
    faults: [faultSpec('db-slow', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('LatencyHigh', 60)] })],
    ...(latencyFactor !== undefined && { impact: { latencyFactor } }),
  });
  return new JournalBuilder(plan)
    .windowStarted(0)
    .trace(
      0,
      200,
      () => false,
      (s) => (s >= 62 && s <= 121 ? 1500 : 20 + (s % 5)),
    )
    .injected('db-slow', 60)
    .reverted('db-slow', 120)
    .windowEnded(180)
    .runEnded(200)
    .build();
}

describe('a slow-only fault (built journal)', () => {
  const report = toReportJson(analyzeRun(slowOnlyJournal()));
  const fault = report.faults[0];

  it('is latency impact with its duration in report.json, which the schema accepts', () => {
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(fault?.impact).toMatchObject({
      failedRequests: 0,
      firstFailureAt: null,
      kind: 'latency',
      impactStartedAt: '2026-11-23T02:01:02.250Z',
      restoredAt: '2026-11-23T02:02:02.250Z',
      impactSeconds: 60,
      timeToRestoreSeconds: 2.25,
      journeys: [],
      latency: {
        baseline: { requests: 60, p50Ms: 22, p95Ms: 24, maxMs: 24 },
        thresholdMs: 48,
        slow: true,
        slowRequests: 60,
        slowSeconds: 60,
      },
    });
  });

  it('has a steady baseline (60 requests): no note about it', () => {
    expect(fault?.notes.join('\n')).not.toContain('latency baseline');
  });

  it('reads as slow in report.md, not "0 failed, 0 s impact"', () => {
    const markdown = toMarkdown(report, links);
    expect(markdown).toContain('| db-slow | 120 | 0 | — | 24 / 1500 / 1500 ms | 24 ms ×2 | 60 s (slow) | 02:02:02Z | 2.25 s |');
    expect(markdown).toContain('Users saw slowness during 1 of 1 faults, 60 s in all');
    expect(markdown).toContain('db-slow: first slow trace request');
  });

  it('reads as slow in report.html', () => {
    const html = toHtml(report, { links });
    expect(html).toMatch(/<tr data-fault="db-slow" data-impact="latency">[\s\S]*?60 s \(slow\)/);
  });

  it("follows the plan's impact.latencyFactor: at 100× the same run is not impact", () => {
    const lenient = toReportJson(analyzeRun(slowOnlyJournal(100)));
    expect(lenient.faults[0]?.impact).toMatchObject({
      kind: 'none',
      impactSeconds: 0,
      latency: { factor: 100, thresholdMs: 2400, slow: false },
    });
  });

  it('shows in the compare trend', () => {
    const text = formatTrend(compareRuns([report]));
    expect(text).toContain('user impact: seconds of failed or slow trace requests');
    expect(text).toMatch(/db-slow\s+60 s slow \(p95 1500 ms\)/);
  });
});

describe('the recorded demo run (demo-run-1): replicas-cut slowed every request and failed none', () => {
  const text = readFileSync(new URL('./fixtures/demo-run-1.journal.jsonl', import.meta.url), 'utf8');
  const report = toReportJson(analyzeRun(parseJournal(text)));
  const impactOf = (name: string) => report.faults.find((fault) => fault.name === name)?.impact;

  it('is latency impact against the baseline before the first fault', () => {
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(impactOf('replicas-cut')).toMatchObject({
      failedRequests: 0,
      kind: 'latency',
      impactSeconds: 20,
      latency: {
        baseline: { requests: 3, p95Ms: 42.333 },
        during: { requests: 30, p50Ms: 110.03, p95Ms: 128.788, maxMs: 135.339 },
        thresholdMs: 84.666,
        slow: true,
        slowRequests: 20,
      },
    });
  });

  it('says its baseline is thin: 3 requests, whose slowest is the p95', () => {
    const first = report.faults.find((fault) => fault.injectedAt !== null);
    expect(first?.notes.join('\n')).toContain('the latency baseline holds only 3 trace requests before the first fault');
    expect(
      report.faults
        .slice(1)
        .flatMap((fault) => fault.notes)
        .join('\n'),
    ).not.toContain('latency baseline');
  });

  it('keeps failure-only faults as failures and a fault as fast as the baseline as none', () => {
    expect(impactOf('queue-host-unreachable')).toMatchObject({ kind: 'failures', failedRequests: 25, latency: { slow: false } });
    expect(impactOf('cache-broken')).toMatchObject({ kind: 'none', impactSeconds: 0, latency: { slow: false } });
  });
});

describe('named journeys: per-journey impact in every renderer', () => {
  /** One iteration a second per journey from 0 to 200 s; checkout's take 900 ms from 62 to 121 s, browse's never slow down. */
  function journeyEvents(journey: string, ms: (s: number) => number) {
    const samples: Array<[number, 0 | 1]> = [];
    const latencies: Array<[number, number]> = [];
    for (let s = 0; s <= 200; s++) {
      samples.push([T0 + s * 1000 + 500, 1]);
      latencies.push([T0 + s * 1000 + 500, ms(s)]);
    }
    return { kind: 'trace.samples' as const, at: at(201), journey, samples, latencies };
  }
  const plan = testPlan({
    faults: [faultSpec('payments-slow', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('LatencyHigh', 60)] })],
  });
  const events = new JournalBuilder(plan)
    .windowStarted(0)
    .push(journeyEvents('browse', () => 30))
    .push(journeyEvents('checkout', (s) => (s >= 62 && s <= 121 ? 900 : 40)))
    .injected('payments-slow', 60)
    .reverted('payments-slow', 120)
    .windowEnded(180)
    .runEnded(200)
    .build();
  const report = toReportJson(analyzeRun(events));

  it('judges each journey against its own baseline', () => {
    expect(reportSchemaErrors(report)).toEqual([]);
    const journeys = report.faults[0]?.impact?.journeys ?? [];
    expect(journeys.map((j) => [j.journey, j.kind, j.impactSeconds, j.latency?.baseline?.p95Ms])).toEqual([
      ['browse', 'none', 0, 30],
      ['checkout', 'latency', 60, 40],
    ]);
  });

  it('lists the journeys under their fault in report.md', () => {
    const markdown = toMarkdown(report, links);
    expect(markdown).toContain('| payments-slow · browse | 120 | 0 | — | 30 / 30 / 30 ms | 30 ms ×2 | 0 s |');
    expect(markdown).toContain('| payments-slow · checkout | 120 | 0 | — | 40 / 900 / 900 ms | 40 ms ×2 | 60 s (slow) |');
  });

  it('draws a latency lane per journey in report.html', () => {
    const html = toHtml(report, { links, trace: traceRecord(events) });
    expect([...html.matchAll(/<g class="lane lane-latency" data-journey="([^"]+)">/g)].map((m) => m[1])).toEqual(['browse', 'checkout']);
    expect(html).toMatch(/<tr data-fault="payments-slow" data-journey="checkout" data-impact="latency">/);
  });
});
