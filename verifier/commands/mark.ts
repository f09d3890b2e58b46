// `gameday mark <run-folder> <fault> injected|acknowledged|restored [--at TIME] [--note TEXT]`:
// a person says when something happened to a fault — the hand-made injection is in place, the
// team acknowledged it, the service is restored. From any terminal: the mark is appended to the
// run folder's marks.jsonl, which the running gameday tails and journals; after the run ended, the
// reports fold it in (`gameday report` rebuilds them).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UsageError } from '../errors.ts';
import type { FaultMarked, JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { appendMark, MARK_KINDS, MARKS_FILE, type MarkLine } from '../journal/marks.ts';
import { parseDuration } from '../plan/duration.ts';
import { type Command, defineCommand } from './command.ts';

export interface MarkArguments {
  fault: string;
  mark: string;
  at?: string;
  note?: string;
}

/**
 * The mark a command line means, checked against the run's journal: the fault is one of the plan's,
 * the mark one of the three, `--at` an ISO time or a time ago (`-30s`, `-2m`). Every problem at
 * once, each with what to do.
 */
export function buildMark(args: MarkArguments, events: readonly JournalEvent[], now: Date): MarkLine {
  const started = events.find((event) => event.kind === 'run.started');
  if (started === undefined) throw new UsageError('the journal has no run.started event: is this a gameday run folder (runs/<run-id>)?');
  const problems: string[] = [];
  const faults = started.plan.faults.map((fault) => fault.name);
  if (!faults.includes(args.fault)) {
    problems.push(`invalid fault; reason: expected one of the plan's faults (${faults.join(', ') || 'none'}), got "${args.fault}"`);
  }
  if (!MARK_KINDS.includes(args.mark as FaultMarked['mark'])) {
    problems.push(`invalid mark; reason: expected ${MARK_KINDS.join(', ')}, got "${args.mark}"`);
  }
  let markedAt = now;
  if (args.at !== undefined) {
    const parsed = parseMarkTime(args.at, now);
    if (parsed === undefined) {
      problems.push(
        `invalid --at; reason: expected an ISO 8601 time with its zone (2026-12-01T14:03:00Z) or a time ago (-30s, -2m), got "${args.at}"`,
      );
    } else if (parsed.getTime() > now.getTime() + 1000) {
      problems.push(
        `invalid --at; reason: a mark says what already happened, got ${parsed.toISOString()}, later than now (${now.toISOString()})`,
      );
    } else markedAt = parsed;
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    fault: args.fault,
    mark: args.mark as FaultMarked['mark'],
    markedAt: markedAt.toISOString(),
    madeAt: now.toISOString(),
    ...(args.note !== undefined && { note: args.note }),
  };
}

/** `2026-12-01T14:03:00Z` (a zone is required: a mark from another terminal must not depend on its TZ) or `-30s`. */
export function parseMarkTime(text: string, now: Date): Date | undefined {
  const ago = /^-(.+)$/.exec(text.trim());
  if (ago?.[1] !== undefined) {
    const seconds = parseDuration(ago[1]);
    return seconds === undefined ? undefined : new Date(now.getTime() - seconds * 1000);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text.trim())) return undefined;
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** Checks the mark against the run's journal and appends it to the run's marks.jsonl. */
export async function markFault(runDir: string, args: MarkArguments, now: Date = new Date()): Promise<{ line: MarkLine; ended: boolean }> {
  const journalFile = join(runDir, 'journal.jsonl');
  if (!existsSync(journalFile)) {
    throw new UsageError(`${runDir} has no journal.jsonl: pass the run's folder, runs/<run-id> (gameday run prints it when it starts)`);
  }
  const events = await readJournal(journalFile);
  const line = buildMark(args, events, now);
  await appendMark(runDir, line);
  return { line, ended: events.some((event) => event.kind === 'run.ended') };
}

export const markCommand: Command = defineCommand({
  name: 'mark',
  usage: 'mark <run-folder> <fault> injected|acknowledged|restored [--at TIME] [--note TEXT]',
  summary: 'say when a hand-made fault went in, the team acknowledged it or restored the service (--at: ISO time or -30s; default now)',
  options: { at: { type: 'string' }, note: { type: 'string' } },
  positionals: { min: 3, max: 3, what: 'arguments (run folder, fault, mark)' },
  async run({ values, positionals: [runDir = '', fault = '', mark = ''] }, io) {
    const { line, ended } = await markFault(runDir, {
      fault,
      mark,
      ...(values.at !== undefined && { at: values.at }),
      ...(values.note !== undefined && { note: values.note }),
    });
    const where = join(runDir, MARKS_FILE);
    io.stdout.write(
      `marked ${line.fault} ${line.mark} at ${line.markedAt} (${where})` +
        (ended ? `; the run has ended: \`gameday report ${runDir}\` rebuilds its reports with this mark\n` : '\n'),
    );
    return EXIT.ok;
  },
});
