// Journals from runs, replayed through the analysis and every renderer. Adding a recorded run is
// one line in `journals`: the file under ./fixtures/ and the verdict each expectation must get.
// Besides the verdicts, every journal is held to invariants that hold for any correct analysis.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toConsoleTable, toMarkdown, toReportJson } from '../report/index.ts';
import { reportSchemaErrors } from '../report/report-schema.ts';
import { analyzeRun } from './analyze-run.ts';
import type { RunAnalysis, Verdict } from './model.ts';
import { demoJournal } from './testing/demo-journal.ts';
import { parseJournal } from './testing/journal-builder.ts';

interface RecordedJournal {
  /** File name under ./fixtures/. */
  file: string;
  /** `fault/alert` → verdict, for every expectation of the plan. */
  verdicts: Record<string, Verdict>;
}

const journals: RecordedJournal[] = [
  // Recorded by test/blind-pipeline.int.test.ts: gameday cut off from Prometheus (through a
  // multi-tenant proxy) for the whole of the first alert, Alertmanager stopped during the second.
  {
    file: 'blind-pipeline-polls-cut-alertmanager-stopped.journal.jsonl',
    verdicts: {
      'replicas-cut/ReplicasDown': 'detected',
      'cache-broken/CacheErrors': 'inconclusive',
    },
  },
  // Recorded by test/episodes-and-noise.int.test.ts: CacheErrors fires twice for two faults,
  // ReplicasDown already fires when replicas-again starts, TraceSuccessAbsent fires for no
  // expectation, and ReplicasDownBroken's rule fails to evaluate.
  {
    file: 'episodes-twice-pre-existing-noise-broken-rule.journal.jsonl',
    verdicts: {
      'cache-broken-1/CacheErrors': 'detected',
      'cache-broken-2/CacheErrors': 'detected',
      'replicas-cut/ReplicasDown': 'detected',
      'replicas-cut/ReplicasDownBroken': 'inconclusive',
      'replicas-again/ReplicasDown': 'inconclusive',
      'queue-host-unreachable/QueueUnreachable': 'detected',
    },
  },
  // `npm run demo` on its own ports: the run shown at the top of the README.
  {
    file: 'npm-run-demo.journal.jsonl',
    verdicts: {
      'api-instances-killed/ApiInstancesDown': 'detected',
      'api-instances-killed/TraceSuccessAbsent': 'detected',
      'replicas-cut/ReplicasDown': 'detected',
      'cache-broken/CacheErrors': 'detected',
      'queue-host-unreachable/QueueUnreachable': 'detected',
      'queue-host-unreachable/TraceSuccessAbsent': 'detected',
      'capacity-typo/HighErrorRate': 'detected',
      'capacity-typo/TraceSuccessAbsent': 'detected',
      'replication-never-started/TraceSuccessAbsent': 'detected',
    },
  },
  // The whole demo (examples/demo/plan.yaml, ports shifted), every journal event of this version.
  {
    file: 'demo-all-detected-grouping-delay.journal.jsonl',
    verdicts: {
      'api-instances-killed/ApiInstancesDown': 'detected',
      'api-instances-killed/TraceSuccessAbsent': 'detected',
      'replicas-cut/ReplicasDown': 'detected',
      'cache-broken/CacheErrors': 'detected',
      'queue-host-unreachable/QueueUnreachable': 'detected',
      'queue-host-unreachable/TraceSuccessAbsent': 'detected',
      'capacity-typo/HighErrorRate': 'detected',
      'capacity-typo/TraceSuccessAbsent': 'detected',
      'replication-never-started/TraceSuccessAbsent': 'detected',
    },
  },
  // The whole demo, recorded before preflight waited for the watchdog: it reached Alertmanager a
  // minute late (dropped before discovery, then resent), while every fault's alert got through at once.
  {
    file: 'demo-watchdog-awaiting-resend.journal.jsonl',
    verdicts: {
      'api-instances-killed/ApiInstancesDown': 'detected',
      'api-instances-killed/TraceSuccessAbsent': 'detected',
      'replicas-cut/ReplicasDown': 'detected',
      'cache-broken/CacheErrors': 'detected',
      'queue-host-unreachable/QueueUnreachable': 'detected',
      'queue-host-unreachable/TraceSuccessAbsent': 'detected',
      'capacity-typo/HighErrorRate': 'detected',
      'replication-never-started/TraceSuccessAbsent': 'detected',
    },
  },
  // Hand-built (testing/demo-journal.ts), not recorded: the situations recordings have not shown yet.
  {
    file: 'synthetic-demo.journal.jsonl',
    verdicts: {
      'kill-primary/PrimaryDown': 'detected',
      'cut-replica/ReplicaLag': 'late',
      'break-cache/CacheErrors': 'missed',
      'queue-unreachable/QueueUnreachable': 'not-injected',
      'pool-typo/PoolExhausted': 'detected',
    },
  },
];

function read(file: string) {
  return parseJournal(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));
}

function load(file: string): RunAnalysis {
  return analyzeRun(read(file));
}

it('synthetic-demo.journal.jsonl is testing/demo-journal.ts written out', () => {
  expect(read('synthetic-demo.journal.jsonl')).toEqual(demoJournal());
});

describe.each(journals)('$file', ({ file, verdicts }) => {
  const analysis = load(file);
  const expectations = analysis.faults.flatMap((fault) => fault.expectations.map((expectation) => ({ fault, expectation })));

  it('gives the expected verdicts', () => {
    const actual = Object.fromEntries(
      expectations.map(({ fault, expectation }) => [`${fault.name}/${expectation.alert}`, expectation.verdict]),
    );
    expect(actual).toEqual(verdicts);
  });

  it('gives verdicts that agree with the figures', () => {
    for (const { fault, expectation } of expectations) {
      const { verdict, firingAfterSeconds: firing, withinSeconds, firingAt } = expectation;
      const where = `${fault.name}/${expectation.alert}`;
      if (verdict === 'detected') expect(firing, where).not.toBeNull();
      if (verdict === 'detected') expect(firing ?? Infinity, where).toBeLessThanOrEqual(withinSeconds);
      if (verdict === 'late') expect(firing ?? -Infinity, where).toBeGreaterThan(withinSeconds);
      if (verdict === 'missed' && firingAt !== null) expect(firingAt, where).toBeGreaterThan(fault.deadline ?? 0);
      if (verdict === 'not-injected') expect(fault.injectedAt, where).toBeNull();
    }
  });

  it('orders the figures as the alerting pipeline does: pending, firing, notified', () => {
    for (const { fault, expectation } of expectations) {
      const { pendingAfterSeconds: pending, firingAfterSeconds: firing, notifiedAfterSeconds: notified } = expectation;
      const where = `${fault.name}/${expectation.alert}`;
      if (pending !== null && firing !== null) expect(pending, where).toBeLessThanOrEqual(firing);
      if (firing !== null && notified !== null) expect(firing, where).toBeLessThanOrEqual(notified);
    }
  });

  it('never counts a pre-existing alert as the detection', () => {
    for (const { fault, expectation } of expectations) {
      if (fault.injectedAt === null || expectation.firingAt === null) continue;
      expect(expectation.pendingAt ?? expectation.firingAt).toBeGreaterThanOrEqual(fault.injectedAt);
    }
  });

  it('gives reasons for every inconclusive verdict and for no other', () => {
    for (const { fault, expectation } of expectations) {
      const where = `${fault.name}/${expectation.alert}`;
      if (expectation.verdict === 'inconclusive') expect(expectation.inconclusive.length, where).toBeGreaterThan(0);
      else expect(expectation.inconclusive, where).toEqual([]);
    }
  });

  it('times recovery from the revert, and blind intervals forwards', () => {
    for (const { fault, expectation } of expectations) {
      const { recovery } = expectation;
      if (recovery.resolvedAfterRevertSeconds !== null && recovery.resolvedAt !== null && fault.revertedAt !== null) {
        expect(recovery.resolvedAfterRevertSeconds).toBeCloseTo((recovery.resolvedAt - fault.revertedAt) / 1000, 3);
        expect(recovery.status).toBe(recovery.resolvedAfterRevertSeconds < 0 ? 'resolved-before-revert' : 'resolved');
      }
      if (expectation.firingAt === null) expect(expectation.delivery.status, `${fault.name}/${expectation.alert}`).not.toBe('on-time');
    }
    for (const interval of analysis.blindIntervals) expect(interval.to ?? Infinity).toBeGreaterThanOrEqual(interval.from);
  });

  it('renders a report.json that fits the schema, a markdown page and a console table', () => {
    const report = toReportJson(analysis);
    expect(reportSchemaErrors(report)).toEqual([]);
    const markdown = toMarkdown(report, { reportDir: '/repo/runs/x', planDir: '/repo', docsDir: '/repo/docs' });
    const table = toConsoleTable(report);
    for (const fault of analysis.faults) {
      expect(markdown).toContain(fault.name);
      expect(table).toContain(fault.name);
    }
  });
});

describe('what the recordings show', () => {
  it('a notification Alertmanager grouping held back is put down to grouping, not to the rule', () => {
    // TraceSuccessAbsent fired before the window (no trace yet) and resolved: its aggregation group
    // still existed when the first fault fired it again, so the webhook waited for the group's tick.
    const fault = load('demo-all-detected-grouping-delay.journal.jsonl').faults.find((f) => f.name === 'api-instances-killed');
    const absent = fault?.expectations.find((e) => e.alert === 'TraceSuccessAbsent');
    expect(absent?.verdict).toBe('detected');
    expect(absent?.delivery).toMatchObject({ status: 'delayed-by-grouping', groupWaitSeconds: 1, groupIntervalSeconds: 5 });
    expect(absent?.delivery.afterFiringSeconds).toBeGreaterThan(2.5);
  });

  it('every figure of a recorded demo comes from an exact source, and the clock was read', () => {
    const analysis = load('demo-all-detected-grouping-delay.journal.jsonl');
    expect(analysis.clock).toMatchObject({ samples: 10 });
    for (const expectation of analysis.faults.flatMap((fault) => fault.expectations)) {
      expect(expectation.sources.pending).toBe('ALERTS');
      expect(['ALERTS', 'alertmanager-api']).toContain(expectation.sources.firing);
      expect(expectation.timing?.floorSeconds).not.toBeNull();
    }
    expect(analysis.blindIntervals).toEqual([]);
  });
});

it("counts no fault's trace failures against the fault before it (npm run demo)", () => {
  const impact = Object.fromEntries(load('npm-run-demo.journal.jsonl').faults.map((fault) => [fault.name, fault.impact]));
  // Neither fault hurts users: their windows end before the next fault goes in.
  expect(impact['replicas-cut']?.failedRequests).toBe(0);
  expect(impact['cache-broken']?.failedRequests).toBe(0);
  // The outages come back within a second or two of their revert.
  for (const name of ['api-instances-killed', 'queue-host-unreachable', 'capacity-typo', 'replication-never-started']) {
    expect(impact[name]?.failedRequests).toBeGreaterThan(10);
    expect(impact[name]?.timeToRestoreSeconds).toBeLessThan(3);
  }
});
