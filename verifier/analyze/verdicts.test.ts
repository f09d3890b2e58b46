import { describe, expect, it } from 'vitest';
import { analyzeRun } from './analyze-run.ts';
import { exitCodeFor } from './exit-code.ts';
import type { ExpectationAnalysis, Verdict } from './model.ts';
import { type EpisodeSpec, expectAlert, faultSpec, JournalBuilder, testPlan } from './testing/journal-builder.ts';

// One fault, in place from 60 s to 180 s, grace 60 s: alerts count until 240 s.
// It expects PrimaryDown{role="primary"} within 30 s.
const down = { alertname: 'PrimaryDown', role: 'primary', instance: 'db-1' };

type Schedule = (journal: JournalBuilder) => void;
const onSchedule: Schedule = (journal) => journal.injected('kill-primary', 60).reverted('kill-primary', 180);

function runWith(episodes: EpisodeSpec[], schedule: Schedule = onSchedule) {
  const plan = testPlan({
    faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30, { role: 'primary' })] })],
  });
  const journal = new JournalBuilder(plan).windowStarted(0);
  schedule(journal);
  for (const episode of episodes) journal.alertEpisode(episode);
  journal.reconciled(300).windowEnded(240).runEnded(301);
  const analysis = analyzeRun(journal.build());
  return { analysis, expectation: analysis.faults[0]?.expectations[0] as ExpectationAnalysis };
}

interface VerdictCase {
  name: string;
  episodes: EpisodeSpec[];
  schedule?: Schedule;
  verdict: Verdict;
  pending: number | null;
  firing: number | null;
  preExisting?: number;
}

const cases: VerdictCase[] = [
  {
    name: 'fires within the target: detected',
    episodes: [{ labels: down, pending: 65, firing: 75, last: 185 }],
    verdict: 'detected',
    pending: 5,
    firing: 15,
  },
  {
    name: 'fires exactly at the target: detected',
    episodes: [{ labels: down, pending: 80, firing: 90, last: 185 }],
    verdict: 'detected',
    pending: 20,
    firing: 30,
  },
  {
    name: 'fires after the target, before revert + grace: late',
    episodes: [{ labels: down, pending: 90.5, firing: 100.5, last: 185 }],
    verdict: 'late',
    pending: 30.5,
    firing: 40.5,
  },
  {
    name: 'fires in the grace after the revert: late',
    episodes: [{ labels: down, pending: 225, firing: 235, last: 250 }],
    verdict: 'late',
    pending: 165,
    firing: 175,
  },
  {
    name: 'goes pending, never fires: missed, with the pending figure',
    episodes: [{ labels: down, pending: 65, firing: null, last: 100 }],
    verdict: 'missed',
    pending: 5,
    firing: null,
  },
  {
    name: 'pending before the deadline, fires after it: missed',
    episodes: [{ labels: down, pending: 235, firing: 245, last: 260 }],
    verdict: 'missed',
    pending: 175,
    firing: 185,
  },
  {
    name: 'starts after revert + grace: missed, no figures',
    episodes: [{ labels: down, pending: 245, firing: 255, last: 280 }],
    verdict: 'missed',
    pending: null,
    firing: null,
  },
  {
    name: 'no episode at all: missed',
    episodes: [],
    verdict: 'missed',
    pending: null,
    firing: null,
  },
  {
    name: 'another alert fires: missed',
    episodes: [{ labels: { ...down, alertname: 'ReplicaDown' }, firing: 70, last: 185 }],
    verdict: 'missed',
    pending: null,
    firing: null,
  },
  {
    name: 'the same alert with a label that does not match: missed',
    episodes: [{ labels: { ...down, role: 'replica' }, firing: 70, last: 185 }],
    verdict: 'missed',
    pending: null,
    firing: null,
  },
  {
    name: 'already firing at injection and past the target: pre-existing, inconclusive, never a detection',
    episodes: [{ labels: down, pending: 20, firing: 30, last: 200 }],
    verdict: 'inconclusive',
    pending: null,
    firing: null,
    preExisting: 1,
  },
  {
    name: 'an earlier episode that ended before injection is not pre-existing',
    episodes: [
      { labels: down, pending: 10, firing: 20, last: 40 },
      { labels: down, pending: 70, firing: 80, last: 185 },
    ],
    verdict: 'detected',
    pending: 10,
    firing: 20,
    preExisting: 0,
  },
  {
    name: 'pre-existing, then resolved and fired again during the fault: the new episode detects',
    episodes: [
      { labels: down, pending: 20, firing: 30, last: 70 },
      { labels: down, pending: 100, firing: 110, last: 185 },
    ],
    verdict: 'late',
    pending: 40,
    firing: 50,
    preExisting: 1,
  },
  {
    name: 'for: 0 rule (no pending samples): pending = firing',
    episodes: [{ labels: down, firing: 72, last: 185 }],
    verdict: 'detected',
    pending: 12,
    firing: 12,
  },
  {
    name: 'the injector failed: not-injected, no figures',
    episodes: [{ labels: down, firing: 72, last: 185 }],
    schedule: (journal) => journal.injectFailed('kill-primary', 60),
    verdict: 'not-injected',
    pending: null,
    firing: null,
  },
];

describe('verdicts', () => {
  it.each(cases)('$name', ({ episodes, schedule, verdict, pending, firing, preExisting = 0 }) => {
    const { expectation } = runWith(episodes, schedule);
    expect(expectation.verdict).toBe(verdict);
    expect(expectation.pendingAfterSeconds).toBe(pending);
    expect(expectation.firingAfterSeconds).toBe(firing);
    expect(expectation.preExisting).toHaveLength(preExisting);
  });

  it('records where each figure came from', () => {
    const { expectation } = runWith([{ labels: down, pending: 65, firing: 75, last: 185 }]);
    expect(expectation.sources).toEqual({ pending: 'ALERTS', firing: 'ALERTS', notified: null, resolved: 'ALERTS' });
    expect(expectation.alertLabels).toEqual(down);
  });

  it('says why a pre-existing episode is not a detection', () => {
    const { expectation } = runWith([{ labels: down, pending: 20, firing: 30, last: 200 }]);
    expect(expectation.notes.join('\n')).toMatch(/already firing at injection/);
  });
});

describe('faults a burst exposes', () => {
  function exposed(burstAt: number | null) {
    const plan = testPlan({
      bursts: [{ name: 'peak', atSeconds: 30, rate: 2000, durationSeconds: 60, script: 'loadtests/burst.ts' }],
      faults: [faultSpec('pool-typo', { exposedBy: 'peak', expect: [expectAlert('PoolExhausted', 30)] })],
    });
    const journal = new JournalBuilder(plan).windowStarted(0).injected('pool-typo', 60);
    if (burstAt !== null) journal.burst('peak', burstAt, 60);
    journal
      .reverted('pool-typo', 180)
      .alertEpisode({ labels: { alertname: 'PoolExhausted' }, pending: 95, firing: 105, last: 150 })
      .reconciled(300)
      .runEnded(301);
    return analyzeRun(journal.build()).faults[0];
  }

  it('measures from the burst start when it is later than the injection', () => {
    const fault = exposed(90);
    expect(fault?.measuredFromBurst).toBe('peak');
    expect(fault?.expectations[0]?.firingAfterSeconds).toBe(15);
    expect(fault?.expectations[0]?.verdict).toBe('detected');
  });

  it('measures from the injection when the burst started earlier', () => {
    const fault = exposed(40);
    expect(fault?.measuredFromBurst).toBeNull();
    expect(fault?.expectations[0]?.firingAfterSeconds).toBe(45);
    expect(fault?.expectations[0]?.verdict).toBe('late');
  });

  it('measures from the injection, and says so, when the burst never started', () => {
    const fault = exposed(null);
    expect(fault?.expectations[0]?.firingAfterSeconds).toBe(45);
    expect(fault?.notes.join('\n')).toMatch(/never started/);
  });
});

describe('deadline', () => {
  it('counts alerts to the end of the record when the revert failed', () => {
    const { expectation, analysis } = runWith([{ labels: down, pending: 270, firing: 280, last: 295 }], (journal) =>
      journal.injected('kill-primary', 60).revertFailed('kill-primary', 180),
    );
    expect(analysis.faults[0]?.revertedAt).toBeNull();
    expect(analysis.faults[0]?.notes.join('\n')).toMatch(/never reverted/);
    expect(expectation.verdict).toBe('late');
    expect(expectation.firingAfterSeconds).toBe(220);
  });
});

describe('exitCodeFor', () => {
  const code = (episodes: EpisodeSpec[], schedule?: Schedule) => exitCodeFor(runWith(episodes, schedule).analysis);

  it.each([
    { name: 'detected', episodes: [{ labels: down, firing: 70, last: 185 }], exit: 0 },
    { name: 'late', episodes: [{ labels: down, firing: 100, last: 185 }], exit: 1 },
    { name: 'missed', episodes: [], exit: 1 },
  ])('$name → $exit', ({ episodes, exit }) => {
    expect(code(episodes)).toBe(exit);
  });

  it('not-injected → 1', () => {
    expect(code([], (journal) => journal.injectFailed('kill-primary', 60))).toBe(1);
  });
});
