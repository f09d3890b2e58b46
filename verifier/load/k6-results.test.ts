import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBurstResult, readTraceResults, readTraceSamples } from './k6-results.ts';
import { LoadError } from '../errors.ts';

// Fixtures are unmodified outputs of k6 v2.2.0 runs of traces/trace.ts and loadtests/burst.ts
// (README in fixtures/ says how each was made).
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gameday-load-results-'));
});

describe('readTraceSamples', () => {
  // 2 iterations/s for 4 s against a server that fails every 5th PUT and serves a stale value
  // on every 3rd GET.
  const expected: Array<[number, 0 | 1]> = [
    [1795400911625, 1],
    [1795400912126, 1],
    [1795400912625, 0],
    [1795400913126, 1],
    [1795400913626, 0],
    [1795400914126, 1],
    [1795400914626, 0],
    [1795400915126, 1],
    [1795400915626, 1],
  ];

  it('returns one [start ms, ok] per iteration, from the started_ms metadata', async () => {
    expect(await readTraceSamples(fixture('trace-results.jsonl'))).toEqual(expected);
  });

  it('reads a gzipped output the same', async () => {
    const file = join(tmp, 'trace-results.json.gz');
    await writeFile(file, await promisify(gzip)(await readFile(fixture('trace-results.jsonl'))));
    expect(await readTraceSamples(file)).toEqual(expected);
  });

  it('ignores a torn last line (k6 killed mid-write)', async () => {
    const file = join(tmp, 'torn-last.json');
    const text = await readFile(fixture('trace-results.jsonl'), 'utf8');
    await writeFile(file, `${text}{"metric":"trace_ok","type":"Point","data":{"time":"2026-11-2`);
    expect(await readTraceSamples(file)).toEqual(expected);
  });

  it('rejects a broken line that is not the last, naming file and line', async () => {
    const file = join(tmp, 'torn-middle.json');
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8')).split('\n');
    const at = lines.findIndex((line) => line.includes('"metric":"trace_ok","type":"Point"'));
    lines[at] = (lines[at] as string).slice(0, 60);
    await writeFile(file, lines.join('\n'));
    await expect(readTraceSamples(file)).rejects.toThrow(`invalid k6 JSON output at ${file}:${at + 1}`);
  });

  it('falls back to the sample time (the iteration end) without started_ms', async () => {
    const file = join(tmp, 'no-metadata.json');
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"metric":"trace_ok","type":"Point"'))
      .map((line) => line.replace(/,"metadata":\{[^}]*\}/, ''));
    await writeFile(file, lines.join('\n'));
    const samples = await readTraceSamples(file);
    // 2026-11-23T02:28:31.637017405Z, 12 ms after the iteration started.
    expect(samples[0]).toEqual([Date.parse('2026-11-23T02:28:31.637Z'), 1]);
    expect(samples.map(([, ok]) => ok)).toEqual(expected.map(([, ok]) => ok));
  });

  it("joins each iteration's duration to its sample by started_ms", async () => {
    const { samples, latencies } = await readTraceResults(fixture('trace-results.jsonl'));
    expect(samples).toEqual(expected);
    // iteration_duration of each iteration (PUT + GET), in ms, rounded to the microsecond.
    expect(latencies).toEqual([
      [1795400911625, 11.543],
      [1795400912126, 6.02],
      [1795400912625, 5.602],
      [1795400913126, 5.041],
      [1795400913626, 3.251],
      [1795400914126, 4.88],
      [1795400914626, 4.007],
      [1795400915126, 4.103],
      [1795400915626, 4.963],
    ]);
  });

  it('has no latencies without started_ms, the join key', async () => {
    const file = join(tmp, 'no-metadata-durations.json');
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"type":"Point"'))
      .map((line) => line.replace(/,"metadata":\{[^}]*\}/, ''));
    await writeFile(file, lines.join('\n'));
    const { samples, latencies } = await readTraceResults(file);
    expect(samples).toHaveLength(expected.length);
    expect(latencies).toEqual([]);
  });

  it('splits the samples by the journey tag of traces/journeys.ts, with their latencies', async () => {
    const file = fixture('trace-journeys.jsonl');
    const { samples, latencies, journeys } = await readTraceResults(file);
    // Counted from the file itself: the trace_ok points of each journey, and their outcomes.
    const points = (await readFile(file, 'utf8'))
      .split('\n')
      .filter((line) => line.includes('"metric":"trace_ok","type":"Point"'))
      .map((line) => JSON.parse(line) as { data: { value: number; tags: { journey: string } } });
    const outcomes = (journey: string) => points.filter((p) => p.data.tags.journey === journey).map((p) => (p.data.value === 0 ? 0 : 1));
    expect(journeys.map((j) => j.journey)).toEqual(['browse', 'checkout']);
    const [browse, checkout] = journeys;
    expect(browse?.samples.map(([, ok]) => ok).sort()).toEqual(outcomes('browse').sort());
    expect(checkout?.samples.map(([, ok]) => ok).sort()).toEqual(outcomes('checkout').sort());
    // The server failed every other POST /pay: checkout failed, browse never did.
    expect(checkout?.samples.some(([, ok]) => ok === 0)).toBe(true);
    expect(browse?.samples.every(([, ok]) => ok === 1)).toBe(true);
    // Checkout's first step waits 150 ms on the server; browse's only step does not.
    expect(checkout?.latencies.every(([, ms]) => ms >= 150)).toBe(true);
    expect(browse?.latencies.every(([, ms]) => ms < 150)).toBe(true);
    // Every sample is in exactly one journey, and the whole keeps them all.
    expect((browse?.samples.length ?? 0) + (checkout?.samples.length ?? 0)).toBe(samples.length);
    expect((browse?.latencies.length ?? 0) + (checkout?.latencies.length ?? 0)).toBe(latencies.length);
  });

  it('has no journeys for the unnamed trace', async () => {
    expect((await readTraceResults(fixture('trace-results.jsonl'))).journeys).toEqual([]);
  });

  it('says where the file should have been when it is missing', async () => {
    const file = join(tmp, 'missing', 'trace-results.jsonl');
    const error = await readTraceSamples(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('k6-trace.log');
  });
});

describe('readBurstResult', () => {
  it('reads a healthy burst from the {scenario:burst} sub-metrics, without setup requests', async () => {
    // 300/s for 3 s; the whole-test http_reqs is 1001 (100 seeding PUTs in setup + 901).
    expect(await readBurstResult(fixture('burst-summary.json'), 300, 3)).toEqual({
      requestedRate: 300,
      durationSeconds: 3,
      iterations: 901,
      achievedRate: 901 / 3,
      droppedIterations: 0,
      httpReqs: 901,
      httpReqFailedRate: 0,
      httpReqDurationP95Ms: 0.329372,
    });
  });

  it('reports dropped iterations when the VUs could not keep up', async () => {
    // 50/s for 3 s with 2 VUs against a server that answers in 200 ms.
    const result = await readBurstResult(fixture('burst-summary-dropped.json'), 50, 3);
    expect(result).toMatchObject({ iterations: 28, droppedIterations: 123, httpReqs: 28 });
    expect(result.achievedRate).toBeCloseTo(28 / 3, 10);
    expect(result.httpReqDurationP95Ms).toBeCloseTo(201.68, 2);
  });

  it('reports every request failed when the target refuses connections', async () => {
    const result = await readBurstResult(fixture('burst-summary-refused.json'), 50, 2);
    expect(result).toMatchObject({ iterations: 101, httpReqs: 101, httpReqFailedRate: 1 });
  });

  it('falls back to whole-test metrics for a script without the sub-metrics', async () => {
    // A plain script: one setup() GET that 404s, then 100/s for 2 s.
    expect(await readBurstResult(fixture('burst-summary-plain-script.json'), 100, 2)).toEqual({
      requestedRate: 100,
      durationSeconds: 2,
      iterations: 201,
      achievedRate: 100.5,
      droppedIterations: 0,
      httpReqs: 202,
      httpReqFailedRate: 1 / 202,
      httpReqDurationP95Ms: 0.5154527999999999,
    });
  });

  it('has no p95 and zero figures when k6 recorded nothing', async () => {
    const file = join(tmp, 'empty-summary.json');
    await writeFile(file, JSON.stringify({ metrics: {}, root_group: {} }));
    expect(await readBurstResult(file, 10, 5)).toMatchObject({
      iterations: 0,
      achievedRate: 0,
      httpReqs: 0,
      httpReqDurationP95Ms: null,
    });
  });

  it('rejects a missing, non-JSON or shapeless summary with the path', async () => {
    const missing = join(tmp, 'nope.json');
    await expect(readBurstResult(missing, 1, 1)).rejects.toThrow(`cannot read the burst summary at ${missing}`);
    const garbage = join(tmp, 'garbage.json');
    await writeFile(garbage, '{"metrics": ');
    await expect(readBurstResult(garbage, 1, 1)).rejects.toThrow(`invalid burst summary at ${garbage}; reason: not valid JSON`);
    const shapeless = join(tmp, 'shapeless.json');
    await writeFile(shapeless, '[]');
    await expect(readBurstResult(shapeless, 1, 1)).rejects.toThrow('expected an object with "metrics"');
  });
});
