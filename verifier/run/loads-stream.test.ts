// The trace journaled as it runs: Loads takes what the TraceStream read every TRACE_CHUNK_SECONDS
// and journals it, the rest at k6's end; the journal's readers merge the chunks into the record
// one read of the whole output gives. k6's output is the real recording in load/fixtures.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { indexJournal } from '../analyze/journal-index.ts';
import { testPlan } from '../analyze/testing/journal-builder.ts';
import type { JournalEvent, TraceSamples } from '../journal/events.ts';
import { readTraceResults } from '../load/k6-results.ts';
import { type TraceIteration, TraceStream } from '../load/trace-stream.ts';
import { traceRecord } from '../report/trace-record.ts';
import { fakeLoadsContext } from './testing/fake-run.ts';
import { Loads, TRACE_CHUNK_SECONDS } from './loads.ts';
import type { LoadFinish, LoadRunner } from './ports.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../load/fixtures/${name}`, import.meta.url));

afterEach(() => {
  vi.useRealTimers();
});

describe('the trace journaled in chunks while it runs', () => {
  it('gives, merged by the readers, what reading the whole output gives; each iteration once; watchers hear each', async () => {
    vi.useFakeTimers();
    const lines = (await readFile(fixture('trace-journeys.jsonl'), 'utf8')).split('\n');
    const whole = await readTraceResults(fixture('trace-journeys.jsonl'));
    const events: JournalEvent[] = [];
    const run = fakeLoadsContext((event) => events.push({ at: new Date().toISOString(), ...event } as JournalEvent));
    const stream = new TraceStream({ source: 'test' });
    let end: (value: LoadFinish) => void = () => {};
    const finished = new Promise<LoadFinish>((resolve) => {
      end = resolve;
    });
    const runner: LoadRunner = {
      startTrace: async () => ({
        pid: 1,
        vus: 1,
        finished,
        stop: async () => {
          const { samples, latencies, journeys } = stream.take(true);
          end({ exitCode: 0, signal: null, traceSamples: samples, traceLatencies: latencies, traceJourneys: journeys });
          return finished;
        },
        progress: async () => stream.progress(),
        stream,
      }),
      startBurst: async () => {
        throw new Error('no bursts here');
      },
    };
    const loads = new Loads(run, runner);
    const heard: TraceIteration[] = [];
    loads.onTraceIteration((iteration) => heard.push(iteration));
    await loads.startTrace(60);
    // k6 writes a third of its output in each of three chunk periods.
    const third = Math.ceil(lines.length / 3);
    for (let part = 0; part < 3; part++) {
      stream.push(`${lines.slice(part * third, (part + 1) * third).join('\n')}\n`);
      await vi.advanceTimersByTimeAsync(TRACE_CHUNK_SECONDS * 1000);
    }
    await loads.stop('scheduled');

    const chunks = events.filter((event): event is TraceSamples & { at: string } => event.kind === 'trace.samples');
    expect(chunks.length).toBeGreaterThan(whole.journeys.length);
    expect(chunks.reduce((n, chunk) => n + chunk.samples.length, 0)).toBe(whole.samples.length);
    expect(heard).toHaveLength(whole.samples.length);

    const record = traceRecord(events);
    expect(record.samples).toEqual(whole.samples);
    expect(record.latencies).toEqual(whole.latencies);
    const byName = (a: { journey: string }, b: { journey: string }) => a.journey.localeCompare(b.journey);
    expect(record.journeys?.sort(byName)).toEqual([...whole.journeys].sort(byName));
    const index = indexJournal([
      {
        kind: 'run.started',
        at: new Date().toISOString(),
        runId: 'run-1',
        plan: testPlan(),
        gamedayVersion: 'test',
        pid: 1,
      } as JournalEvent,
      ...events,
    ]);
    expect(index.traceSamples).toEqual(whole.samples);
    expect(index.traceLatencies).toEqual(whole.latencies);
  });
});
