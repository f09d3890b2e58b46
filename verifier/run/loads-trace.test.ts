// What the trace's k6 leaves becomes trace.samples events: one per named journey (so the analysis
// judges impact per journey), one for untagged iterations, or a single one for an unnamed trace.
// The k6 output is the real recording in load/fixtures (traces/journeys.ts, two journeys).

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../analyze/index.ts';
import { faultSpec, JournalBuilder, testPlan } from '../analyze/testing/journal-builder.ts';
import type { JournalEvent, TraceSamples } from '../journal/events.ts';
import { readTraceResults } from '../load/k6-results.ts';
import { fakeLoadsContext } from './testing/fake-run.ts';
import { Loads } from './loads.ts';
import type { LoadFinish, LoadRunner } from './ports.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../load/fixtures/${name}`, import.meta.url));

/** The events Loads records for a trace whose k6 ends with `finish`. */
async function traceEvents(finish: LoadFinish): Promise<TraceSamples[]> {
  const events: Array<{ kind: string }> = [];
  const run = fakeLoadsContext((event) => events.push(event));
  // k6 ends when stopped, as the trace does at the end of a run (an earlier end would be restarted).
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
        end(finish);
        return finished;
      },
      progress: async () => ({ iterations: 0, samples: 0, timed: 0 }),
    }),
    startBurst: async () => {
      throw new Error('no bursts here');
    },
  };
  const loads = new Loads(run, runner);
  await loads.startTrace(60);
  await loads.stop('scheduled');
  return events.filter((event): event is TraceSamples => event.kind === 'trace.samples');
}

describe('the trace in the journal', () => {
  it('one event per named journey, every sample once', async () => {
    const results = await readTraceResults(fixture('trace-journeys.jsonl'));
    const events = await traceEvents({
      exitCode: 0,
      signal: null,
      traceSamples: results.samples,
      traceLatencies: results.latencies,
      traceJourneys: results.journeys,
    });
    expect(events.map((event) => [event.journey, event.samples.length, event.latencies?.length])).toEqual(
      results.journeys.map((journey) => [journey.journey, journey.samples.length, journey.latencies.length]),
    );
    expect(events.reduce((sum, event) => sum + event.samples.length, 0)).toBe(results.samples.length);
  });

  it('untagged iterations beside named ones keep an event of their own', async () => {
    const results = await readTraceResults(fixture('trace-journeys.jsonl'));
    const untagged: [number, 0 | 1] = [1, 1];
    const events = await traceEvents({
      exitCode: 0,
      signal: null,
      traceSamples: [untagged, ...results.samples],
      traceLatencies: [[1, 5], ...results.latencies],
      traceJourneys: results.journeys,
    });
    expect(events[0]).toMatchObject({ samples: [untagged], latencies: [[1, 5]] });
    expect(events[0]?.journey).toBeUndefined();
    expect(events.slice(1).map((event) => event.journey)).toEqual(['browse', 'checkout']);
  });

  it('a single event for an unnamed trace, as before journeys', async () => {
    const results = await readTraceResults(fixture('trace-results.jsonl'));
    const events = await traceEvents({ exitCode: 0, signal: null, traceSamples: results.samples, traceLatencies: results.latencies });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ samples: results.samples, latencies: results.latencies });
  });

  it('the analysis gives each journey its own impact from those events', async () => {
    const results = await readTraceResults(fixture('trace-journeys.jsonl'));
    const events = await traceEvents({
      exitCode: 0,
      signal: null,
      traceSamples: results.samples,
      traceLatencies: results.latencies,
      traceJourneys: results.journeys,
    });
    const first = results.samples[0]?.[0] ?? 0;
    const start = new Date(first - 1000).toISOString();
    // One fault over the whole recording: checkout failed (every other POST /pay), browse never did.
    const journal: JournalEvent[] = [
      ...new JournalBuilder(testPlan({ faults: [faultSpec('pay-broken', { expect: [] })] })).windowStarted(0).build(),
      { kind: 'fault.injected', at: start, fault: 'pay-broken', startedAt: start },
      ...events.map((event) => ({ ...event, at: new Date(first + 10_000).toISOString() })),
    ];
    const impact = analyzeRun(journal).faults[0]?.impact;
    const failed = (name: string) =>
      results.journeys.find((journey) => journey.journey === name)?.samples.filter(([, ok]) => ok === 0).length;
    expect(impact?.journeys.map((journey) => [journey.journey, journey.failedRequests])).toEqual([
      ['browse', failed('browse')],
      ['checkout', failed('checkout')],
    ]);
    expect(impact?.journeys[1]?.failedRequests).toBeGreaterThan(0);
    expect(impact?.journeys[0]?.kind).toBe('none');
  });
});
