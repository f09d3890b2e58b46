// What makes a verdict trustworthy, on built journals: the clock offset, blind intervals and the
// inconclusive verdict, recovery after the revert, delivery of the notification, and the latency
// beside its floor. Recorded runs exercise the same code in recorded-journals.test.ts.

import { describe, expect, it } from 'vitest';
import { analyzeRun } from './analyze-run.ts';
import { estimateClock } from './clock.ts';
import { exitCodeFor } from './exit-code.ts';
import type { ExpectationAnalysis } from './model.ts';
import { expectAlert, faultSpec, JournalBuilder, T0, testPlan, unix } from './testing/journal-builder.ts';

// Two faults, each expecting one alert within 30 s; in place 60–120 s and 200–260 s, grace 60 s.
const primary = { alertname: 'PrimaryDown', instance: 'db-1' };
const absent = { alertname: 'TraceSuccessAbsent' };

function journal(): JournalBuilder {
  const plan = testPlan({
    faults: [
      faultSpec('kill-primary', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('PrimaryDown', 30)] }),
      faultSpec('replication', { atSeconds: 200, durationSeconds: 60, expect: [expectAlert('TraceSuccessAbsent', 30)] }),
    ],
  });
  return new JournalBuilder(plan).windowStarted(0).injected('kill-primary', 60).reverted('kill-primary', 120);
}

/** Both faults detected: PrimaryDown pending 65, firing 75; TraceSuccessAbsent (for: 0) firing 215. */
function detectedRun(build: (j: JournalBuilder) => JournalBuilder = (j) => j) {
  const j = journal()
    .injected('replication', 200)
    .reverted('replication', 260)
    .alertEpisode({ labels: primary, pending: 65, firing: 75, last: 125 })
    .alertEpisode({ labels: absent, firing: 215, last: 265 });
  return build(j);
}

function analyze(j: JournalBuilder) {
  const analysis = analyzeRun(j.reconciled(400).windowEnded(320).runEnded(401).build());
  const [first, second] = analysis.faults.map((fault) => fault.expectations[0] as ExpectationAnalysis);
  return { analysis, primaryDown: first as ExpectationAnalysis, traceAbsent: second as ExpectationAnalysis };
}

describe('clock offset', () => {
  it('takes the read with the shortest round trip, averages preflight and end, and reports the drift', () => {
    const events = journal().clockSampled(-20, 'preflight', 4000, 2, 400).clockSampled(390, 'end', 4010, 4).build();
    expect(estimateClock(events)).toEqual({ offsetMs: 4005, uncertaintyMs: 7, driftMs: 10, samples: 6, corrected: true });
  });

  it("moves Prometheus's times onto gameday's clock before measuring", () => {
    // Prometheus's clock runs 5 s ahead: every timestamp it wrote is 5 s later than gameday's.
    const skewed = journal()
      .clockSampled(-20, 'preflight', 5000)
      .clockSampled(390, 'end', 5000)
      .injected('replication', 200)
      .reverted('replication', 260)
      .alertEpisode({ labels: primary, pending: 70, firing: 80, last: 130 })
      .alertEpisode({ labels: absent, firing: 220, last: 270 })
      .alertmanagerPoll(81, [{ labels: primary, startsAt: 80 }])
      .webhook(76.2, [{ labels: primary, startsAt: 80 }]);
    const { analysis, primaryDown, traceAbsent } = analyze(skewed);
    expect(analysis.clock).toMatchObject({ offsetMs: 5000, corrected: true });
    expect(primaryDown).toMatchObject({ pendingAfterSeconds: 5, firingAfterSeconds: 15, notifiedAfterSeconds: 16.2, verdict: 'detected' });
    expect(primaryDown.sources).toMatchObject({ pending: 'ALERTS', firing: 'alertmanager-api', notified: 'webhook' });
    expect(traceAbsent.firingAfterSeconds).toBe(15);
  });

  it('leaves the times alone without reads', () => {
    const { analysis, primaryDown } = analyze(detectedRun());
    expect(analysis.clock).toBeNull();
    expect(primaryDown.firingAfterSeconds).toBe(15);
  });
});

describe('blind intervals and the inconclusive verdict', () => {
  it('makes a verdict inconclusive when Alertmanager was unreachable while it was decided, and keeps the figures', () => {
    const { analysis, primaryDown, traceAbsent } = analyze(detectedRun((j) => j.unreachable('alertmanager', 62, 90)));
    expect(primaryDown.verdict).toBe('inconclusive');
    expect(primaryDown.firingAfterSeconds).toBe(15);
    expect(primaryDown.inconclusive.map((reason) => reason.cause)).toEqual(['alertmanager-unreachable']);
    expect(primaryDown.inconclusive[0]?.detail).toMatch(/Alertmanager did not answer gameday: ECONNREFUSED/);
    expect(primaryDown.notes.join('\n')).toMatch(/measured alone this would be detected/);
    expect(traceAbsent.verdict).toBe('detected');
    expect(analysis.blindIntervals).toEqual([
      expect.objectContaining({ cause: 'alertmanager-unreachable', from: T0 + 61_000, to: T0 + 90_000, affectsVerdicts: true }),
    ]);
    expect(exitCodeFor(analysis)).toBe(5);
  });

  it('never turns a miss into a pass or a fail: a blind stretch before the deadline makes a miss inconclusive', () => {
    const j = journal().injected('replication', 200).reverted('replication', 260).unreachable('alertmanager', 300, 305);
    const { traceAbsent } = analyze(j);
    expect(traceAbsent.verdict).toBe('inconclusive');
  });

  it('ignores a blind stretch after the alert fired', () => {
    const { primaryDown } = analyze(detectedRun((j) => j.unreachable('alertmanager', 80, 100)));
    expect(primaryDown.verdict).toBe('detected');
  });

  it("does not blind a verdict when only gameday's polls of Prometheus failed and its record covers the stretch", () => {
    const { analysis, primaryDown } = analyze(detectedRun((j) => j.unreachable('prometheus', 61, 100)));
    expect(primaryDown.verdict).toBe('detected');
    expect(primaryDown.sources.pending).toBe('ALERTS');
    expect(analysis.blindIntervals).toEqual([expect.objectContaining({ cause: 'prometheus-unreachable', affectsVerdicts: false })]);
    expect(analysis.blindIntervals[0]?.detail).toMatch(/gameday's view only/);
  });

  it('blinds it when there is no record to fall back on', () => {
    const j = detectedRun((b) => b.unreachable('prometheus', 61, 100));
    const analysis = analyzeRun(j.windowEnded(320).runEnded(401).build());
    expect(analysis.faults[0]?.expectations[0]?.verdict).toBe('inconclusive');
  });

  it("finds stretches without rule evaluations in the watchdog's record", () => {
    const j = detectedRun((b) => {
      for (const [from, to] of [
        [-30, 40],
        [100, 400],
      ] as const) {
        b.alertEpisode({ labels: { alertname: 'Watchdog', severity: 'none' }, firing: from, last: to });
      }
      return b;
    });
    const { analysis, primaryDown, traceAbsent } = analyze(j);
    expect(analysis.blindIntervals).toEqual([
      expect.objectContaining({ cause: 'rules-not-evaluated', from: T0 + 40_000, to: T0 + 100_000, affectsVerdicts: true }),
    ]);
    // A stall can only have delayed the firing: PrimaryDown fired in time all the same.
    expect(primaryDown.verdict).toBe('detected');
    expect(traceAbsent.verdict).toBe('detected');
    // A miss during the stall, though, could be the stall's doing.
    const missed = analyze(
      journal()
        .alertEpisode({ labels: { alertname: 'Watchdog', severity: 'none' }, firing: -30, last: 40 })
        .alertEpisode({ labels: { alertname: 'Watchdog', severity: 'none' }, firing: 100, last: 400 }),
    );
    expect(missed.primaryDown.verdict).toBe('inconclusive');
    expect(missed.primaryDown.inconclusive.map((reason) => reason.cause)).toEqual(['rules-not-evaluated']);
  });

  it('sees the watchdog missing from Alertmanager as blind, until it is back', () => {
    const j = detectedRun((b) => b.alertmanagerPoll(10, []).alertmanagerPoll(63, [], { watchdog: false }).alertmanagerPoll(70, []));
    const { analysis, primaryDown } = analyze(j);
    expect(analysis.blindIntervals).toEqual([expect.objectContaining({ cause: 'watchdog-missing', from: T0 + 63_000, to: T0 + 70_000 })]);
    expect(primaryDown.verdict).toBe('inconclusive');
  });

  it('does not blind an alert seen arriving in Alertmanager at once while the watchdog was missing (awaiting its resend)', () => {
    const j = detectedRun((b) =>
      b
        .alertmanagerPoll(10, [], { watchdog: false })
        .alertmanagerPoll(76, [{ labels: primary, startsAt: 75 }], { watchdog: false })
        .alertmanagerPoll(150, []),
    );
    const { analysis, primaryDown, traceAbsent } = analyze(j);
    expect(analysis.blindIntervals).toEqual([expect.objectContaining({ cause: 'watchdog-missing', from: T0 + 10_000, to: T0 + 150_000 })]);
    expect(primaryDown.verdict).toBe('detected');
    expect(primaryDown.notes.join('\n')).toMatch(/but this alert got through at once \(in Alertmanager 1 s after firing\)/);
    // TraceSuccessAbsent fired at 215, after the watchdog was back: not affected either way.
    expect(traceAbsent.verdict).toBe('detected');
  });

  it("blinds only the failing rule's expectations", () => {
    const j = detectedRun((b) =>
      b.rulesHealth(205, [{ name: 'TraceSuccessAbsent', lastError: 'vector cannot contain metrics with the same labelset' }]),
    );
    const { analysis, primaryDown, traceAbsent } = analyze(j);
    expect(analysis.blindIntervals).toEqual([expect.objectContaining({ cause: 'rule-unhealthy', alert: 'TraceSuccessAbsent', to: null })]);
    expect(primaryDown.verdict).toBe('detected');
    // It fired in time all the same: a failing evaluation can only have delayed it.
    expect(traceAbsent.verdict).toBe('detected');
    // Without a firing, the failing rule is why nothing can be said.
    const silent = analyze(
      journal()
        .injected('replication', 200)
        .reverted('replication', 260)
        .rulesHealth(205, [{ name: 'TraceSuccessAbsent', lastError: 'vector cannot contain metrics with the same labelset' }]),
    );
    expect(silent.traceAbsent.verdict).toBe('inconclusive');
    expect(silent.traceAbsent.inconclusive[0]?.detail).toMatch(/vector cannot contain metrics with the same labelset/);
  });

  it("blinds expectations on trace series when the trace's series did not reach Prometheus, and only those", () => {
    const j = detectedRun((b) =>
      b
        .detectionInputs(-25, [
          { alert: 'PrimaryDown' },
          { alert: 'TraceSuccessAbsent', readsTrace: true, forSeconds: 0, windowSeconds: 10 },
        ])
        .traceSeries(400, -20, 400, [
          [62, 80],
          [205, 212],
        ]),
    );
    const { analysis, primaryDown, traceAbsent } = analyze(j);
    expect(
      analysis.blindIntervals.map((interval) => [interval.cause, (interval.from - T0) / 1000, ((interval.to ?? 0) - T0) / 1000]),
    ).toEqual([
      ['trace-stale', 62.705, 80.705],
      ['trace-stale', 205.705, 212.705],
    ]);
    expect(primaryDown.verdict).toBe('detected');
    expect(traceAbsent.verdict).toBe('inconclusive');
  });

  it('is inconclusive when the alert was already active at injection and past the target', () => {
    const j = journal().alertEpisode({ labels: primary, pending: 20, firing: 30, last: 125 });
    const { primaryDown } = analyze(j);
    expect(primaryDown.verdict).toBe('inconclusive');
    expect(primaryDown.inconclusive).toEqual([expect.objectContaining({ cause: 'pre-existing', from: T0 + 20_000 })]);
    expect(primaryDown.preExisting).toHaveLength(1);
  });

  it('judges normally when the pre-existing episode ended before the target', () => {
    const j = journal().alertEpisode({ labels: primary, pending: 20, firing: 30, last: 63 });
    const { primaryDown } = analyze(j);
    expect(primaryDown.verdict).toBe('missed');
    expect(primaryDown.preExisting).toHaveLength(1);
  });
});

describe('recovery after the revert', () => {
  it('times the resolution from the revert, with its source', () => {
    const { primaryDown } = analyze(detectedRun());
    // Last ALERTS sample at 125, evaluations every 5 s: resolved at 130, 10 s after the revert at 120.
    expect(primaryDown.recovery).toEqual({ status: 'resolved', resolvedAt: T0 + 130_000, resolvedAfterRevertSeconds: 10 });
    expect(primaryDown.sources.resolved).toBe('ALERTS');
  });

  it('prefers the exact endsAt of a resolved notification over a poll', () => {
    const j = journal()
      .prometheusPoll(66, [{ labels: primary, activeAt: 65, state: 'pending' }])
      .prometheusPoll(76, [{ labels: primary, activeAt: 65, state: 'firing' }])
      .webhook(77, [{ labels: primary, startsAt: 75 }])
      .prometheusPoll(131, [])
      .webhook(133, [{ labels: primary, startsAt: 75, status: 'resolved', endsAt: 127.5 }]);
    const analysis = analyzeRun(j.windowEnded(320).runEnded(401).build());
    const expectation = analysis.faults[0]?.expectations[0];
    expect(expectation?.recovery).toMatchObject({ status: 'resolved', resolvedAfterRevertSeconds: 7.5 });
    expect(expectation?.sources.resolved).toBe('webhook');
  });

  it('says when the alert never resolved', () => {
    const { primaryDown } = analyze(journal().alertEpisode({ labels: primary, pending: 65, firing: 75, last: 400 }));
    expect(primaryDown.recovery.status).toBe('never-resolved');
    expect(primaryDown.notes.join('\n')).toMatch(/never resolved after the revert/);
  });

  it('says when it resolved while the fault was still in place', () => {
    const { primaryDown } = analyze(journal().alertEpisode({ labels: primary, pending: 65, firing: 75, last: 95 }));
    expect(primaryDown.recovery).toMatchObject({ status: 'resolved-before-revert', resolvedAfterRevertSeconds: -20 });
  });
});

describe('delivery', () => {
  const inputs = (j: JournalBuilder) => j.detectionInputs(-25, [{ alert: 'PrimaryDown', groupWaitSeconds: 1, groupIntervalSeconds: 10 }]);

  it('is on time within group_wait of firing', () => {
    const { primaryDown } = analyze(detectedRun((j) => inputs(j).webhook(76.2, [{ labels: primary, startsAt: 75 }])));
    expect(primaryDown.delivery).toMatchObject({
      status: 'on-time',
      afterFiringSeconds: 1.2,
      groupWaitSeconds: 1,
      groupIntervalSeconds: 10,
    });
  });

  it("blames grouping, not the rule, for a notification that waited for an existing group's tick", () => {
    const { primaryDown } = analyze(detectedRun((j) => inputs(j).webhook(83, [{ labels: primary, startsAt: 75 }])));
    expect(primaryDown.verdict).toBe('detected');
    expect(primaryDown.delivery.status).toBe('delayed-by-grouping');
    expect(primaryDown.delivery.explanation).toMatch(/joined an aggregation group that already existed.*the rule was not slow/);
  });

  it('says a notification was suppressed by grouping when the alert fired and resolved within one group_interval', () => {
    const j = inputs(journal())
      .alertEpisode({ labels: primary, pending: 65, firing: 75, last: 80 })
      .webhook(30, [{ labels: { alertname: 'Other' }, startsAt: 29 }]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('suppressed-by-grouping');
    expect(primaryDown.delivery.explanation).toMatch(/grouping, not the rule/);
  });

  it('says none came when the alert stayed firing well past group_wait + group_interval', () => {
    const { primaryDown } = analyze(detectedRun((j) => inputs(j)));
    expect(primaryDown.delivery.status).toBe('not-notified');
  });

  it("says when the route's receiver does not call gameday's webhook", () => {
    const j = detectedRun((b) => b.detectionInputs(-25, [{ alert: 'PrimaryDown', receiver: 'pager', receiverCallsGameday: false }]));
    expect(analyze(j).primaryDown.delivery.status).toBe('not-routed-to-gameday');
  });

  it('blames Alertmanager when it was unreachable when the notification was due', () => {
    const { primaryDown } = analyze(detectedRun((j) => inputs(j).unreachable('alertmanager', 76, 90)));
    expect(primaryDown.delivery.status).toBe('alertmanager-blind');
  });
});

describe('where the seconds went', () => {
  it('puts each stretch beside what the configuration allows, and the latency beside its floor', () => {
    const j = detectedRun((b) =>
      b
        .detectionInputs(-25, [{ alert: 'PrimaryDown', scrapeSeconds: 5, evalSeconds: 5, forSeconds: 10, groupWaitSeconds: 1 }])
        .webhook(76.2, [{ labels: primary, startsAt: 75 }]),
    );
    const { primaryDown, traceAbsent } = analyze(j);
    expect(primaryDown.timing).toEqual({
      inputs: { scrapeSeconds: 5, scrapeSource: 'job "demo"', evalSeconds: 5, forSeconds: 10, windowSeconds: 0, groupWaitSeconds: 1 },
      floorSeconds: 10,
      worstSeconds: 20,
      aboveFloorSeconds: 5,
      segments: [
        { name: 'condition', measuredSeconds: 5, expectedMinSeconds: 0, expectedMaxSeconds: 10 },
        { name: 'for', measuredSeconds: 10, expectedMinSeconds: 10, expectedMaxSeconds: 10 },
        { name: 'notification', measuredSeconds: 1.2, expectedMinSeconds: 1, expectedMaxSeconds: 1 },
      ],
    });
    expect(traceAbsent.timing).toBeNull();
  });
});

describe('unexpected alerts', () => {
  it('says which are still active when the record ends', () => {
    const j = detectedRun((b) => b.alertEpisode({ labels: { alertname: 'DiskFull' }, firing: 100, last: 400 }));
    const { analysis } = analyze(j);
    // Started during kill-primary (60–120 s) and still firing through replication (200–260 s): it overlaps both.
    expect(analysis.unexpectedAlerts).toEqual([
      expect.objectContaining({ alertname: 'DiskFull', stillActiveAtEnd: true, duringFaults: ['kill-primary', 'replication'] }),
    ]);
    expect(unix(0)).toBe(T0 / 1000);
  });

  it('puts an alert down to the faults whose injection-to-revert span it overlaps, not to one whose grace it falls into', () => {
    // kill-primary is reverted at 120 s, its grace runs to 180 s; replication is in place 200–260 s.
    const j = detectedRun((b) =>
      b
        .alertEpisode({ labels: { alertname: 'InGrace' }, firing: 150, last: 170 })
        .alertEpisode({ labels: { alertname: 'Spans' }, firing: 110, last: 210 }),
    );
    const { analysis } = analyze(j);
    const during = Object.fromEntries(analysis.unexpectedAlerts.map((alert) => [alert.alertname, alert.duringFaults]));
    expect(during).toEqual({ Spans: ['kill-primary', 'replication'], InGrace: [] });
  });
});
