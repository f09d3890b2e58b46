// readTraceProgress over k6 JSON output recorded from real runs (fixtures/), and over the same
// output with the trace_ok points taken out: a script that does not keep the trace contract.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readTraceResults } from './k6-results.ts';
import { readTraceProgress } from './trace-progress.ts';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-trace-progress-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTraceProgress', () => {
  test.each(['trace-results.jsonl', 'trace-journeys.jsonl'])('counts what readTraceResults reads in %s', async (name) => {
    const progress = await readTraceProgress(fixture(name));
    const results = await readTraceResults(fixture(name));
    expect(progress.samples).toBe(results.samples.length);
    expect(progress.timed).toBe(results.latencies.length);
    expect(progress.iterations).toBe(progress.samples);
    expect(progress.samples).toBeGreaterThan(0);
  });

  test('a script that emits no trace_ok: iterations, no samples', async () => {
    const text = await readFile(fixture('trace-results.jsonl'), 'utf8');
    const file = join(dir, 'no-contract.jsonl');
    await writeFile(
      file,
      text
        .split('\n')
        .filter((line) => !line.includes('"metric":"trace_ok"'))
        .join('\n'),
    );
    expect(await readTraceProgress(file)).toEqual({ iterations: 9, samples: 0, timed: 0 });
  });

  test('a file k6 has not created yet counts as nothing; a torn last line is not counted', async () => {
    expect(await readTraceProgress(join(dir, 'absent.json'))).toEqual({ iterations: 0, samples: 0, timed: 0 });
    const lines = (await readFile(fixture('trace-results.jsonl'), 'utf8')).split('\n');
    const lastSample = lines.findLastIndex((line) => line.includes('"metric":"trace_ok","type":"Point"'));
    const file = join(dir, 'torn.jsonl');
    // Cut in the middle of the last trace_ok point, as a read during k6's write would see it.
    await writeFile(file, `${lines.slice(0, lastSample).join('\n')}\n${lines[lastSample]?.slice(0, 60)}`);
    const progress = await readTraceProgress(file);
    expect(progress.samples).toBe(8);
  });
});
