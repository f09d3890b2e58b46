import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../verifier/analyze/index.ts';
import { demoJournal } from '../verifier/analyze/testing/demo-journal.ts';
import { withGamedayCost } from '../verifier/analyze/testing/journal-builder.ts';
import type { GamedayCost } from '../verifier/journal/events.ts';
import { toReportJson } from '../verifier/report/report-json.ts';
import { windowBench } from './window.ts';

const report = (gameday?: GamedayCost) => toReportJson(analyzeRun(gameday ? withGamedayCost(demoJournal(), gameday) : demoJournal()));

describe('the window case', () => {
  it("takes gameday's own CPU over the run's length, and its peak RSS, from report.json", () => {
    const r = report({ cpuSeconds: 33.1, peakRssMb: 160 });
    const runSeconds = (Date.parse(r.run.endedAt as string) - Date.parse(r.run.startedAt)) / 1000;
    const bench = windowBench({ runDir: '/runs/x', report: r });
    expect(bench).toMatchObject({ runDir: '/runs/x', runSeconds, cpuSeconds: 33.1, peakRssMb: 160 });
    expect(bench.cpuPercentOfOneCore).toBeCloseTo((33.1 / runSeconds) * 100, 6);
    expect(bench.windowSeconds).toBeGreaterThan(0);
  });

  it('refuses a run that recorded no cost of its own', () => {
    expect(() => windowBench({ runDir: '/runs/y', report: report() })).toThrow(/the run in \/runs\/y recorded no cost of its own/);
  });
});
