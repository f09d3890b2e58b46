// The trace's k6 JSON output read as it arrives (k6 writes it to its stdout, `--out json=-`):
// each line is parsed once and dropped; what is kept per iteration is what `trace.samples` needs
// — [time, ok], [time, duration] and the journey. A k6 line is ~300 bytes and an iteration
// writes 20 to 30 of them (~8.3 kB; 227 MB for 8 hours at 1 req/s, bench/long-window.ts); here
// an iteration costs a few dozen bytes until the next take(). The lines of the points read here
// are also written to `keep` verbatim (~650 bytes an iteration): k6's own record of every trace
// figure in a report.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LoadError } from '../errors.ts';
import { pointData, type TraceLatency, type TraceResults, type TraceSample } from './k6-results.ts';

/** One iteration as soon as its `trace_ok` point arrives (before its duration): what live watchers need. */
export interface TraceIteration {
  /** Unix ms of the iteration's start (`started_ms`), or of the point for a script without it. */
  at: number;
  ok: 0 | 1;
  journey?: string;
}

export interface TraceStreamOptions {
  /** Names the output in error messages, e.g. "k6 trace (pid 123) stdout". */
  source: string;
  metric?: string;
  /** Receives each line this stream reads a point from, verbatim, without its newline. */
  keep?: (line: string) => void;
  /**
   * How long a sample waits for its iteration's duration (by iteration time, newest seen minus
   * this) before a take() releases it without one. Default 30 s; k6 writes both at once.
   */
  holdMs?: number;
}

interface Held {
  sample: TraceSample;
  journey: string | undefined;
  latency?: TraceLatency;
}

export class TraceStream {
  readonly #source: string;
  readonly #keep: ((line: string) => void) | undefined;
  readonly #holdMs: number;
  readonly #sampleFragment: string;
  #partial = '';
  #line = 0;
  #newest = 0;
  /** Samples waiting for their duration, by started_ms. */
  readonly #waiting = new Map<number, Held>();
  /** Durations that came before their sample, by started_ms. */
  readonly #early = new Map<number, number>();
  #ready: Held[] = [];
  readonly #listeners = new Set<(iteration: TraceIteration) => void>();
  readonly #progress = { iterations: 0, samples: 0, timed: 0 };
  #problem: string | undefined;

  constructor(options: TraceStreamOptions) {
    this.#source = options.source;
    this.#keep = options.keep;
    this.#holdMs = options.holdMs ?? 30_000;
    this.#sampleFragment = `"metric":${JSON.stringify(options.metric ?? 'trace_ok')}`;
  }

  /** Feeds a chunk of k6's stdout; returns the text in it that is not k6 JSON (the end-of-test summary), for the log. */
  push(chunk: string): string {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    let other = '';
    for (const line of parts) {
      this.#line += 1;
      if (line.startsWith('{')) this.#read(line);
      else other += `${line}\n`;
    }
    return other;
  }

  /**
   * The iterations completed since the last take, with the same shape as readTraceResults (the
   * journeys hold the very tuples of `samples`). `final`: k6 has exited; everything held is
   * released, and a torn last line (k6 killed mid-write) is ignored.
   */
  take(final = false): TraceResults {
    if (final && this.#partial !== '') {
      const last = this.#partial;
      this.#partial = '';
      this.#line += 1;
      if (last.startsWith('{')) this.#read(last, true);
    }
    const before = final ? Number.POSITIVE_INFINITY : this.#newest - this.#holdMs;
    for (const [started, held] of this.#waiting) {
      if (started > before) continue;
      this.#waiting.delete(started);
      this.#ready.push(held);
    }
    for (const started of this.#early.keys()) if (started <= before) this.#early.delete(started);
    const ready = this.#ready.sort((a, b) => a.sample[0] - b.sample[0]);
    this.#ready = [];
    const result: TraceResults = { samples: [], latencies: [], journeys: [] };
    const journeys = new Map<string, TraceResults['journeys'][number]>();
    for (const { sample, journey, latency } of ready) {
      result.samples.push(sample);
      if (latency) result.latencies.push(latency);
      if (journey === undefined) continue;
      const record = journeys.get(journey) ?? { journey, samples: [], latencies: [] };
      record.samples.push(sample);
      if (latency) record.latencies.push(latency);
      journeys.set(journey, record);
    }
    result.journeys = [...journeys.values()];
    return result;
  }

  /** Calls `listener` with every iteration from now on, as its sample arrives. Returns the unsubscribe. */
  onIteration(listener: (iteration: TraceIteration) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Counts so far: iterations k6 finished, `trace_ok` samples, those with `started_ms`. */
  progress(): { iterations: number; samples: number; timed: number } {
    return { ...this.#progress };
  }

  /** The first line that was not k6's JSON (it was skipped), as a message; undefined when all were. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** Iterations read but not taken yet: what this stream holds in memory. */
  get held(): number {
    return this.#ready.length + this.#waiting.size;
  }

  #read(line: string, last = false): void {
    const isSample = line.includes(this.#sampleFragment);
    const isDuration = !isSample && line.includes('"metric":"iteration_duration"');
    const isIteration = !isSample && !isDuration && line.includes('"metric":"iterations"');
    if (!(isSample || isDuration || isIteration) || !line.includes('"type":"Point"')) return;
    let point: ReturnType<typeof pointData>;
    try {
      point = pointData(JSON.parse(line), this.#source, this.#line);
    } catch (error) {
      if (!last)
        this.#problem ??=
          error instanceof LoadError ? error.message : `invalid k6 JSON output at ${this.#source}:${this.#line}; reason: not valid JSON`;
      return;
    }
    this.#keep?.(line);
    if (isIteration) {
      this.#progress.iterations += 1;
      return;
    }
    const { started, time, value, journey } = point;
    if (isDuration) {
      if (started === undefined) return;
      const held = this.#waiting.get(started);
      if (held === undefined) this.#early.set(started, value);
      else {
        this.#waiting.delete(started);
        this.#ready.push({ ...held, latency: [started, round(value)] });
      }
      return;
    }
    const sample: TraceSample = [started ?? time, value === 0 ? 0 : 1];
    this.#newest = Math.max(this.#newest, sample[0]);
    this.#progress.samples += 1;
    const held: Held = { sample, journey };
    if (started === undefined) this.#ready.push(held);
    else {
      this.#progress.timed += 1;
      const duration = this.#early.get(started);
      // Two iterations started in the same millisecond: the first goes without its duration, as in readTraceResults.
      const twin = this.#waiting.get(started);
      if (twin !== undefined) this.#ready.push(twin);
      if (duration === undefined) this.#waiting.set(started, held);
      else {
        this.#early.delete(started);
        this.#ready.push({ ...held, latency: [started, round(duration)] });
      }
    }
    const iteration: TraceIteration = { at: sample[0], ok: sample[1], ...(journey === undefined ? {} : { journey }) };
    for (const listener of this.#listeners) {
      try {
        listener(iteration);
      } catch (error) {
        // A watcher's bug must not stop the trace being read (this runs in k6's stdout handler).
        this.#problem ??= `a trace watcher failed: ${(error as Error).message}`;
      }
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface TraceOutput {
  trace: TraceStream;
  /** Ends the file of kept lines; resolves once it is closed. */
  close(): Promise<void>;
  /** `promise`, settled only after close(); never left unhandled. */
  closeAfter<T>(promise: Promise<T>): Promise<T>;
}

/** A TraceStream whose kept lines go to `file` (created or emptied now). */
export async function openTraceOutput(file: string, source: string): Promise<TraceOutput> {
  await mkdir(dirname(file), { recursive: true });
  const out = createWriteStream(file, { flags: 'w' });
  await once(out, 'open');
  let failed = false;
  // A full disk loses the kept copy only: the samples still reach the journal.
  out.on('error', () => (failed = true));
  const trace = new TraceStream({ source, keep: (line) => void (failed || out.write(`${line}\n`)) });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise((resolve) => {
      if (out.closed || out.destroyed) return resolve();
      out.once('close', () => resolve());
      out.end();
    }));
  const closeAfter = <T>(promise: Promise<T>): Promise<T> => {
    const settled = promise.finally(close);
    settled.catch(() => {});
    return settled;
  };
  return { trace, close, closeAfter };
}
