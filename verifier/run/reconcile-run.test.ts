import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/analyze-run.ts';
import { expectAlert, faultSpec, JournalBuilder, testPlan, unix } from '../analyze/testing/journal-builder.ts';
import type { SeriesSamples } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { reconcileRun } from './reconcile-run.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('reconcileRun', () => {
  it("appends Prometheus's record to a crashed run's journal, and the analysis then uses it", async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-reconcile-'));
    const plan = testPlan({ faults: [faultSpec('kill-primary', { expect: [expectAlert('PrimaryDown', 30)] })] });
    // gameday died after the injection: its polls saw the alert pending only, then nothing.
    const crashed = new JournalBuilder(plan)
      .windowStarted(0)
      .injected('kill-primary', 60)
      .prometheusPoll(66, [{ labels: { alertname: 'PrimaryDown' }, activeAt: 65.418, state: 'pending' }])
      .build();
    await writeFile(join(dir, 'journal.jsonl'), crashed.map((event) => `${JSON.stringify(event)}\n`).join(''));
    expect(analyzeRun(crashed).faults[0]?.expectations[0]?.sources.firing).toBeNull();

    const samples: Record<string, SeriesSamples[]> = {
      ALERTS: [
        { labels: { alertname: 'PrimaryDown', alertstate: 'pending' }, samples: [65, 70].map((s) => [unix(s + 0.418), 1]) },
        { labels: { alertname: 'PrimaryDown', alertstate: 'firing' }, samples: [75, 80, 85].map((s) => [unix(s + 0.418), 1]) },
        {
          labels: { alertname: 'Watchdog', alertstate: 'firing' },
          samples: Array.from({ length: 67 }, (_, i) => [unix(-30 + 5 * i), 1] as [number, number]),
        },
      ],
      ALERTS_FOR_STATE: [],
    };
    const outcome = await reconcileRun(dir, {
      now: () => new Date(Date.parse('2026-11-23T02:05:00Z')),
      prometheus: {
        instant: async () => Date.parse('2026-11-23T02:05:00Z') / 1000,
        rawSamples: async (selector) => samples[selector] ?? [],
      },
    });
    expect(outcome).toEqual({ reconciled: true, appended: ['clock.sampled', 'alerts.reconciled', 'trace.series'] });
    const expectation = analyzeRun(await readJournal(join(dir, 'journal.jsonl'))).faults[0]?.expectations[0];
    expect(expectation).toMatchObject({ pendingAfterSeconds: 5.418, firingAfterSeconds: 15.418, verdict: 'detected' });
    expect(expectation?.sources).toMatchObject({ pending: 'ALERTS', firing: 'ALERTS' });
  });
});
