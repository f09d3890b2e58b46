// `gameday reconcile runs/<id>`: Prometheus's own record of a run that did not read it itself
// (gameday crashed, was killed, or restarted mid-run), appended to the run's journal, so that
// `gameday report` gives exact evaluation timestamps instead of what the polls caught. Prometheus
// must still hold the run's samples (its retention), and answer at the plan's URL.

import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { clockOffset } from '../journal/clock-offset.ts';
import { sampleClock } from '../observe/clock.ts';
import { type Environment, monitoringClientOptions } from '../observe/credentials.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import type { JournalEvent, RunStarted } from '../journal/events.ts';
import { openJournal, readJournal } from '../journal/journal.ts';
import { reconcileRecord, type RecordSource } from './reconcile.ts';

export interface ReconcileRunOptions {
  log?: (line: string) => void;
  now?: () => Date;
  /** Where the plan's credential variables are read. Default: process.env. */
  env?: Environment;
  /** Default: a client for the plan's Prometheus, with its headers and credentials. */
  prometheus?: RecordSource & { instant(query: string): Promise<number | undefined> };
}

export interface ReconcileRunOutcome {
  /** Whether Prometheus's record of ALERTS was read and journaled. */
  reconciled: boolean;
  /** Kinds of the events appended to the journal. */
  appended: JournalEvent['kind'][];
}

export async function reconcileRun(runDir: string, options: ReconcileRunOptions = {}): Promise<ReconcileRunOutcome> {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const file = join(runDir, 'journal.jsonl');
  const events = await readJournal(file);
  const started = events.find((event): event is RunStarted => event.kind === 'run.started');
  if (!started) throw new UsageError(`${file} has no run.started event; it is not a gameday journal.`);
  const prometheus =
    options.prometheus ?? new PrometheusClient(monitoringClientOptions(started.plan.monitoring, options.env ?? process.env).prometheus);

  const samples = await sampleClock(prometheus, now);
  const offset = clockOffset(samples);
  const record = await reconcileRecord(prometheus, {
    from: new Date(started.at),
    to: now(),
    runId: started.runId,
    ...(offset ? { offsetMs: offset.offsetMs } : {}),
  });
  const journal = openJournal(file);
  const appended: JournalEvent['kind'][] = [];
  try {
    const append = (event: JournalEvent) => {
      journal.append(event);
      appended.push(event.kind);
    };
    if (samples.length > 0) append({ kind: 'clock.sampled', at: now().toISOString(), phase: 'end', samples });
    for (const event of record) append({ at: now().toISOString(), ...event } as JournalEvent);
  } finally {
    journal.close();
  }
  const reconciled = appended.includes('alerts.reconciled');
  for (const event of record) if (event.kind === 'observe.failed') log(`reading Prometheus's record failed: ${event.error}`);
  if (reconciled) log(`appended Prometheus's record of run ${started.runId} to ${file}`);
  return { reconciled, appended };
}
