// Prometheus's clock read beside gameday's at preflight and at the end (`clock.sampled`); the
// analysis corrects every Prometheus timestamp by the offset.

import { clockOffset } from '../journal/clock-offset.ts';
import { type ClockSource, sampleClock } from '../observe/clock.ts';
import type { RunContext } from './context.ts';

/** Journals the reads; returns the offset in ms (Prometheus minus gameday), or undefined without reads. */
export async function journalClockOffset(
  run: RunContext,
  prometheus: ClockSource,
  phase: 'preflight' | 'end',
): Promise<number | undefined> {
  const samples = await sampleClock(prometheus, () => run.now());
  if (samples.length === 0) {
    run.log(`clock: Prometheus did not answer time() at ${phase}; its timestamps will be taken as they are`);
    return undefined;
  }
  run.record({ kind: 'clock.sampled', phase, samples });
  const offset = clockOffset(samples);
  if (offset === null) return undefined;
  if (Math.abs(offset.offsetMs) >= 100) {
    const side = offset.offsetMs > 0 ? 'ahead of' : 'behind';
    run.log(
      `clock: Prometheus is ${Math.abs(offset.offsetMs)} ms ${side} gameday (± ${offset.uncertaintyMs} ms); the report corrects for it`,
    );
  }
  return offset.offsetMs;
}
