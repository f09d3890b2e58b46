// Each fault's life: injected at its time, reverted at its end, at its maxDuration on a timer of
// its own, or at the end of the run — newest first. It keeps in memory which faults are in place,
// so the reverts never depend on reading the journal back.

import { errorMessage } from '../errors.ts';
import { describeInjector, injectorContext, runInjector } from '../faults/injectors.ts';
import type { FaultRestore, FaultSpec } from '../plan/types.ts';
import type { RunContext } from './context.ts';
import { type ManualOutcome, markAwaiter } from './manual-steps.ts';
import { MarkWatcher, type TerminalInput } from './mark-watcher.ts';
import { type RestoreWatch, watchRestore } from './restore-watch.ts';

export type RevertReason = 'scheduled' | 'aborted' | 'recovery' | 'max-duration';

export class FaultController {
  private readonly injected = new Map<string, FaultSpec>();
  /** Each fault's injector while it runs: nothing reverts a fault before its injection has settled. */
  private readonly injecting = new Map<string, Promise<void>>();
  /** maxDuration timers, per fault, and the reverts they started. */
  private readonly limitTimers = new Map<string, NodeJS.Timeout>();
  private readonly limitReverts: Promise<void>[] = [];
  private tasks: Promise<void>[] = [];
  private readonly run: RunContext;
  /** Marks made by hand (`gameday mark`, Enter): journaled while the faults run; manual steps wait on them. */
  readonly marks: MarkWatcher;
  /** The live trace, for `revert: responders` faults (watchTrace); nothing until it is given. */
  private traceIterations: RestoreWatch['iterations'] = () => () => {};
  /** Per responders fault awaiting its restore: what a `restored` mark calls, and what ends the wait. */
  private readonly restoreWaits = new Map<string, { onMark: (markedAt: number) => void; end: AbortController }>();
  /** Responders faults without a fallback already journaled as not reverted: said once. */
  private readonly unrestorable = new Set<string>();

  constructor(run: RunContext, options: { stdin?: TerminalInput } = {}) {
    this.run = run;
    this.marks = new MarkWatcher({
      runDir: run.runDir,
      faults: run.plan.faults.map((fault) => fault.name),
      record: run.record,
      log: run.log,
      now: run.now,
      // Enter on gameday's own terminal marks the step it awaits (only when stdin is a TTY).
      stdin: options.stdin ?? process.stdin,
    });
  }

  /** Starts every fault's schedule; resolves when each has been injected and reverted (or failed). */
  start(faults: readonly FaultSpec[]): Promise<void> {
    this.marks.start();
    this.marks.onMark((event) => {
      if (event.mark === 'restored') this.restoreWaits.get(event.fault)?.onMark(Date.parse(event.markedAt));
    });
    this.tasks = faults.map((fault) => this.runFault(fault));
    return Promise.all(this.tasks).then(() => undefined);
  }

  /**
   * At the end of the run: lets what is under way (an injector, a scheduled revert) settle, so no
   * injection lands after the revert that should undo it, then reverts what is still in place,
   * newest first. Returns what it reverted and what it could not.
   */
  async revertAll(reason: 'scheduled' | 'aborted'): Promise<{ reverted: string[]; unreverted: string[] }> {
    await Promise.allSettled(this.tasks);
    for (const timer of this.limitTimers.values()) clearTimeout(timer);
    await Promise.allSettled(this.limitReverts);
    const reverted: string[] = [];
    const unreverted: string[] = [];
    for (const fault of [...this.injected.values()].reverse()) {
      const ok = await this.revert(fault, reason === 'scheduled' ? 'recovery' : 'aborted');
      (ok ? reverted : unreverted).push(fault.name);
    }
    await this.marks.stop();
    return { reverted, unreverted };
  }

  private async runFault(fault: FaultSpec): Promise<void> {
    const { record, schedule, plan } = this.run;
    const log = (line: string) => this.run.logFault(line);
    await schedule.sleepUntil(fault.atSeconds);
    record({ kind: 'fault.injecting', fault: fault.name });
    this.injected.set(fault.name, fault);
    const startedAt = this.run.now().toISOString();
    // An abort lets an injection under way finish (then reverts it): cut short, a half-done
    // injection could leave the fault in a state its revert does not expect.
    const manual: ManualOutcome = {};
    const injection = runInjector(fault.inject, {
      ...injectorContext(plan.file, this.run.runId, fault.name, 'inject', this.run.runDir),
      awaitMark: markAwaiter(this.run, this.marks, fault, manual, schedule.signal),
    });
    this.injecting.set(
      fault.name,
      injection.then(
        () => undefined,
        () => undefined,
      ),
    );
    this.armMaxDuration(fault);
    try {
      const detail = await injection;
      // A manual fault is in place from the moment its mark claims, not from when gameday heard it.
      const markedAt = manual.received?.markedAt;
      record({ kind: 'fault.injected', fault: fault.name, startedAt: markedAt ?? startedAt, detail, ...(markedAt && { at: markedAt }) });
      log(`${schedule.clock()} injected ${fault.name}: ${describeInjector(fault.inject)}`);
    } catch (error) {
      if (manual.missed !== undefined) {
        // Nothing was done: no revert runs, and its expectations are inconclusive, never missed.
        record({ kind: 'fault.not-injected', fault: fault.name, reason: manual.missed });
        log(`${schedule.clock()} NOT INJECTED ${fault.name}: ${manual.missed}`);
        this.reverted(fault);
        return;
      }
      record({ kind: 'fault.inject-failed', fault: fault.name, error: errorMessage(error) });
      log(`${schedule.clock()} INJECT FAILED ${fault.name}: ${errorMessage(error)}`);
      // It may be half in place (one instance of two killed): take it out now.
      await this.revert(fault, 'recovery');
      return;
    }
    if (fault.restore) return this.awaitRestore(fault, fault.restore, Date.parse(manual.received?.markedAt ?? startedAt));
    await schedule.sleepUntil(this.revertOffset(fault, manual, startedAt));
    if (this.injected.has(fault.name)) await this.revert(fault, 'scheduled');
  }

  /** Where `revert: responders` faults watch the trace: a subscription to each iteration as it arrives. */
  watchTrace(subscribe: RestoreWatch['iterations']): void {
    this.traceIterations = subscribe;
  }

  /**
   * A `revert: responders` fault stays until the team restores it (the trace succeeds again, or a
   * `restored` mark), through the window and its grace; maxDuration still holds. Not restored by
   * then, the end of the run reverts it with its fallback, or journals that it could not.
   */
  private async awaitRestore(fault: FaultSpec, rule: FaultRestore, fromMs: number): Promise<void> {
    const { plan, schedule, record } = this.run;
    const end = new AbortController();
    let onMark: (markedAt: number) => void = () => {};
    this.restoreWaits.set(fault.name, { onMark: (markedAt) => onMark(markedAt), end });
    const closing = plan.window.durationSeconds + plan.window.graceSeconds;
    schedule.sleepUntil(closing).then(
      () => end.abort(),
      () => end.abort(),
    );
    const restore = await watchRestore({
      rule,
      fromMs,
      iterations: this.traceIterations,
      marks: (listener) => ((onMark = listener), () => (onMark = () => {})),
      waitMs: 2 ** 31 - 1,
      signal: AbortSignal.any([end.signal, schedule.signal]),
    });
    this.restoreWaits.delete(fault.name);
    if (restore === undefined || !this.injected.has(fault.name)) return;
    this.reverted(fault);
    const restoredAt = new Date(restore.restoredAt).toISOString();
    const how =
      restore.source === 'mark' ? 'marked restored' : `the trace succeeded ${restore.iterations} times in a row from ${restoredAt}`;
    record({
      kind: 'fault.restored',
      fault: fault.name,
      restoredAt,
      source: restore.source,
      ...(restore.iterations && { iterations: restore.iterations }),
    });
    this.run.logFault(`${schedule.clock()} restored ${fault.name}: ${how}`);
  }

  /** A manual fault lasts its duration from its mark (within the window); any other from its time. */
  private revertOffset(fault: FaultSpec, manual: ManualOutcome, shownAt: string): number {
    if (manual.received === undefined) return fault.atSeconds + fault.durationSeconds;
    const markOffset = fault.atSeconds + (Date.parse(manual.received.markedAt) - Date.parse(shownAt)) / 1000;
    return Math.min(markOffset + fault.durationSeconds, this.run.plan.window.durationSeconds);
  }

  /**
   * A timer of its own, apart from the schedule and the run's clock: when the fault's maxDuration
   * has passed since its injection started, it is reverted whatever else is going on (a scheduled
   * revert that hangs, a run waiting on something else), as soon as its injector has settled.
   */
  private armMaxDuration(fault: FaultSpec): void {
    if (fault.maxDurationSeconds === undefined) return;
    const limit = fault.maxDurationSeconds;
    const timer = setTimeout(() => {
      this.limitTimers.delete(fault.name);
      const revert = (async () => {
        await this.injecting.get(fault.name);
        if (!this.injected.has(fault.name)) return;
        this.run.logFault(`${this.run.schedule.clock()} ${fault.name}: maxDuration ${limit}s reached; reverting it now`);
        await this.revert(fault, 'max-duration');
      })();
      this.limitReverts.push(revert);
    }, limit * 1000);
    this.limitTimers.set(fault.name, timer);
  }

  /**
   * Returns false when the revert failed; the fault then stays listed as injected. Two reverts of
   * one fault may overlap (the maxDuration timer does not wait for a hanging scheduled revert):
   * the first to succeed takes the fault out and is journaled; the other's outcome only logged.
   */
  private async revert(fault: FaultSpec, reason: RevertReason): Promise<boolean> {
    const { record, schedule } = this.run;
    const log = (line: string) => this.run.logFault(line);
    if (fault.revert === 'none') {
      if (fault.restore) return this.notRestored(fault, reason);
      this.reverted(fault);
      return true;
    }
    const startedAt = this.run.now().toISOString();
    // A manual revert waits for its mark even when the run is stopping: the fault is in place until someone undoes it.
    const manual: ManualOutcome = {};
    try {
      const detail = await runInjector(fault.revert, {
        ...injectorContext(this.run.plan.file, this.run.runId, fault.name, 'revert', this.run.runDir),
        awaitMark: markAwaiter(this.run, this.marks, fault, manual),
      });
      if (!this.injected.has(fault.name)) {
        log(`${schedule.clock()} ${fault.name}: a ${reason} revert also succeeded, after another had taken the fault out`);
        return true;
      }
      this.reverted(fault);
      const markedAt = manual.received?.markedAt;
      record({
        kind: 'fault.reverted',
        fault: fault.name,
        startedAt: markedAt ?? startedAt,
        reason,
        detail,
        ...(markedAt && { at: markedAt }),
      });
      log(`${schedule.clock()} reverted ${fault.name}${reason === 'scheduled' ? '' : ` (${reason})`}`);
      return true;
    } catch (error) {
      if (!this.injected.has(fault.name)) {
        log(`${schedule.clock()} ${fault.name}: a ${reason} revert failed after another had taken the fault out: ${errorMessage(error)}`);
        return true;
      }
      record({ kind: 'fault.revert-failed', fault: fault.name, error: errorMessage(error) });
      log(`${schedule.clock()} REVERT FAILED ${fault.name}: ${errorMessage(error)}`);
      return false;
    }
  }

  /** A responders fault nobody restored, with nothing to revert it with: the environment may be left broken. */
  private notRestored(fault: FaultSpec, reason: RevertReason): false {
    if (this.unrestorable.has(fault.name)) return false;
    this.unrestorable.add(fault.name);
    const by = reason === 'max-duration' ? `its maxDuration (${fault.maxDurationSeconds}s)` : 'the end of the run';
    const error =
      `not restored by ${by}, and it has no restore.fallback to revert it with: it may still be in place. ` +
      `Restore it by hand (while the run goes on, \`gameday mark <run> ${fault.name} restored\` records it), or give the fault a restore.fallback injector`;
    this.run.record({ kind: 'fault.revert-failed', fault: fault.name, error });
    this.run.logFault(`${this.run.schedule.clock()} REVERT FAILED ${fault.name}: ${error}`);
    return false;
  }

  private reverted(fault: FaultSpec): void {
    this.restoreWaits.get(fault.name)?.end.abort();
    this.injected.delete(fault.name);
    const timer = this.limitTimers.get(fault.name);
    if (timer !== undefined) clearTimeout(timer);
    this.limitTimers.delete(fault.name);
  }
}
