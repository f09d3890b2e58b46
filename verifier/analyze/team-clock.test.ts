import { describe, expect, it } from 'vitest';
import { analyzeRun } from './analyze-run.ts';
import { exitCodeFor } from './exit-code.ts';
import { at, expectAlert, faultSpec, JournalBuilder, testPlan } from './testing/journal-builder.ts';
import type { FaultMarked } from '../journal/events.ts';

// One fault, in place from 60 s to 180 s (grace 60 s), expecting PrimaryDown{role="primary"} in 30 s;
// it fires at 75 s: detection 15 s after the injection.
const down = { alertname: 'PrimaryDown', role: 'primary', instance: 'db-1' };
const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30, { role: 'primary' })] })] });
const matcher = (name: string, value: string, isEqual = true) => ({ name, value, isRegex: false, isEqual });

function mark(kind: FaultMarked['mark'], seconds: number, note?: string): FaultMarked {
  return {
    kind: 'fault.marked',
    at: at(seconds + 0.3),
    fault: 'kill-primary',
    mark: kind,
    markedAt: at(seconds),
    by: 'cli',
    ...(note && { note }),
  };
}

function journal(build: (journal: JournalBuilder) => void = () => {}) {
  const builder = new JournalBuilder(plan).windowStarted(0).injected('kill-primary', 60);
  build(builder);
  builder.alertEpisode({ labels: down, pending: 70, firing: 75, last: 185 }).reconciled(300).windowEnded(240).runEnded(301);
  return analyzeRun(builder.build()).faults[0];
}

describe("the team's clock", () => {
  it('detect is the first expected alert firing; restore the scheduled revert, from injection and from the alert', () => {
    const clock = journal((j) => j.reverted('kill-primary', 180))?.clock;
    expect(clock?.detect).toMatchObject({ afterInjectionSeconds: 15, afterFirstAlertSeconds: null, source: 'alert' });
    expect(clock?.acknowledge).toBeNull();
    expect(clock?.restore).toMatchObject({ afterInjectionSeconds: 120, afterFirstAlertSeconds: 105, source: 'revert' });
    expect(clock?.restore?.detail).toBe('scheduled revert (exec)');
  });

  it('acknowledge is the first silence created during the fault whose matchers mute the alert', () => {
    const clock = journal((j) =>
      j
        // Created before the fault: it acknowledges nothing of this one.
        .silences(30, [{ id: 'before', matchers: [matcher('alertname', 'PrimaryDown')], startsAt: at(30) }])
        // Mutes another alert.
        .silences(80, [{ id: 'other', matchers: [matcher('alertname', 'DiskFull')], startsAt: at(80) }])
        // Excludes this alert's instance (!=).
        .silences(85, [
          { id: 'not-db-1', matchers: [matcher('alertname', 'PrimaryDown'), matcher('instance', 'db-1', false)], startsAt: at(85) },
        ])
        .silences(92, [
          { id: 'ack', matchers: [matcher('alertname', 'PrimaryDown'), matcher('role', 'primary')], startsAt: at(92), comment: 'on it' },
        ])
        .reverted('kill-primary', 180),
    )?.clock;
    expect(clock?.acknowledge).toMatchObject({ afterInjectionSeconds: 32, afterFirstAlertSeconds: 17, source: 'silence' });
    expect(clock?.acknowledge?.detail).toBe('silence ack by oncall@example.com: "on it"');
  });

  it('a mark acknowledged earlier than any silence wins; a mark claiming a moment before the injection does not count', () => {
    const clock = journal((j) =>
      j
        .push(mark('acknowledged', 50))
        .push(mark('acknowledged', 88, 'paged Ana'))
        .silences(92, [{ id: 'ack', matchers: [matcher('alertname', 'PrimaryDown')], startsAt: at(92) }])
        .reverted('kill-primary', 180),
    )?.clock;
    expect(clock?.acknowledge).toMatchObject({ afterInjectionSeconds: 28, source: 'mark', detail: 'gameday mark: paged Ana' });
  });

  it('restore: a mark or the trace before the revert wins (Zalando: first alert to restoration)', () => {
    const marked = journal((j) => j.push(mark('restored', 150)).reverted('kill-primary', 180))?.clock;
    expect(marked?.restore).toMatchObject({ afterInjectionSeconds: 90, afterFirstAlertSeconds: 75, source: 'mark' });
    const traced = journal((j) =>
      j.push({ kind: 'fault.restored', at: at(141), fault: 'kill-primary', restoredAt: at(140), source: 'trace', iterations: 3 }),
    )?.clock;
    expect(traced?.restore).toMatchObject({ afterInjectionSeconds: 80, afterFirstAlertSeconds: 65, source: 'trace' });
    expect(traced?.restore?.detail).toBe('the trace succeeded again for 3 iterations');
  });

  it('a manual fault no one marked: not injected, its expectations inconclusive with the reason, never missed, no clock', () => {
    const reason = 'no one marked it injected within 2m (by 2026-11-23T02:03:00.000Z)';
    const events = new JournalBuilder(plan)
      .windowStarted(0)
      .injecting('kill-primary', 60)
      .push({
        kind: 'fault.awaiting-mark',
        at: at(60),
        fault: 'kill-primary',
        mark: 'injected',
        instructions: 'stop db-1 by hand',
        deadline: at(180),
      })
      .push({ kind: 'fault.not-injected', at: at(180), fault: 'kill-primary', reason })
      .reconciled(300)
      .windowEnded(240)
      .runEnded(301)
      .build();
    const analysis = analyzeRun(events);
    const fault = analysis.faults[0];
    expect(fault?.injection).toBe('not-injected');
    expect(fault?.clock).toBeNull();
    expect(fault?.notes).toContain(`not injected: ${reason}`);
    expect(fault?.expectations[0]?.verdict).toBe('inconclusive');
    expect(fault?.expectations[0]?.inconclusive).toEqual([
      { cause: 'not-injected', from: null, to: null, detail: `not injected: ${reason}` },
    ]);
    expect(exitCodeFor(analysis)).toBe(5);
  });
});

describe('a fault the team restored (revert: responders)', () => {
  const responders = testPlan({
    faults: [
      faultSpec('kill-primary', {
        revert: 'none',
        restore: { consecutive: 3 },
        expect: [expectAlert('PrimaryDown', 30, { role: 'primary' })],
      }),
    ],
  });
  function analyze(build: (journal: JournalBuilder) => void) {
    const builder = new JournalBuilder(responders).windowStarted(0).injected('kill-primary', 60);
    build(builder);
    builder.alertEpisode({ labels: down, pending: 70, firing: 75, last: 185 }).reconciled(400).windowEnded(390).runEnded(401);
    return analyzeRun(builder.build()).faults[0];
  }

  it('is judged to its restore + grace, as a reverted fault is to its revert', () => {
    const fault = analyze((j) =>
      j.push({ kind: 'fault.restored', at: at(141), fault: 'kill-primary', restoredAt: at(140), source: 'trace', iterations: 3 }),
    );
    expect(fault?.revertedAt).toBeNull();
    expect(fault?.deadline).toBe(Date.parse(at(200)));
    expect(fault?.notes.join('\n')).not.toMatch(/never (reverted|restored)/);
  });

  it('a restored mark (even one made after the run) ends it the same way', () => {
    const fault = analyze((j) => j.push(mark('restored', 150)));
    expect(fault?.deadline).toBe(Date.parse(at(210)));
  });

  it('never restored: alerts are counted to the end of the record, and the report says so', () => {
    const fault = analyze(() => {});
    expect(fault?.deadline).toBe(Date.parse(at(401)));
    expect(fault?.notes).toContain('never restored: alerts are counted to the end of the record');
  });
});
