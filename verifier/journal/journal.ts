// The append-only journal of a run: one JSON event per line, written and fsynced before the
// action it records is considered done, so a crash or `kill -9` loses nothing that happened.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import type { JournalEvent } from './events.ts';

export interface Journal {
  file: string;
  append(event: JournalEvent): void;
  close(): void;
}

/** Distributes an event type over the union so `at` can be left out of what callers pass. */
export type EventInput<E = JournalEvent> = E extends JournalEvent ? Omit<E, 'at'> & { at?: string } : never;

export function openJournal(file: string): Journal {
  const fd = openSync(file, 'a');
  let open = true;
  return {
    file,
    append(event) {
      if (!open) throw new Error(`journal ${file} is closed`);
      writeSync(fd, `${JSON.stringify(event)}\n`);
      fsyncSync(fd);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
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
