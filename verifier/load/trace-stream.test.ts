import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceResults, type TraceResults } from './k6-results.ts';
import { type TraceIteration, TraceStream } from './trace-stream.ts';

// Unmodified k6 v2.2.0 outputs (fixtures/README.md): the trace with failures, and two journeys.
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** Feeds `text` in chunks of `size` characters, taking after every `takeEvery` chunks; merges the takes. */
function streamed(text: string, size: number, takeEvery: number, stream = new TraceStream({ source: 'test' })) {
  const takes: TraceResults[] = [];
  let other = '';
  for (let i = 0, n = 0; i < text.length; i += size, n++) {
    other += stream.push(text.slice(i, i + size));
    if (n % takeEvery === 0) takes.push(stream.take());
  }
  takes.push(stream.take(true));
  const merged: TraceResults = { samples: [], latencies: [], journeys: [] };
  for (const take of takes) {
    merged.samples.push(...take.samples);
    merged.latencies.push(...take.latencies);
    for (const journey of take.journeys) {
      const into = merged.journeys.find((j) => j.journey === journey.journey);
      if (into) {
        into.samples.push(...journey.samples);
        into.latencies.push(...journey.latencies);
      } else merged.journeys.push({ journey: journey.journey, samples: [...journey.samples], latencies: [...journey.latencies] });
    }
  }
  const byTime = (a: readonly number[], b: readonly number[]) => (a[0] as number) - (b[0] as number);
  for (const list of [merged.samples, merged.latencies, ...merged.journeys.flatMap((j) => [j.samples, j.latencies])]) list.sort(byTime);
  merged.journeys.sort((a, b) => a.journey.localeCompare(b.journey));
  return { merged, takes, other, stream };
}

describe('TraceStream', () => {
  for (const name of ['trace-results.jsonl', 'trace-journeys.jsonl']) {
    it(`gives what readTraceResults reads from the whole file, fed in pieces and taken in chunks (${name})`, async () => {
      const text = await readFile(fixture(name), 'utf8');
      const whole = await readTraceResults(fixture(name));
      whole.journeys.sort((a, b) => a.journey.localeCompare(b.journey));
      for (const [size, every] of [
        [1, 500],
        [97, 3],
        [4096, 1],
        [text.length, 1],
      ] as const) {
        const { merged, takes } = streamed(text, size, every);
        expect(merged).toEqual(whole);
        // Every take before the last may be empty or partial, never a repeat.
        expect(takes.reduce((n, take) => n + take.samples.length, 0)).toBe(whole.samples.length);
      }
      expect(whole.samples.length).toBeGreaterThan(8);
    });
  }

  it('holds a sample until its duration arrives, then releases both together', async () => {
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8')).split('\n');
    const sample = lines.find((l) => l.includes('"metric":"trace_ok","type":"Point"')) as string;
    const started = Number(/"started_ms":"(\d+)"/.exec(sample)?.[1]);
    const duration = lines.find((l) => l.includes('"metric":"iteration_duration"') && l.includes(`"started_ms":"${started}"`)) as string;
    const stream = new TraceStream({ source: 'test' });
    stream.push(`${sample}\n`);
    expect(stream.take().samples).toEqual([]);
    expect(stream.held).toBe(1);
    stream.push(`${duration}\n`);
    const take = stream.take();
    expect(take.samples).toEqual([[started, 1]]);
    expect(take.latencies).toEqual([[started, expect.any(Number)]]);
    expect(stream.held).toBe(0);
  });

  it('tells every iteration to watchers as its sample arrives, and counts progress', async () => {
    const text = await readFile(fixture('trace-journeys.jsonl'), 'utf8');
    const seen: TraceIteration[] = [];
    const stream = new TraceStream({ source: 'test' });
    stream.onIteration((iteration) => seen.push(iteration));
    stream.push(text);
    const whole = await readTraceResults(fixture('trace-journeys.jsonl'));
    expect(seen.map(({ at, ok }) => [at, ok]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(whole.samples);
    expect(new Set(seen.map((i) => i.journey))).toEqual(new Set(whole.journeys.map((j) => j.journey)));
    expect(stream.progress()).toEqual({ iterations: whole.samples.length, samples: whole.samples.length, timed: whole.samples.length });
  });

  it("keeps k6's lines of the points it reads, verbatim, and passes the rest of stdout on for the log", async () => {
    const text = await readFile(fixture('trace-results.jsonl'), 'utf8');
    const kept: string[] = [];
    const stream = new TraceStream({ source: 'test', keep: (line) => kept.push(line) });
    const other = stream.push(`${text}\n  █ TOTAL RESULTS\n`);
    expect(other).toBe('\n  █ TOTAL RESULTS\n');
    const points = text
      .split('\n')
      .filter((l) => l.includes('"type":"Point"') && /"metric":"(trace_ok|iteration_duration|iterations)"/.test(l));
    expect(kept).toEqual(points);
    expect(kept.join('\n').length).toBeLessThan(text.length / 8);
  });

  it('skips a broken line that is not the last and names it; ignores a torn last line', async () => {
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8')).split('\n');
    const at = lines.findIndex((line) => line.includes('"metric":"trace_ok","type":"Point"'));
    lines[at] = (lines[at] as string).slice(0, 60);
    const stream = new TraceStream({ source: 'k6 stdout' });
    stream.push(`${lines.join('\n')}{"metric":"trace_ok","type":"Point","data":{"ti`);
    expect(stream.take(true).samples).toHaveLength(8);
    expect(stream.problem).toBe(`invalid k6 JSON output at k6 stdout:${at + 1}; reason: not valid JSON`);
  });
});
