// `gameday revert runs/<id>`: after a crash or `kill -9` of gameday, revert every fault the
// journal shows as (possibly) injected and not reverted, newest first, then stop the k6 processes
// the dead gameday left running (and the k6-operator TestRuns it applied), then delete the Toxiproxy proxies it created and stop the
// toxiproxy-server it started, and journal each. Running it twice is safe: the second run finds
// nothing left to do.

import { join } from 'node:path';
import { RevertError, UsageError, errorMessage } from '../errors.ts';
import { injectorContext, runInjector } from '../faults/injectors.ts';
import type { FaultSpec } from '../plan/types.ts';
import type { JournalEvent, RunStarted } from '../journal/events.ts';
import { openJournal, readJournal } from '../journal/journal.ts';
import { loadsNotEnded, type Processes, stopLeftoverLoad, systemProcesses } from './leftover-load.ts';
import { deleteLeftoverTestRuns, testRunsLeft } from './leftover-testruns.ts';
import { cleanUpLeftoverToxiproxy, toxiproxyLeftovers } from './leftover-toxiproxy.ts';

/** Faults that may be in place according to the journal, in injection order. */
export function faultsInPlace(events: JournalEvent[]): string[] {
  const inPlace = new Set<string>();
  for (const event of events) {
    if (event.kind === 'fault.injecting') inPlace.add(event.fault);
    // A manual fault no one marked was never done: nothing to revert.
    else if (event.kind === 'fault.reverted' || event.kind === 'fault.not-injected') inPlace.delete(event.fault);
  }
  return [...inPlace];
}

export interface RevertOutcome {
  reverted: string[];
  /** k6 processes (trace, bursts by name) the dead gameday had left running, now stopped. */
  stoppedLoads: string[];
  /** What gameday had set up in Toxiproxy and `gameday revert` undid: proxies deleted, servers stopped. */
  toxiproxy: string[];
  alreadyClean: boolean;
}

export async function revertFromJournal(
  runDir: string,
  options: { log?: (line: string) => void; now?: () => Date; processes?: Processes; loadGraceMs?: number } = {},
): Promise<RevertOutcome> {
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const file = join(runDir, 'journal.jsonl');
  const events = await readJournal(file);
  const started = events.find((event): event is RunStarted => event.kind === 'run.started');
  if (!started) throw new UsageError(`${file} has no run.started event; it is not a gameday journal.`);
  const pending = faultsInPlace(events);
  const ended = events.some((event) => event.kind === 'run.ended');
  const toxiproxy = toxiproxyLeftovers(events);
  const toxiproxyLeft = toxiproxy.proxies.length + toxiproxy.servers.length > 0;
  // k6-operator TestRuns applied and not deleted (also after a run that ended: its deletion may have failed).
  const testRuns = testRunsLeft(events);
  if (pending.length === 0 && (ended || loadsNotEnded(events).length === 0) && !toxiproxyLeft && testRuns.length === 0) {
    log(`nothing to revert: every fault in ${file} was reverted`);
    return { reverted: [], stoppedLoads: [], toxiproxy: [], alreadyClean: true };
  }

  const faults = new Map<string, FaultSpec>(started.plan.faults.map((fault) => [fault.name, fault]));
  const journal = openJournal(file);
  const reverted: string[] = [];
  const stoppedLoads: string[] = [];
  const undone: string[] = [];
  const failed: string[] = [];
  try {
    for (const name of pending.reverse()) {
      const fault = faults.get(name);
      if (!fault) {
        failed.push(name);
        continue;
      }
      const startedAt = now().toISOString();
      if (fault.revert === 'none') {
        journal.append({
          kind: 'fault.reverted',
          at: now().toISOString(),
          fault: name,
          startedAt,
          reason: 'recovery',
          detail: 'revert: none',
        });
        reverted.push(name);
        continue;
      }
      try {
        const detail = await runInjector(fault.revert, injectorContext(started.plan.file, started.runId, name, 'revert'));
        journal.append({ kind: 'fault.reverted', at: now().toISOString(), fault: name, startedAt, reason: 'recovery', detail });
        reverted.push(name);
        log(`reverted ${name}: ${detail}`);
      } catch (error) {
        journal.append({ kind: 'fault.revert-failed', at: now().toISOString(), fault: name, error: errorMessage(error) });
        log(`REVERT FAILED ${name}: ${errorMessage(error)}`);
        failed.push(name);
      }
    }
    // A run that ended stopped its own load; one that did not may have left k6 running.
    if (!ended) {
      for (const event of await stopLeftoverLoad(events, {
        runId: started.runId,
        now,
        ...(options.processes ? { processes: options.processes } : {}),
        ...(options.loadGraceMs !== undefined ? { graceMs: options.loadGraceMs } : {}),
      })) {
        journal.append(event);
        if (event.signal !== null) {
          stoppedLoads.push(event.name);
          log(`stopped k6 ${event.role === 'trace' ? 'trace' : `burst ${event.name}`} (${event.signal})`);
        }
      }
    }
    if (testRuns.length > 0) {
      const outcome = await deleteLeftoverTestRuns(testRuns, { log });
      for (const event of outcome.events) {
        journal.append({ at: now().toISOString(), ...event });
        if (event.error === undefined) stoppedLoads.push(`burst ${event.name} (its TestRun deleted)`);
      }
      failed.push(...outcome.failed);
    }
    if (toxiproxyLeft) {
      const processes = options.processes ?? systemProcesses;
      const outcome = await cleanUpLeftoverToxiproxy(toxiproxy, { processes, log });
      for (const event of outcome.events) {
        journal.append({ at: now().toISOString(), ...event } as JournalEvent);
        if (event.kind === 'toxiproxy.proxy-deleted') undone.push(`proxy ${event.name}`);
        if (event.kind === 'toxiproxy.stopped') undone.push(`toxiproxy-server (pid ${event.pid})`);
      }
      failed.push(...outcome.failed);
    }
  } finally {
    journal.close();
  }
  if (failed.length > 0) {
    throw new RevertError(
      failed,
      `could not revert ${failed.join(', ')}; the fault may still be in place. Fix it by hand, then run this again.`,
    );
  }
  return { reverted, stoppedLoads, toxiproxy: undone, alreadyClean: false };
}
