// The running gameday's ear for marks: it tails runs/<id>/marks.jsonl (where `gameday mark` from
// any terminal appends) and, when its own stdin is a terminal, hears Enter for the step it awaits.
// Every mark is journaled here as `fault.marked`, so the journal keeps its one writer; a manual
// step waiting for its mark gets it, and listeners (a responders fault's restore) hear them all.

import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { MarkReceived } from '../faults/injectors.ts';
import type { FaultMarked } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import { MARKS_FILE, type MarkLine, parseMarkLine } from '../journal/marks.ts';

export interface MarkWatcherOptions {
  runDir: string;
  /** The plan's faults: a mark for another name is logged and left out. */
  faults: readonly string[];
  record(event: EventInput): void;
  log(line: string): void;
  now(): Date;
  /** How often marks.jsonl is read; 250 ms by default. */
  pollMs?: number;
  /** gameday's own terminal: Enter marks the step awaited longest. Only used when it is a TTY. */
  stdin?: TerminalInput;
}

export type TerminalInput = Pick<NodeJS.ReadStream, 'on' | 'off' | 'pause' | 'resume'> & { isTTY?: boolean };

interface Waiter {
  fault: string;
  mark: 'injected' | 'restored';
  resolve(received: MarkReceived | undefined): void;
}

export class MarkWatcher {
  private readonly options: MarkWatcherOptions;
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  /** Marks of a step no one awaited yet (made before it was due): the step takes them when it comes. */
  private readonly unclaimed: Array<MarkReceived & { fault: string; mark: FaultMarked['mark'] }> = [];
  private readonly waiters: Waiter[] = [];
  private readonly listeners: Array<(event: FaultMarked) => void> = [];
  private listeningToTerminal = false;

  constructor(options: MarkWatcherOptions) {
    this.options = options;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 250);
    this.timer.unref();
  }

  /** Reads what is left in marks.jsonl, stops tailing and lets go of the terminal; waiters get nothing. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.poll();
    this.timer = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
    this.releaseTerminal();
  }

  /** Hears every mark once it is journaled (a `revert: responders` fault restored by hand). */
  onMark(listener: (event: FaultMarked) => void): void {
    this.listeners.push(listener);
  }

  /** The step's mark, or undefined when `timeoutMs` passed, `signal` aborted or the watcher stopped. */
  waitFor(fault: string, mark: 'injected' | 'restored', timeoutMs: number, signal?: AbortSignal): Promise<MarkReceived | undefined> {
    const early = this.unclaimed.findIndex((received) => received.fault === fault && received.mark === mark);
    if (early >= 0) return Promise.resolve(this.unclaimed.splice(early, 1)[0]);
    return new Promise((resolve) => {
      const done = (received: MarkReceived | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        if (this.waiters.length === 0) this.releaseTerminal();
        resolve(received);
      };
      const aborted = () => done(undefined);
      const waiter: Waiter = { fault, mark, resolve: done };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      if (signal?.aborted) return done(undefined);
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiters.push(waiter);
      this.listenToTerminal();
    });
  }

  private poll(): Promise<void> {
    // One read at a time, in order: a slow disk must not hand a line over twice.
    this.polling = this.polling.then(() =>
      this.readNewLines().catch((error) => this.options.log(`reading ${MARKS_FILE} failed: ${errorMessage(error)}`)),
    );
    return this.polling;
  }

  private async readNewLines(): Promise<void> {
    let handle;
    try {
      handle = await open(join(this.options.runDir, MARKS_FILE), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const text of lines) if (text.trim()) this.heard(text);
    } finally {
      await handle.close();
    }
  }

  private heard(text: string): void {
    const line = parseMarkLine(text);
    if (line === undefined) return this.options.log(`${MARKS_FILE}: not a mark, left out: ${text.slice(0, 120)}`);
    if (!this.options.faults.includes(line.fault))
      return this.options.log(`${MARKS_FILE}: no fault ${line.fault} in the plan; mark left out`);
    this.marked(line, 'cli');
  }

  private marked(line: MarkLine, by: FaultMarked['by']): void {
    const event: FaultMarked = {
      kind: 'fault.marked',
      at: this.options.now().toISOString(),
      fault: line.fault,
      mark: line.mark,
      markedAt: line.markedAt,
      by,
      ...(line.note !== undefined && { note: line.note }),
    };
    this.options.record(event);
    for (const listener of this.listeners) listener(event);
    const received: MarkReceived = { markedAt: line.markedAt, by, ...(line.note !== undefined && { note: line.note }) };
    const waiter = this.waiters.find((candidate) => candidate.fault === line.fault && candidate.mark === line.mark);
    if (waiter) waiter.resolve(received);
    else if (line.mark !== 'acknowledged') this.unclaimed.push({ ...received, fault: line.fault, mark: line.mark });
  }

  private readonly onTerminalData = (data: Buffer | string): void => {
    if (!String(data).includes('\n') && !String(data).includes('\r')) return;
    const waiter = this.waiters[0];
    if (waiter === undefined) return;
    const at = this.options.now().toISOString();
    this.marked({ fault: waiter.fault, mark: waiter.mark, markedAt: at, madeAt: at }, 'terminal');
  };

  private listenToTerminal(): void {
    const { stdin } = this.options;
    if (this.listeningToTerminal || stdin?.isTTY !== true) return;
    this.listeningToTerminal = true;
    stdin.on('data', this.onTerminalData);
    stdin.resume();
  }

  /** A paused stdin keeps no process alive: gameday ends when its work does. */
  private releaseTerminal(): void {
    const { stdin } = this.options;
    if (!this.listeningToTerminal || stdin === undefined) return;
    this.listeningToTerminal = false;
    stdin.off('data', this.onTerminalData);
    stdin.pause();
  }
}
