// `gameday reveal <run-folder>`: the facilitator's view of a sealed schedule, from the journal —
// the seed, each fault's drawn time, and what has happened to it so far. Works during the run
// (the journal is written as it goes) and after.

import { join } from 'node:path';
import { EXIT, UsageError } from '../errors.ts';
import type { JournalEvent, RunStarted, ScheduleDrawn } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { formatDuration } from '../plan/duration.ts';
import { type Command, defineCommand } from './command.ts';

/** The schedule as the facilitator reads it: one line per fault. */
export function revealSchedule(events: readonly JournalEvent[]): string {
  const started = events.find((event): event is RunStarted => event.kind === 'run.started');
  if (!started) throw new UsageError('the journal has no run.started event: is this a gameday run folder?');
  const drawn = events.find((event): event is ScheduleDrawn => event.kind === 'schedule.drawn');
  const windowStart = events.find((event) => event.kind === 'window.started')?.at;
  const drawnAt = new Map(drawn?.faults.map((fault) => [fault.fault, fault.atSeconds]) ?? []);
  const lines = [
    `run ${started.runId} of plan ${started.plan.name}: ${drawn ? `seed ${drawn.seed}${drawn.sealed ? ', sealed' : ''}` : 'no drawn times'}`,
    `window ${windowStart ? `started ${windowStart}` : 'not started yet'}`,
  ];
  for (const fault of started.plan.faults) {
    const at = drawnAt.get(fault.name) ?? fault.atSeconds;
    const range = fault.atRange
      ? ` (drawn from ${formatDuration(fault.atRange.fromSeconds)}–${formatDuration(fault.atRange.toSeconds)})`
      : '';
    const mine = events.filter((event) => 'fault' in event && event.fault === fault.name && event.kind.startsWith('fault.'));
    const state = mine.length === 0 ? 'not yet' : mine.map((event) => `${event.kind.replace('fault.', '')} ${event.at}`).join(', ');
    lines.push(`  ${fault.name}: t+${formatDuration(at)}${range} for ${formatDuration(fault.durationSeconds)}; ${state}`);
  }
  return lines.join('\n');
}

export const revealCommand: Command = defineCommand({
  name: 'reveal',
  usage: 'reveal <run-folder>',
  summary: "the facilitator's view of a sealed schedule: seed, each fault's drawn time and what happened so far",
  options: {},
  positionals: { min: 1, max: 1, what: 'run folder' },
  async run({ positionals: [runDir = ''] }, io) {
    io.stdout.write(`${revealSchedule(await readJournal(join(runDir, 'journal.jsonl')))}\n`);
    return EXIT.ok;
  },
});
