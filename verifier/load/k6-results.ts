// Reading what k6 left in the run folder: the trace's per-iteration outcomes from its JSON
// output, and a burst's figures from its end-of-test summary export. Both formats are
// pinned by fixtures recorded from real k6 v2.2 runs (fixtures/).

import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { LoadResult } from '../journal/events.ts';
import { LoadError } from '../errors.ts';

export type TraceSample = [unixMs: number, ok: 0 | 1];

/** How long one trace iteration took (k6's `iteration_duration`: the PUT and the GET). */
export type TraceLatency = [unixMs: number, durationMs: number];

export interface TraceResults {
  samples: TraceSample[];
  /**
   * One per sample whose iteration carried `started_ms` (the join key), same time as the sample,
   * oldest first. Empty for a script that does not set the metadata.
   */
  latencies: TraceLatency[];
  /**
   * The same per named journey (the `journey` tag traces/lib/contract.ts sets), in order of first
   * appearance; empty for a trace whose iterations carry no journey.
   */
  journeys: Array<{ journey: string; samples: TraceSample[]; latencies: TraceLatency[] }>;
}

/**
 * The trace's `trace_ok` points, one per iteration, oldest first. The time is the iteration's
 * start (metadata `started_ms`, set by traces/trace.ts), or the sample time (its end) for a
 * script that does not set it. Streams the file: a long trace's output is large.
 * A `.gz` file is decompressed. A torn last line (k6 killed mid-write) is ignored.
 */
export async function readTraceSamples(file: string, metric = 'trace_ok'): Promise<TraceSample[]> {
  return (await readTraceResults(file, metric)).samples;
}

/** `readTraceSamples` plus each iteration's duration, from the same single pass over the file. */
export async function readTraceResults(file: string, metric = 'trace_ok'): Promise<TraceResults> {
  try {
    await access(file);
  } catch (error) {
    throw new LoadError(
      `cannot read the trace results at ${file}: ${(error as Error).message}. ` +
        'k6 creates this file when the trace starts; see k6-trace.log in the same folder.',
      { cause: error },
    );
  }
  // pipeline() passes a read error on to the gunzip stream, so it reaches the loop below.
  const input: Readable = file.endsWith('.gz') ? pipeline(createReadStream(file), createGunzip(), () => {}) : createReadStream(file);

  const samples: TraceSample[] = [];
  // The journey of each sample that has one, by the sample itself.
  const journeyOf = new Map<TraceSample, string>();
  // started_ms of the iteration → its duration; joined to the samples at the end, whatever the order.
  const durations = new Map<number, number>();
  // A point line contains these two fragments in k6's JSON output; checking them first avoids
  // parsing the ~20 other sample lines each iteration writes.
  const metricFragment = `"metric":${JSON.stringify(metric)}`;
  const durationFragment = '"metric":"iteration_duration"';
  let lineNumber = 0;
  let torn: number | undefined;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (torn !== undefined) throw badLine(file, torn, 'not valid JSON');
      const isSample = line.includes(metricFragment);
      if (!(isSample || line.includes(durationFragment)) || !line.includes('"type":"Point"')) continue;
      let point: unknown;
      try {
        point = JSON.parse(line);
      } catch {
        torn = lineNumber;
        continue;
      }
      const { started, time, value, journey } = pointData(point, file, lineNumber);
      if (isSample) {
        const sample: TraceSample = [started ?? time, value === 0 ? 0 : 1];
        samples.push(sample);
        if (journey !== undefined) journeyOf.set(sample, journey);
      } else if (started !== undefined) durations.set(started, value);
    }
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError(`cannot read the trace results at ${file}: ${(error as Error).message}`, { cause: error });
  }
  samples.sort((a, b) => a[0] - b[0]);
  const latencies: TraceLatency[] = [];
  const journeys = new Map<string, { journey: string; samples: TraceSample[]; latencies: TraceLatency[] }>();
  for (const sample of samples) {
    const [at] = sample;
    const duration = durations.get(at);
    const latency: TraceLatency | undefined = duration === undefined ? undefined : [at, Math.round(duration * 1000) / 1000];
    if (latency) latencies.push(latency);
    const journey = journeyOf.get(sample);
    if (journey === undefined) continue;
    const record = journeys.get(journey) ?? { journey, samples: [], latencies: [] };
    record.samples.push(sample);
    if (latency) record.latencies.push(latency);
    journeys.set(journey, record);
  }
  return { samples, latencies, journeys: [...journeys.values()] };
}

/** One point line's fields gameday reads; a LoadError naming `file:line` when the shape is not k6's. */
export function pointData(
  point: unknown,
  file: string,
  line: number,
): { started: number | undefined; time: number; value: number; journey: string | undefined } {
  const data = isRecord(point) && isRecord(point.data) ? point.data : undefined;
  if (data === undefined || typeof data.value !== 'number' || typeof data.time !== 'string') {
    throw badLine(file, line, 'expected {"data": {"time": string, "value": number}}');
  }
  const started = isRecord(data.metadata) ? Number(data.metadata.started_ms) : Number.NaN;
  const time = Date.parse(data.time);
  if (!Number.isFinite(started) && !Number.isFinite(time)) {
    throw badLine(file, line, `expected an RFC 3339 time, got ${JSON.stringify(data.time)}`);
  }
  const journey = isRecord(data.tags) && typeof data.tags.journey === 'string' && data.tags.journey !== '' ? data.tags.journey : undefined;
  return { started: Number.isFinite(started) ? started : undefined, time, value: data.value, journey };
}

function badLine(file: string, line: number, reason: string): LoadError {
  return new LoadError(`invalid k6 JSON output at ${file}:${line}; reason: ${reason}`);
}

/**
 * A burst's figures from `--summary-export`. Achieved rate is completed iterations over the
 * scheduled duration. Request figures come from the `{scenario:burst}` sub-metrics when the
 * script defines them (loadtests/burst.ts does, to leave out setup()'s seeding requests),
 * otherwise from the whole-test metrics.
 */
export async function readBurstResult(
  summaryFile: string,
  requestedRate: number,
  durationSeconds: number,
  scenario = 'burst',
): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(summaryFile, 'utf8');
  } catch (error) {
    throw new LoadError(
      `cannot read the burst summary at ${summaryFile}: ${(error as Error).message}. ` +
        'k6 writes it when the test ends (also when stopped); see the burst log in the same folder.',
      { cause: error },
    );
  }
  let summary: unknown;
  try {
    summary = JSON.parse(text);
  } catch (error) {
    throw new LoadError(`invalid burst summary at ${summaryFile}; reason: not valid JSON`, { cause: error });
  }
  if (!isRecord(summary) || !isRecord(summary.metrics)) {
    throw new LoadError(`invalid burst summary at ${summaryFile}; reason: expected an object with "metrics"`);
  }
  const metrics = summary.metrics;
  const metric = (name: string): Record<string, unknown> | undefined => {
    const own = metrics[`${name}{scenario:${scenario}}`] ?? metrics[name];
    return isRecord(own) ? own : undefined;
  };
  const field = (name: string, key: string): number | undefined => {
    const value = metric(name)?.[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };

  const iterations = field('iterations', 'count') ?? 0;
  return {
    requestedRate,
    durationSeconds,
    iterations,
    achievedRate: iterations / durationSeconds,
    // k6 leaves the metric out entirely when nothing was dropped.
    droppedIterations: field('dropped_iterations', 'count') ?? 0,
    httpReqs: field('http_reqs', 'count') ?? 0,
    // A Rate's `value` is the share of true samples; for http_req_failed, true means failed.
    httpReqFailedRate: field('http_req_failed', 'value') ?? 0,
    httpReqDurationP95Ms: field('http_req_duration', 'p(95)') ?? null,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
