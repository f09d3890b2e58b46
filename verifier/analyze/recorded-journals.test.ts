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
  // Hand-built (testing/demo-journal.ts), not recorded: it keeps this table exercised until real runs land.
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

  it('renders a report.json that fits the schema, a markdown page and a console table', () => {
    const report = toReportJson(analysis);
    expect(reportSchemaErrors(report)).toEqual([]);
    const markdown = toMarkdown(report, { reportDir: '/repo/runs/x', repoRoot: '/repo' });
    const table = toConsoleTable(report);
    for (const fault of analysis.faults) {
      expect(markdown).toContain(fault.name);
      expect(table).toContain(fault.name);
    }
  });
});
