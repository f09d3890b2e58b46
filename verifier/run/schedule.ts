// The run's clock and its ways of waiting: offsets from the window's start, sleeps that end on an
// abort, and the abort itself turned into an AbortedError where the schedule checks for it.

import { AbortedError, errorMessage } from '../errors.ts';

export class Schedule {
  private windowStart?: number;
  readonly signal: AbortSignal;
  private readonly now: () => Date;
  private readonly external?: AbortSignal;
  private readonly internal: AbortSignal;

  /** `external`: a signal (Ctrl-C); `internal`: the run's own (a stop condition, the end of the run). */
  constructor(now: () => Date, internal: AbortSignal, external?: AbortSignal) {
    this.now = now;
    this.internal = internal;
    if (external !== undefined) this.external = external;
    this.signal = external ? AbortSignal.any([external, internal]) : internal;
  }

  /** Offsets from here on are measured from now. */
  startWindow(): void {
    this.windowStart = this.now().getTime();
  }

  /** Sleeps until `offsetSeconds` after the window's start, or until aborted; then throws if aborted. */
  async sleepUntil(offsetSeconds: number): Promise<void> {
    if (this.windowStart === undefined) throw new Error('window not started');
    const wait = this.windowStart + offsetSeconds * 1000 - this.now().getTime();
    if (wait > 0) await abortableSleep(wait, this.signal);
    this.throwIfAborted();
  }

  sleep(ms: number): Promise<void> {
    return abortableSleep(ms, this.signal);
  }

  throwIfAborted(): void {
    if (this.external?.aborted) throw new AbortedError(`aborted: ${errorMessage(this.external.reason ?? 'signal')}`);
    if (this.internal.aborted) throw new AbortedError(`aborted: ${errorMessage(this.internal.reason ?? 'stopped')}`);
  }

  /** "t+12.3s" relative to the window start, for progress lines; "t-" before it. */
  clock(): string {
    if (this.windowStart === undefined) return 't-';
    const seconds = (this.now().getTime() - this.windowStart) / 1000;
    return `t${seconds < 0 ? '' : '+'}${seconds.toFixed(1)}s`;
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits for `work` at most `ms`; true when it settled in time. The work is not cancelled, only no longer awaited. */
export async function withinDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
