import { describe, expect, it } from 'vitest';
import { analyzeRun } from './analyze-run.ts';
import { expectAlert, faultSpec, JournalBuilder, T0, testPlan } from './testing/journal-builder.ts';

const down = { alertname: 'PrimaryDown', instance: 'db-1' };
const s = (ms: number | null | undefined) => (ms == null ? null : (ms - T0) / 1000);

function oneFault() {
  const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
  return new JournalBuilder(plan)
    .windowStarted(0)
    .injected('kill-primary', 60)
    .reverted('kill-primary', 180)
    .alertEpisode({ labels: down, pending: 65, firing: 75, last: 185 });
}

describe('notified', () => {
  interface Case {
    name: string;
    webhooks: (journal: JournalBuilder) => JournalBuilder;
    notifiedAfter: number | null;
  }
  const cases: Case[] = [
    {
      name: 'the first webhook carrying this firing',
      webhooks: (j) => j.webhook(76.2, [{ labels: down, startsAt: 75 }]).webhook(90, [{ labels: down, startsAt: 75 }]),
      notifiedAfter: 16.2,
    },
    {
      name: 'extra labels (Prometheus external labels) still match',
      webhooks: (j) => j.webhook(77, [{ labels: { ...down, cluster: 'lab' }, startsAt: 75.2 }]),
      notifiedAfter: 17,
    },
    {
      name: 'a notification of an earlier episode (another startsAt) does not count',
      webhooks: (j) => j.webhook(76, [{ labels: down, startsAt: 20 }]),
      notifiedAfter: null,
    },
    {
      name: 'a resolved notification does not count',
      webhooks: (j) => j.webhook(76, [{ labels: down, startsAt: 75, status: 'resolved', endsAt: 76 }]),
      notifiedAfter: null,
    },
    {
      name: 'a notification of another label set does not count',
      webhooks: (j) => j.webhook(76, [{ labels: { ...down, instance: 'db-2' }, startsAt: 75 }]),
      notifiedAfter: null,
    },
  ];

  it.each(cases)('$name', ({ webhooks, notifiedAfter }) => {
    const journal = webhooks(oneFault()).reconciled(300).runEnded(301);
    const expectation = analyzeRun(journal.build()).faults[0]?.expectations[0];
    expect(expectation?.notifiedAfterSeconds).toBe(notifiedAfter);
    expect(expectation?.sources.notified).toBe(notifiedAfter === null ? null : 'webhook');
  });
});

describe('unexpected alerts', () => {
  function analysisWith(build: (journal: JournalBuilder) => JournalBuilder) {
    const plan = testPlan({
      faults: [
        faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] }),
        faultSpec('cut-replica', { atSeconds: 300, expect: [expectAlert('ReplicaLag', 60, { replica: 'r1' })] }),
      ],
    });
    const journal = new JournalBuilder(plan)
      .windowStarted(0)
      .injected('kill-primary', 60)
      .reverted('kill-primary', 180)
      .injected('cut-replica', 300)
      .reverted('cut-replica', 400);
    return analyzeRun(build(journal).reconciled(600).windowEnded(550).runEnded(601).build()).unexpectedAlerts;
  }

  it('lists alerts no expectation matches, grouped by labels, with the faults in place', () => {
    const unexpected = analysisWith((j) =>
      j
        .alertEpisode({ labels: { alertname: 'HighLatency', route: '/api' }, pending: 70, firing: 80, last: 100 })
        .alertEpisode({ labels: { alertname: 'HighLatency', route: '/api' }, pending: 320, firing: 330, last: 350 })
        .alertEpisode({
          labels: { alertname: 'HighLatency', route: '/health' },
          pending: 270,
          firing: null,
          last: 280,
        }),
    );
    expect(unexpected.map((u) => ({ ...u, firstStartedAt: s(u.firstStartedAt) }))).toEqual([
      {
        alertname: 'HighLatency',
        labels: { alertname: 'HighLatency', route: '/api' },
        episodes: 2,
        firstStartedAt: 70,
        fired: true,
        duringFaults: ['kill-primary', 'cut-replica'],
        stillActiveAtEnd: false,
      },
      {
        alertname: 'HighLatency',
        labels: { alertname: 'HighLatency', route: '/health' },
        episodes: 1,
        firstStartedAt: 270,
        fired: false,
        duringFaults: [],
        stillActiveAtEnd: false,
      },
    ]);
  });

  it.each<{ name: string; labels: Record<string, string>; start: number }>([
    { name: 'the watchdog', labels: { alertname: 'Watchdog' }, start: 100 },
    {
      name: 'an expected alert, even during another fault',
      labels: { alertname: 'ReplicaLag', replica: 'r1' },
      start: 100,
    },
    { name: 'an alert that started before the window', labels: { alertname: 'HighLatency' }, start: -20 },
    { name: 'an alert that started after the window', labels: { alertname: 'HighLatency' }, start: 560 },
  ])('leaves out $name', ({ labels, start }) => {
    const unexpected = analysisWith((j) => j.alertEpisode({ labels, firing: start, last: start + 20 }));
    expect(unexpected).toEqual([]);
  });

  it('counts the same alert with a label an expectation does not match', () => {
    const unexpected = analysisWith((j) => j.alertEpisode({ labels: { alertname: 'ReplicaLag', replica: 'r2' }, firing: 320, last: 340 }));
    expect(unexpected.map((u) => u.labels)).toEqual([{ alertname: 'ReplicaLag', replica: 'r2' }]);
  });
});

describe('run', () => {
  it.each([
    { name: 'completed', end: (j: JournalBuilder) => j.runEnded(300), status: 'completed' },
    { name: 'aborted', end: (j: JournalBuilder) => j.runEnded(300, 'aborted', 'SIGINT'), status: 'aborted' },
    { name: 'crashed (no run.ended)', end: (j: JournalBuilder) => j, status: 'incomplete' },
  ])('$name → $status', ({ end, status }) => {
    const analysis = analyzeRun(end(oneFault()).build());
    expect(analysis.run.status).toBe(status);
    expect(analysis.run.id).toBe('run-20261123-020000');
  });

  it('rejects a journal without run.started', () => {
    expect(() => analyzeRun([{ kind: 'window.started', at: '2026-11-23T02:00:00Z' }])).toThrow(
      /invalid journal; reason: expected a run.started event/,
    );
  });

  it('says when the record ends before revert + grace (a crash)', () => {
    const analysis = analyzeRun(oneFault().reconciled(200).build());
    expect(analysis.faults[0]?.notes.join()).toMatch(/the record ends at .* 40 s before revert \+ grace/);
  });

  it('counts what the monitoring could not see', () => {
    const analysis = analyzeRun(oneFault().observeFailed(90, 'alertmanager').observeFailed(92, 'alertmanager').build());
    expect(analysis.monitoring.observeFailures).toEqual({ prometheus: 0, alertmanager: 2, webhook: 0 });
    expect(analysis.monitoring.reconciled).toBe(false);
  });

  it('marks a fault whose injection began but never finished', () => {
    const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
    const analysis = analyzeRun(new JournalBuilder(plan).windowStarted(0).injecting('kill-primary', 60).build());
    expect(analysis.faults[0]).toMatchObject({ injection: 'never-injected', injectedAt: null });
    expect(analysis.faults[0]?.expectations[0]?.verdict).toBe('not-injected');
    expect(analysis.faults[0]?.notes.join()).toMatch(/the fault may be in place/);
  });
});

describe('bursts', () => {
  it('reports rate, drops and exit for each planned burst', () => {
    const plan = testPlan({
      bursts: [
        { name: 'peak', atSeconds: 30, rate: 2000, durationSeconds: 60, script: 'loadtests/burst.ts' },
        { name: 'second', atSeconds: 200, rate: 500, durationSeconds: 30, script: 'loadtests/burst.ts' },
        { name: 'never', atSeconds: 400, rate: 500, durationSeconds: 30, script: 'loadtests/burst.ts' },
      ],
    });
    const journal = new JournalBuilder(plan)
      .burst('peak', 30, 60, {
        achievedRate: 1900,
        iterations: 114_000,
        droppedIterations: 6000,
        httpReqDurationP95Ms: 48.2,
      })
      .burst('second', 200, 30, null);
    const bursts = analyzeRun(journal.build()).bursts;
    expect(bursts.map((b) => [b.name, b.status, b.achievedRate, b.droppedIterations, b.droppedRatio, b.p95Ms])).toEqual([
      ['peak', 'completed', 1900, 6000, 0.05, 48.2],
      ['second', 'running', null, null, null, null],
      ['never', 'not-started', null, null, null, null],
    ]);
    expect(bursts[0]?.requestedRate).toBe(2000);
  });
});

describe('impact of faults close together', () => {
  // Grace 60 s: the first fault's revert + grace (100 s) reaches past the second injection (70 s).
  const plan = testPlan({
    faults: [faultSpec('first', { expect: [expectAlert('A', 30)] }), faultSpec('second', { expect: [expectAlert('B', 30)] })],
  });
  const journal = new JournalBuilder(plan)
    .windowStarted(0)
    .injected('first', 10)
    .reverted('first', 40)
    .injected('second', 70)
    .reverted('second', 100)
    // The trace fails while each fault is in place: 10–40 s and 70–100 s.
    .trace(0, 160, (second) => (second >= 10 && second < 40) || (second >= 70 && second < 100))
    .runEnded(170);

  it("counts the next fault's failures for the next fault only", () => {
    const [first, second] = analyzeRun(journal.build()).faults;
    expect(first?.impact?.failedRequests).toBe(30);
    expect(s(first?.impact?.to)).toBeCloseTo(70, 2);
    expect(first?.impact?.timeToRestoreSeconds).toBeLessThan(1);
    expect(second?.impact?.failedRequests).toBe(30);
    expect(second?.impact?.timeToRestoreSeconds).toBeLessThan(1);
  });
});

describe('a run cut short', () => {
  const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
  const journal = (endsAt: number) =>
    new JournalBuilder(plan)
      .windowStarted(0)
      .injected('kill-primary', 60)
      .reverted('kill-primary', endsAt - 1)
      .runEnded(endsAt, 'aborted', 'SIGINT received')
      .build();

  it('is inconclusive, not missed, when it ends before the target passed', () => {
    const [expectation] = analyzeRun(journal(65)).faults[0]?.expectations ?? [];
    expect(expectation?.verdict).toBe('inconclusive');
    expect(expectation?.inconclusive.map((reason) => reason.cause)).toEqual(['cut-short']);
  });

  it('is missed when the target had passed before it ended', () => {
    const [expectation] = analyzeRun(journal(100)).faults[0]?.expectations ?? [];
    expect(expectation?.verdict).toBe('missed');
  });
});
