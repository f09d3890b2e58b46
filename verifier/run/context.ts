// What every part of a running game day shares: the plan, where the run lives, the journal, the
// progress log, the clock and the schedule.

import type { EventInput } from '../journal/journal.ts';
import type { Plan } from '../plan/types.ts';
import type { Schedule } from './schedule.ts';

export interface RunContext {
  readonly plan: Plan;
  readonly runId: string;
  readonly runDir: string;
  /** Journals an event (fsynced) and hands it to the live consumers. */
  record(event: EventInput): void;
  /** A progress line for the person at the terminal. */
  log(line: string): void;
  /** A line that names a fault: held back while the run is sealed, given when the window ends. */
  logFault(line: string): void;
  now(): Date;
  readonly schedule: Schedule;
}
