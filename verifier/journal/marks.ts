// Marks made by hand (`gameday mark`) travel through runs/<id>/marks.jsonl: any terminal appends a
// line, the running gameday tails the file and journals each as `fault.marked` (the journal keeps
// one writer). A mark made after the run ended (an acknowledgement written down afterwards) stays
// in marks.jsonl only; readRunEvents folds such marks into the events the reports are made from,
// so `gameday report` counts them.

import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { FaultMarked, JournalEvent } from './events.ts';
import { readJournal } from './journal.ts';

export const MARKS_FILE = 'marks.jsonl';

/** One line of marks.jsonl. */
export interface MarkLine {
  fault: string;
  mark: FaultMarked['mark'];
  /** The moment the mark claims (`--at`, or when it was made). */
  markedAt: string;
  /** When `gameday mark` wrote the line. */
  madeAt: string;
  note?: string;
}

export const MARK_KINDS: readonly FaultMarked['mark'][] = ['injected', 'acknowledged', 'restored'];

/** Appends one mark and flushes it to disk, so the running gameday (or a later report) sees it. */
export async function appendMark(runDir: string, line: MarkLine): Promise<void> {
  const file = join(runDir, MARKS_FILE);
  const handle = await open(file, 'a');
  try {
    await handle.appendFile(`${JSON.stringify(line)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A line of marks.jsonl read back; undefined for a line that is not a mark (cut short, or edited by hand). */
export function parseMarkLine(text: string): MarkLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const line = value as Partial<MarkLine>;
  if (typeof line.fault !== 'string' || typeof line.markedAt !== 'string' || typeof line.madeAt !== 'string') return undefined;
  if (!MARK_KINDS.includes(line.mark as FaultMarked['mark'])) return undefined;
  if (Number.isNaN(Date.parse(line.markedAt))) return undefined;
  return {
    fault: line.fault,
    mark: line.mark as FaultMarked['mark'],
    markedAt: line.markedAt,
    madeAt: line.madeAt,
    ...(typeof line.note === 'string' && { note: line.note }),
  };
}

/** Every mark in a run folder's marks.jsonl; none when there is no such file. */
export async function readMarks(runDir: string): Promise<MarkLine[]> {
  let text: string;
  try {
    text = await readFile(join(runDir, MARKS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`cannot read ${join(runDir, MARKS_FILE)}: ${(error as Error).message}`, { cause: error });
  }
  return text.split('\n').flatMap((line) => {
    const mark = line.trim() ? parseMarkLine(line) : undefined;
    return mark ? [mark] : [];
  });
}

/** The journal event a mark becomes. */
export function markEvent(line: MarkLine, by: FaultMarked['by'], at: string): FaultMarked {
  return {
    kind: 'fault.marked',
    at,
    fault: line.fault,
    mark: line.mark,
    markedAt: line.markedAt,
    by,
    ...(line.note !== undefined && { note: line.note }),
  };
}

/**
 * The journal's events with the marks it does not hold yet (made after gameday stopped tailing
 * marks.jsonl). A mark is the same mark when its fault, kind and claimed time are.
 */
export function withMarks(events: readonly JournalEvent[], marks: readonly MarkLine[]): JournalEvent[] {
  const key = (mark: { fault: string; mark: string; markedAt: string }) => `${mark.fault}\u0000${mark.mark}\u0000${mark.markedAt}`;
  const journaled = new Set(events.flatMap((event) => (event.kind === 'fault.marked' ? [key(event)] : [])));
  const later = marks.filter((mark) => !journaled.has(key(mark))).map((mark) => markEvent(mark, 'cli', mark.madeAt));
  return later.length === 0 ? [...events] : [...events, ...later];
}

/** A run folder's journal with its later marks folded in: what every report is made from. */
export async function readRunEvents(runDir: string): Promise<JournalEvent[]> {
  const events = await readJournal(join(runDir, 'journal.jsonl'));
  return withMarks(events, await readMarks(runDir));
}
