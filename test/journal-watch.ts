// For integration tests that act during a run: wait until the run's journal holds an event, by
// reading the file against a deadline (the journal is fsynced line by line), never a fixed sleep.

import { journalFileSoFar } from '../verifier/commands/testing/gameday-child.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';

/** The journal file as written so far; a line still being written is left out. */
export const readEvents = journalFileSoFar;

/** The first event that matches, once it is in the journal; rejects after `timeoutMs` or when `stop` is aborted. */
export async function waitForEvent(
  file: string,
  matches: (event: JournalEvent) => boolean,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<JournalEvent> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const found = (await readEvents(file)).find(matches);
    if (found) return found;
    if (options.signal?.aborted) throw new Error('stopped waiting: the run ended');
    if (Date.now() > deadline) throw new Error(`no matching event in ${file} after ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
