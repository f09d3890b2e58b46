import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { demoJournal } from '../analyze/testing/demo-journal.ts';
import { expectAlert, faultSpec, JournalBuilder, parseJournal, testPlan, withGamedayCost } from '../analyze/testing/journal-builder.ts';
import { toConsoleTable } from './console-table.ts';
import { toReportJson } from './report-json.ts';

describe('toConsoleTable', () => {
  it('renders the demo run', () => {
    expect(toConsoleTable(toReportJson(analyzeRun(demoJournal())))).toMatchInlineSnapshot(`
      "demo · run demo-20261123T020000Z
      2 of 5 expectations detected in time (1 late, 1 missed, 1 not injected)

      FAULT              ALERT                        TARGET   PENDING    FIRING  NOTIFIED  VERDICT
      kill-primary       PrimaryDown{role="primary"}    30 s   5.218 s  15.218 s    16.4 s  detected
      cut-replica        ReplicaLag                     60 s  60.118 s  75.118 s         —  LATE
      break-cache        CacheErrors                    30 s         —         —         —  MISSED
      queue-unreachable  QueueUnreachable               45 s         —         —         —  NOT INJECTED
      pool-typo          PoolExhausted                  30 s   5.418 s   5.418 s     6.5 s  detected

      unexpected alerts: HighLatency{route="/api/orders", severity="ticket"}
      burst peak: completed, 756 iterations dropped
      cut-replica / ReplicaLag: notification suppressed by grouping
      "
    `);
  });

  it('says when the run did not finish and all was detected', () => {
    const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
    const journal = new JournalBuilder(plan, 'r-2')
      .windowStarted(0)
      .injected('kill-primary', 60)
      .alertEpisode({ labels: { alertname: 'PrimaryDown' }, firing: 70, last: 90 })
      .reconciled(100)
      .runEnded(101, 'aborted', 'SIGINT');
    expect(toConsoleTable(toReportJson(analyzeRun(journal.build())))).toMatchInlineSnapshot(`
      "demo game day · run r-2 [aborted: SIGINT]
      1 of 1 expectation detected in time

      FAULT         ALERT        TARGET  PENDING  FIRING  NOTIFIED  VERDICT
      kill-primary  PrimaryDown    30 s     10 s    10 s         —  detected

      kill-primary / PrimaryDown: notification suppressed by grouping
      "
    `);
  });

  it('names what made a verdict inconclusive and the blind intervals (a recorded run)', () => {
    const file = new URL('../analyze/fixtures/blind-pipeline-polls-cut-alertmanager-stopped.journal.jsonl', import.meta.url);
    const table = toConsoleTable(toReportJson(analyzeRun(parseJournal(readFileSync(file, 'utf8')))));
    expect(table).toMatch(/^cache-broken\s+CacheErrors\s+15 s\s+[\d.]+ s\s+[\d.]+ s\s+[\d.]+ s\s+INCONCLUSIVE$/m);
    expect(table).toContain('cache-broken / CacheErrors: inconclusive (alertmanager-unreachable)');
    expect(table).toMatch(/^blind intervals: alertmanager-unreachable from \d\d:\d\d:\d\dZ for 15\.\d+ s$/m);
  });

  it("ends with gameday's own cost when the run recorded it", () => {
    const events = withGamedayCost(demoJournal(), { cpuSeconds: 8.5, peakRssMb: 142 });
    expect(toConsoleTable(toReportJson(analyzeRun(events)))).toMatch(/\n\ngameday itself: 8\.5 CPU s over the run, peak RSS 142 MB\n$/);
    expect(toConsoleTable(toReportJson(analyzeRun(demoJournal())))).not.toContain('gameday itself');
  });
});
