import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { demoJournal } from '../analyze/testing/demo-journal.ts';
import { expectAlert, faultSpec, JournalBuilder, testPlan, withGamedayCost } from '../analyze/testing/journal-builder.ts';
import { type ReportJson, toReportJson } from './report-json.ts';
import { reportSchemaErrors as schemaErrors } from './report-schema.ts';

function crashedRun(): ReportJson {
  const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
  const journal = new JournalBuilder(plan).windowStarted(0).injecting('kill-primary', 60);
  return toReportJson(analyzeRun(journal.build()));
}

/** The demo run, its run.ended carrying gameday's own CPU and peak RSS as gameday run writes it. */
function costedRun(): ReportJson {
  const events = withGamedayCost(demoJournal(), { cpuSeconds: 12.34, peakRssMb: 151 });
  return toReportJson(analyzeRun(events));
}

describe('report.json', () => {
  it.each([
    { name: 'the demo run', report: () => toReportJson(analyzeRun(demoJournal())) },
    { name: 'a run that crashed mid-injection (nulls everywhere)', report: crashedRun },
    { name: 'a plan without faults', report: () => toReportJson(analyzeRun(new JournalBuilder(testPlan()).build())) },
    { name: "a run that recorded gameday's own cost", report: costedRun },
  ])('$name fits report.schema.json', ({ report }) => {
    expect(schemaErrors(report())).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown verdict',
      spoil: (r: ReportJson) => Object.assign(r.faults[0]?.expectations[0] ?? {}, { verdict: 'maybe' }),
    },
    {
      name: 'a time that is not ISO 8601',
      spoil: (r: ReportJson) => Object.assign(r.run, { startedAt: '1795399200' }),
    },
    {
      name: 'a missing field',
      spoil: (r: ReportJson) => delete (r.summary as Partial<ReportJson['summary']>).headline,
    },
    { name: 'an undocumented field', spoil: (r: ReportJson) => Object.assign(r.faults[0] ?? {}, { extra: 1 }) },
  ])('the schema rejects $name', ({ spoil }) => {
    const report = toReportJson(analyzeRun(demoJournal()));
    spoil(report);
    expect(schemaErrors(report)).not.toEqual([]);
  });

  it('is versioned, with ISO times and seconds', () => {
    const report = toReportJson(analyzeRun(demoJournal()));
    expect(report.version).toBe(1);
    expect(report.faults[0]).toMatchObject({
      name: 'kill-primary',
      injectedAt: '2026-11-23T02:01:00.200Z',
      revertedAt: '2026-11-23T02:03:00.100Z',
      measuredFrom: '2026-11-23T02:01:00.200Z',
      expectations: [
        {
          alert: 'PrimaryDown',
          labels: { role: 'primary' },
          withinSeconds: 30,
          verdict: 'detected',
          pendingAfterSeconds: 5.218,
          firingAfterSeconds: 15.218,
          notifiedAfterSeconds: 16.4,
          firingAt: '2026-11-23T02:01:15.418Z',
          sources: { pending: 'ALERTS', firing: 'alertmanager-api', notified: 'webhook', resolved: 'ALERTS' },
          runbookUrl: 'examples/demo/runbooks/primary-down.md',
        },
      ],
    });
  });

  it("carries gameday's own cost when run.ended has it, and nothing when it does not", () => {
    expect(costedRun().run.gameday).toEqual({ cpuSeconds: 12.34, peakRssMb: 151 });
    expect(toReportJson(analyzeRun(demoJournal())).run).not.toHaveProperty('gameday');
    const spoiled = costedRun();
    Object.assign(spoiled.run, { gameday: { cpuSeconds: -1, peakRssMb: 151 } });
    expect(schemaErrors(spoiled)).not.toEqual([]);
  });

  it('counts verdicts and gives the exit code', () => {
    expect(toReportJson(analyzeRun(demoJournal())).summary).toEqual({
      headline: '2 of 5 expectations detected in time (1 late, 1 missed, 1 not injected)',
      expectations: 5,
      verdicts: { detected: 2, late: 1, missed: 1, inconclusive: 0, 'not-injected': 1 },
      unexpectedAlerts: 1,
      exitCode: 1,
    });
  });

  it('measures a fault a burst exposes from the burst', () => {
    const fault = toReportJson(analyzeRun(demoJournal())).faults.find((f) => f.name === 'pool-typo');
    expect(fault).toMatchObject({
      injectedAt: '2026-11-23T02:07:30.200Z',
      measuredFrom: '2026-11-23T02:08:00.000Z',
      measuredFromBurst: 'peak',
    });
  });
});
