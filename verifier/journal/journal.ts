// The append-only journal of a run: one JSON event per line, written and fsynced before the
// action it records is considered done, so a crash or `kill -9` loses nothing that happened. When
// the disk fills (or turns read-only) mid-run, the journal keeps what it wrote and says so; the run
// then stops and reverts from its memory of what is in place.

import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeSystemError, errorMessage, JournalWriteError, UsageError } from '../errors.ts';
import type { JournalEvent } from './events.ts';

export interface Journal {
  file: string;
  /** Writes and fsyncs one event. Never throws: a failed write is kept in `failure`, and reported once. */
  append(event: JournalEvent): void;
  close(): void;
  /** Set when a write failed; nothing more is written after it (the journal stays readable up to it). */
  readonly failure: JournalWriteError | undefined;
  /** Events that could not be written since the failure. */
  readonly unwritten: number;
}

export interface JournalOptions {
  /** Called once, with the first failed write. */
  onFailure?: (error: JournalWriteError) => void;
}

/** Distributes an event type over the union so `at` can be left out of what callers pass. */
export type EventInput<E = JournalEvent> = E extends JournalEvent ? Omit<E, 'at'> & { at?: string } : never;

/**
 * Opens (creates) a journal for appending; throws a UsageError in words when the file cannot be
 * opened. A write that fails later does not throw: the run learns of it through `onFailure` and
 * stops, reverting what is in place from memory.
 */
export function openJournal(file: string, options: JournalOptions = {}): Journal {
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    throw new UsageError(`cannot open the journal ${file}: ${describeSystemError(error) ?? errorMessage(error)}`, { cause: error });
  }
  let open = true;
  let failure: JournalWriteError | undefined;
  let unwritten = 0;
  return {
    file,
    get failure() {
      return failure;
    },
    get unwritten() {
      return unwritten;
    },
    append(event) {
      if (!open) throw new Error(`journal ${file} is closed`);
      if (failure) {
        unwritten++;
        return;
      }
      try {
        writeSync(fd, `${JSON.stringify(event)}\n`);
        fsyncSync(fd);
      } catch (error) {
        unwritten++;
        failure = new JournalWriteError(`cannot write the journal ${file}: ${describeWriteFailure(file, error)}`, { cause: error });
        options.onFailure?.(failure);
      }
    },
    close() {
      if (!open) return;
      open = false;
      try {
        closeSync(fd);
      } catch {
        // A close after a failed write may fail the same way; there is nothing more to keep.
      }
    },
  };
}

/** `no space left on the device (ENOSPC) on /srv/runs (tmpfs)`: the error, and where the file lives. */
export function describeWriteFailure(file: string, error: unknown): string {
  const what = describeSystemError(error) ?? errorMessage(error);
  const mount = mountOf(file);
  return mount ? `${what} on ${mount.point} (${mount.type})` : what;
}

/** The mount a path lives on, from /proc/self/mounts (Linux); undefined elsewhere. */
function mountOf(path: string): { point: string; type: string } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return undefined;
  }
  const absolute = resolve(path);
  let best: { point: string; type: string } | undefined;
  for (const line of text.split('\n')) {
    const [, rawPoint, type] = line.split(' ');
    if (rawPoint === undefined || type === undefined) continue;
    // /proc/self/mounts escapes spaces and the like as octal (\040).
    const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const inside = point === '/' || absolute === point || absolute.startsWith(`${point}/`);
    if (inside && (best === undefined || point.length > best.point.length)) best = { point, type };
  }
  return best;
}

/**
 * Reads a journal back. A last line cut short by a crash is dropped; any other malformed line is an
 * error naming its line number.
 */
export async function readJournal(file: string): Promise<JournalEvent[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the journal ${file}: ${(error as Error).message}. Pass a run folder such as runs/<run-id>.`, {
      cause: error,
    });
  }
  const lines = text.split('\n');
  const events: JournalEvent[] = [];
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch (error) {
      const isLast = lines.slice(index + 1).every((rest) => !rest.trim());
      if (isLast) break;
      throw new UsageError(`${file}:${index + 1}: not a journal event (${(error as Error).message})`, { cause: error });
    }
  }
  return events;
}
