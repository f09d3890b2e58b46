// Each fault's life: injected at its time, reverted at its end, at its maxDuration on a timer of
// its own, or at the end of the run — newest first. It keeps in memory which faults are in place,
// so the reverts never depend on reading the journal back.

import { errorMessage } from '../errors.ts';
import { describeInjector, injectorContext, runInjector } from '../faults/injectors.ts';
import type { FaultSpec } from '../plan/types.ts';
import type { RunContext } from './context.ts';

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

  constructor(run: RunContext) {
    this.run = run;
  }

  /** Starts every fault's schedule; resolves when each has been injected and reverted (or failed). */
  start(faults: readonly FaultSpec[]): Promise<void> {
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
    const injection = runInjector(fault.inject, injectorContext(plan.file, this.run.runId, fault.name, 'inject', this.run.runDir));
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
      record({ kind: 'fault.injected', fault: fault.name, startedAt, detail });
      log(`${schedule.clock()} injected ${fault.name}: ${describeInjector(fault.inject)}`);
    } catch (error) {
      record({ kind: 'fault.inject-failed', fault: fault.name, error: errorMessage(error) });
      log(`${schedule.clock()} INJECT FAILED ${fault.name}: ${errorMessage(error)}`);
      // It may be half in place (one instance of two killed): take it out now.
      await this.revert(fault, 'recovery');
      return;
    }
    await schedule.sleepUntil(fault.atSeconds + fault.durationSeconds);
    if (this.injected.has(fault.name)) await this.revert(fault, 'scheduled');
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
      this.reverted(fault);
      return true;
    }
    const startedAt = this.run.now().toISOString();
    try {
      const detail = await runInjector(
        fault.revert,
        injectorContext(this.run.plan.file, this.run.runId, fault.name, 'revert', this.run.runDir),
      );
      if (!this.injected.has(fault.name)) {
        log(`${schedule.clock()} ${fault.name}: a ${reason} revert also succeeded, after another had taken the fault out`);
        return true;
      }
      this.reverted(fault);
      record({ kind: 'fault.reverted', fault: fault.name, startedAt, reason, detail });
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

  private reverted(fault: FaultSpec): void {
    this.injected.delete(fault.name);
    const timer = this.limitTimers.get(fault.name);
    if (timer !== undefined) clearTimeout(timer);
    this.limitTimers.delete(fault.name);
  }
}
