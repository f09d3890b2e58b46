// The per-test setup of a run against loopback fakes: a temp folder, fake monitoring answering for
// the given rules and a fake target, started before each test of the calling file and gone after it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { testPlan } from '../../analyze/testing/journal-builder.ts';
import type { JournalEvent } from '../../journal/events.ts';
import type { RunContext } from '../context.ts';
import { type FakeMonitoring, type FakeTarget, startFakeMonitoring, startFakeTarget } from './fakes.ts';

export interface FakeRun {
  dir: string;
  monitoring: FakeMonitoring;
  target: FakeTarget;
}

/** Registers the hooks; the returned object's fields are set for each test. */
export function useFakeRun(prefix: string, rules: string[] = ['FaultAlert']): FakeRun {
  const run = {} as FakeRun;
  beforeEach(async () => {
    run.dir = await mkdtemp(join(tmpdir(), `gameday-${prefix}-`));
    run.monitoring = await startFakeMonitoring(rules);
    run.target = await startFakeTarget();
  });
  afterEach(async () => {
    await run.monitoring?.close();
    await run.target?.close();
    if (run.dir) await rm(run.dir, { recursive: true, force: true });
  });
  return run;
}

/**
 * The run context Loads' unit tests hand it: events go to `record`; the schedule never waits and
 * aborts with `signal` (a stop that never comes when not given).
 */
export function fakeLoadsContext(record: (event: Omit<JournalEvent, 'at'>) => void, signal = new AbortController().signal): RunContext {
  return {
    plan: testPlan(),
    runId: 'run-1',
    runDir: '/tmp/unused',
    record,
    log: () => {},
    logFault: () => {},
    now: () => new Date(),
    schedule: {
      clock: () => 't+0s',
      sleepUntil: async () => {},
      signal,
      throwIfAborted: () => {
        if (signal.aborted) throw new Error(`aborted: ${String((signal.reason as Error | undefined)?.message ?? 'signal')}`);
      },
    },
  } as unknown as RunContext;
}
