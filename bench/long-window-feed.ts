// The child process of the long-window bench (bench/long-window.ts): 8 hours of the trace's k6
// JSON output at 1 req/s (28,800 iterations of 26 lines each, the real lines of one recorded
// iteration of traces/journeys.ts re-timed) written to a file, then fed through TraceStream in
// 64 kB pieces as k6's stdout arrives, the samples taken and journaled every 15 iterations as the
// run does. Prints one JSON line: the output's size and the process's peak RSS while aggregating.
// A process of its own so that nothing else the bench does counts in its RSS.

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { TraceStream } from '../verifier/load/trace-stream.ts';

export const ITERATIONS = 8 * 3600;
/** Iterations per journaled chunk: TRACE_CHUNK_SECONDS at 1 req/s. */
const CHUNK = 15;

/** The lines of one recorded checkout iteration (two requests) in load/fixtures/trace-journeys.jsonl. */
async function iterationTemplate(): Promise<string[]> {
  const fixture = join(import.meta.dirname, '..', 'verifier', 'load', 'fixtures', 'trace-journeys.jsonl');
  const lines = (await readFile(fixture, 'utf8')).split('\n');
  const ends = lines.flatMap((line, index) => (line.includes('"metric":"iterations","type":"Point"') ? [index] : []));
  const [first, second] = ends;
  if (first === undefined || second === undefined) throw new Error(`${fixture}: fewer than two iterations`);
  return lines.slice(first + 1, second + 1);
}

/** Writes the 8 hours of output; iterations in `failing` spans report trace_ok 0. */
async function writeOutput(file: string, failing: (index: number) => boolean): Promise<void> {
  const template = await iterationTemplate();
  const out = createWriteStream(file);
  const start = Date.parse('2026-12-01T08:00:00Z');
  for (let index = 0; index < ITERATIONS; index++) {
    const startedMs = start + index * 1000;
    const time = new Date(startedMs + 12).toISOString();
    const ok = failing(index) ? '0' : '1';
    const text = template
      .map((line) => {
        const timed = line.replace(/"started_ms":"\d+"/, `"started_ms":"${startedMs}"`).replace(/"time":"[^"]+"/, `"time":"${time}"`);
        return line.includes('"metric":"trace_ok"') ? timed.replace(/"value":\d/, `"value":${ok}`) : timed;
      })
      .join('\n');
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gameday-bench-feed-'));
  try {
    const output = join(dir, 'k6-stdout.jsonl');
    // 20 faults, one every 24 minutes, failing the trace for their first 25 s.
    await writeOutput(output, (index) => index % 1440 < 25);
    const bytes = (await stat(output)).size;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const journal = createWriteStream(join(dir, 'journal.jsonl'));
    const stream = new TraceStream({ source: 'bench' });
    let taken = 0;
    let seen = 0;
    stream.onIteration(() => {
      seen++;
    });
    const started = performance.now();
    for await (const piece of createReadStream(output, { encoding: 'utf8', highWaterMark: 64 * 1024 })) {
      stream.push(piece as string);
      if (seen - taken >= CHUNK) {
        const chunk = stream.take();
        taken = seen;
        if (chunk.samples.length > 0)
          journal.write(
            `${JSON.stringify({ kind: 'trace.samples', journey: 'checkout', samples: chunk.samples, latencies: chunk.latencies })}\n`,
          );
      }
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const last = stream.take(true);
    journal.write(`${JSON.stringify({ kind: 'trace.samples', journey: 'checkout', samples: last.samples, latencies: last.latencies })}\n`);
    journal.end();
    await once(journal, 'close');
    const seconds = (performance.now() - started) / 1000;
    const status = await readFile('/proc/self/status', 'utf8');
    const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
    process.stdout.write(
      `${JSON.stringify({ iterations: seen, outputBytes: bytes, rssBeforeBytes: before, peakRssBytes: peak, vmHwmBytes: hwm, seconds, problem: stream.problem ?? null })}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await main();
