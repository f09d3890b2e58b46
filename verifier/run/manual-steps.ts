// A manual step of a fault (`inject: { manual }` or `revert: { manual }`) at its time: the
// instructions go to the facilitator's console, `fault.awaiting-mark` to the journal, and the step
// waits for its mark up to its bound. In a sealed run the instructions are still printed (the
// facilitator runs gameday and must see them), but without the fault's name: the line that names
// it waits with the other fault lines until the window ends, and the live status and gameday's
// metrics never see `fault.*` events before then. `gameday reveal <run>` gives the facilitator
// the name for `gameday mark`; Enter on gameday's terminal needs none.

import { InjectorError } from '../errors.ts';
import type { MarkReceived, MarkRequest } from '../faults/injectors.ts';
import type { FaultSpec } from '../plan/types.ts';
import { formatDuration } from '../plan/duration.ts';
import type { RunContext } from './context.ts';
import type { MarkWatcher } from './mark-watcher.ts';

/** What became of a fault's manual step: the mark it got, or why none came. */
export interface ManualOutcome {
  received?: MarkReceived;
  missed?: string;
}

/**
 * The `awaitMark` of one fault's injector context. `signal`: what ends the wait early (the run
 * stopping, for an injection; none for a revert, which waits for its mark whatever happens).
 */
export function markAwaiter(
  run: RunContext,
  watcher: MarkWatcher,
  fault: FaultSpec,
  outcome: ManualOutcome,
  signal?: AbortSignal,
): (request: MarkRequest) => Promise<MarkReceived> {
  return async ({ mark, instructions, timeoutSeconds }) => {
    const bound = timeoutSeconds ?? fault.durationSeconds;
    const deadline = new Date(run.now().getTime() + bound * 1000).toISOString();
    run.record({ kind: 'fault.awaiting-mark', fault: fault.name, mark, instructions, deadline });
    const step = mark === 'injected' ? 'MANUAL FAULT' : 'MANUAL REVERT';
    run.log(`${run.schedule.clock()} ${step}, do it now: ${instructions.trim()}`);
    run.log(`    then press Enter here (or run \`gameday mark ${run.runDir} <fault> ${mark}\`); waiting up to ${formatDuration(bound)}`);
    run.logFault(`${run.schedule.clock()} ${fault.name}: awaiting the mark ${mark} (gameday mark ${run.runDir} ${fault.name} ${mark})`);
    const received = await watcher.waitFor(fault.name, mark, bound * 1000, signal);
    if (received === undefined) {
      outcome.missed = signal?.aborted
        ? `the run stopped before anyone marked it ${mark}`
        : `no one marked it ${mark} within ${formatDuration(bound)} (by ${deadline})`;
      throw new InjectorError(`manual step not done: ${outcome.missed}`);
    }
    outcome.received = received;
    return received;
  };
}
