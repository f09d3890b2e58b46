// The per-test setup of a run against loopback fakes: a temp folder, fake monitoring answering for
// the given rules and a fake target, started before each test of the calling file and gone after it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
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
