import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { demoJournal } from '../analyze/testing/demo-journal.ts';
import { parseJournal } from '../analyze/testing/journal-builder.ts';
import { UsageError } from '../errors.ts';
import { type ReportJson, toReportJson } from './report-json.ts';
import { compareRuns, formatTrend } from './trend.ts';

// Two real runs of the demo plan, seven minutes apart; the plan gained an expectation in between
// (capacity-typo / TraceSuccessAbsent). fixtures/README.md says how they were recorded.
const recorded = (name: string) =>
  toReportJson(analyzeRun(parseJournal(readFileSync(new URL(`./fixtures/${name}.journal.jsonl`, import.meta.url), 'utf8'))));

/** A copy of a report with other figures, for trends that must show a change. */
function variant(report: ReportJson, changes: { id: string; startedAt: string; edit?: (report: ReportJson) => void }): ReportJson {
  const copy = structuredClone(report);
  copy.run.id = changes.id;
  copy.run.startedAt = changes.startedAt;
  changes.edit?.(copy);
  return copy;
}

describe('compareRuns on two recorded demo runs', () => {
  const first = recorded('demo-run-1');
  const second = recorded('demo-run-2');
  // Given newest first: the trend orders by start time.
  const trend = compareRuns([second, first]);

  it('orders the runs oldest first and summarises each', () => {
    expect(trend.plan).toBe('demo');
    expect(trend.runs.map((run) => run.id)).toEqual([first.run.id, second.run.id]);
    for (const [index, report] of [first, second].entries()) {
      const run = trend.runs[index];
      expect(run?.expectations).toBe(report.summary.expectations);
      expect(run?.detectedInTime).toBe(report.summary.verdicts.detected);
      const latencies = report.faults.flatMap((f) => f.expectations.map((e) => e.firingAfterSeconds)).filter((s) => s !== null);
      expect(run?.meanDetectionSeconds).toBeCloseTo(latencies.reduce((a, b) => a + b, 0) / latencies.length, 3);
      const restores = report.faults.map((f) => f.impact?.timeToRestoreSeconds).filter((s): s is number => s != null);
      expect(run?.worstTimeToRestoreSeconds).toBe(Math.max(...restores));
    }
  });

  it('has a row per expectation of either run, empty where a run did not have it', () => {
    const keys = trend.expectations.map((row) => row.key);
    expect(keys).toHaveLength(9);
    const added = trend.expectations.find((row) => row.key === 'capacity-typo / TraceSuccessAbsent');
    expect(added?.cells[0]).toBeNull();
    expect(added?.cells[1]?.withinSeconds).toBe(20);
    expect(added?.changeSeconds).toBeNull();
    const row = trend.expectations.find((r) => r.key === 'cache-broken / CacheErrors');
    const [a, b] = [first, second].map(
      (report) => report.faults.find((f) => f.name === 'cache-broken')?.expectations[0]?.firingAfterSeconds ?? Number.NaN,
    );
    expect(row?.cells.map((cell) => cell?.firingAfterSeconds)).toEqual([a, b]);
    expect(row?.changeSeconds).toBeCloseTo((b ?? 0) - (a ?? 0), 3);
  });

  it('has the time to restore of every fault per run', () => {
    expect(trend.faults.map((row) => row.fault)).toEqual([
      'api-instances-killed',
      'replicas-cut',
      'cache-broken',
      'queue-host-unreachable',
      'capacity-typo',
      'replication-never-started',
    ]);
    const killed = trend.faults[0];
    expect(killed?.timeToRestoreSeconds).toEqual([first, second].map((r) => r.faults[0]?.impact?.timeToRestoreSeconds));
  });

  it('prints a table per subject, one column per run', () => {
    const text = formatTrend(trend);
    expect(text.split('\n').slice(0, 5)).toEqual([
      'trend of plan demo across 2 runs, oldest first',
      '',
      expect.stringMatching(/^RUN +ID +STARTED +STATUS +DETECTED IN TIME +COVERAGE \(FAULTS\) +MEAN DETECTION +WORST RESTORE$/),
      expect.stringMatching(/^#1 +20261123T024658Z-demo +2026-11-23 02:46:58Z +completed /),
      expect.stringMatching(/^#2 +20261123T025348Z-demo +2026-11-23 02:53:48Z +completed /),
    ]);
    expect(text).toMatch(/\ncapacity-typo \/ TraceSuccessAbsent +20 s +— +17\.69 s( INCONCLUSIVE)? +—\n/);
  });
});

describe('compareRuns', () => {
  const base = toReportJson(analyzeRun(demoJournal()));

  it('counts coverage by fault: every expectation in time, failed on any late or missed, unjudged otherwise', () => {
    const trend = compareRuns([base]);
    // kill-primary and pool-typo covered; cut-replica late and break-cache missed; queue-unreachable not injected.
    expect(trend.runs[0]?.coverage).toEqual({ covered: 2, judged: 4, notJudged: 1, ratio: 0.5 });
  });

  it('shows a faster detection as a negative change, and a verdict that changed', () => {
    const later = variant(base, {
      id: 'demo-later',
      startedAt: '2026-12-23T02:00:00.000Z',
      edit: (report) => {
        const replica = report.faults[1]?.expectations[0];
        if (replica) Object.assign(replica, { verdict: 'detected', firingAfterSeconds: 45.118 });
      },
    });
    const trend = compareRuns([later, base]);
    const row = trend.expectations.find((r) => r.key === 'cut-replica / ReplicaLag');
    expect(row?.changeSeconds).toBe(-30);
    expect(formatTrend(trend)).toMatch(/\ncut-replica \/ ReplicaLag +60 s +75\.118 s LATE +45\.118 s +−30 s\n/);
    expect(trend.runs.map((run) => run.coverage.ratio)).toEqual([0.5, 0.75]);
  });

  it('refuses runs of different plans, naming them', () => {
    const other = variant(base, { id: 'other-1', startedAt: base.run.startedAt, edit: (r) => void (r.plan.name = 'other') });
    expect(() => compareRuns([base, other])).toThrow(UsageError);
    expect(() => compareRuns([base, other])).toThrow('the runs come from 2 different plans (demo: demo-20261123T020000Z; other: other-1)');
    expect(() => compareRuns([])).toThrow('no runs to compare');
  });
});
