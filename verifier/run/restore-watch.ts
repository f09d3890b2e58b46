// When a `revert: responders` fault is restored: the team works on it and gameday watches. From
// the injection on, the trace (or the fault's named journeys) must fail at least once and then
// succeed `consecutive` times in a row, counted by iteration start (k6 reports iterations as they
// end, so a slow failure can arrive after later successes); the first of those is the restore
// time. Or someone runs `gameday mark <run> <fault> restored`: the mark's time is the restore time.
// A fault that never fails the trace is not restored by the trace: only a mark ends it.

import type { TraceIteration } from '../load/trace-stream.ts';
import type { FaultRestore } from '../plan/types.ts';
import { abortableSleep } from './schedule.ts';

export interface Restore {
  /** Unix ms: the first of the successful iterations, or the mark's time. */
  restoredAt: number;
  source: 'trace' | 'mark';
  /** The successful iterations in a row that counted it (source 'trace'). */
  iterations?: number;
}

/** Pure: fed the trace's iterations in the order they arrive, says when the fault is restored. */
export class RestoreDetector {
  private readonly consecutive: number;
  private readonly journeys: ReadonlySet<string> | undefined;
  private readonly fromMs: number;
  private failed = false;
  private lastFailure = Number.NEGATIVE_INFINITY;
  /** Starts of successful iterations after the latest failure, oldest first. */
  private successes: number[] = [];

  constructor(rule: Pick<FaultRestore, 'consecutive' | 'journeys'>, fromMs: number) {
    this.consecutive = rule.consecutive;
    this.journeys = rule.journeys === undefined ? undefined : new Set(rule.journeys);
    this.fromMs = fromMs;
  }

  push(iteration: TraceIteration): Restore | undefined {
    const { at, ok, journey } = iteration;
    if (at < this.fromMs) return undefined;
    if (this.journeys && (journey === undefined || !this.journeys.has(journey))) return undefined;
    if (ok === 0) {
      this.failed = true;
      if (at > this.lastFailure) {
        this.lastFailure = at;
        this.successes = this.successes.filter((start) => start > at);
      }
      return undefined;
    }
    if (at <= this.lastFailure) return undefined;
    const index = this.successes.findIndex((start) => start > at);
    this.successes.splice(index < 0 ? this.successes.length : index, 0, at);
    const first = this.successes[0];
    if (!this.failed || this.successes.length < this.consecutive || first === undefined) return undefined;
    return { restoredAt: first, source: 'trace', iterations: this.consecutive };
  }
}

export interface RestoreWatch {
  rule: Pick<FaultRestore, 'consecutive' | 'journeys'>;
  /** Unix ms of the injection: nothing before it counts. */
  fromMs: number;
  /** Subscribes to the live trace's iterations; returns the unsubscribe. */
  iterations: (listener: (iteration: TraceIteration) => void) => () => void;
  /** Subscribes to this fault's `restored` marks (their claimed time, unix ms); returns the unsubscribe. */
  marks: (listener: (markedAt: number) => void) => () => void;
  /** The longest wait, in ms from now (the window's end and grace). */
  waitMs: number;
  /** Ends the wait without a restore: the run stopping, or the fault reverted by its fallback. */
  signal: AbortSignal;
}

/** The restore, or undefined when the wait ended first. */
export async function watchRestore(watch: RestoreWatch): Promise<Restore | undefined> {
  const detector = new RestoreDetector(watch.rule, watch.fromMs);
  const found = new AbortController();
  let restore: Restore | undefined;
  const settle = (value: Restore | undefined) => {
    if (value === undefined || restore !== undefined) return;
    restore = value;
    found.abort();
  };
  const unsubscribe = [
    watch.iterations((iteration) => settle(detector.push(iteration))),
    watch.marks((markedAt) => settle({ restoredAt: markedAt, source: 'mark' })),
  ];
  try {
    await abortableSleep(watch.waitMs, AbortSignal.any([watch.signal, found.signal]));
  } finally {
    for (const stop of unsubscribe) stop();
  }
  return restore;
}
