// The long-window case of `npm run bench` (issue 10): a working day's game day, 8 hours with 20
// faults and the trace at 1 req/s. Three figures and their bars:
//   - the journal's size (< 50 MB): a journal generated from the events of a real `npm run demo`
//     (analyze/fixtures/npm-run-demo.journal.jsonl): its six faults' stretches of polls, webhooks
//     and notifications replayed 20 times, 24 minutes apart; trace.samples in 15 s chunks as
//     gameday writes them; the trace's series and Prometheus's record over the 8 hours;
//   - the time to rebuild the reports from it (< 3 s), as `gameday report` does;
//   - gameday's RSS while it aggregates 8 hours of k6 JSON lines (< 150 MB), in a process of its
//     own (bench/long-window-feed.ts).
// Polls are journaled only when what they read changed (observe/poller.ts), so a quiet hour adds
// nothing; the figures say whether that holds the bar.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebuildReports } from '../verifier/commands/report.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';
import type { FaultSpec } from '../verifier/plan/types.ts';

const HOURS = 8;
const FAULTS = 20;
const SPACING_SECONDS = 24 * 60;
const CHUNK_SECONDS = 15;
const LIMITS = { journalMb: 50, rebuildMs: 3000, rssMb: 150 };
const MB = 1024 * 1024;

type Event = JournalEvent & Record<string, unknown>;
const recorded = join(import.meta.dirname, '..', 'verifier', 'analyze', 'fixtures', 'npm-run-demo.journal.jsonl');

/** Shifts every ISO time in an event by `ms` and renames fault `from` to `to`. */
function moved(event: Event, ms: number, rename?: [string, string]): Event {
  const text = JSON.stringify(event).replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"/g, (_, iso: string) => `"${shift(iso, ms)}"`);
  return JSON.parse(rename ? text.replaceAll(`"${rename[0]}"`, `"${rename[1]}"`) : text) as Event;
}
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The 8-hour journal from the recorded one; returns its events in journal order. */
export async function longWindowJournal(): Promise<Event[]> {
  const source = (await readFile(recorded, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Event);
  const first = (kind: string) => source.find((event) => event.kind === kind) as Event;
  const windowStart = Date.parse(first('window.started').at);
  const demoFaults = (first('run.started') as Extract<JournalEvent, { kind: 'run.started' }>).plan.faults;
  const windowSeconds = HOURS * 3600;
  const faults: FaultSpec[] = Array.from({ length: FAULTS }, (_, i) => {
    const demo = demoFaults[i % demoFaults.length] as FaultSpec;
    return { ...demo, name: `${demo.name}-${i + 1}`, atSeconds: 60 + i * SPACING_SECONDS };
  });
  const started = first('run.started') as Extract<JournalEvent, { kind: 'run.started' }>;
  const plan = { ...started.plan, window: { ...started.plan.window, durationSeconds: windowSeconds }, faults, bursts: [] };
  const events: Event[] = [{ ...started, plan } as Event];
  for (const kind of ['preflight.passed', 'detection.inputs', 'clock.sampled', 'load.started', 'window.started']) {
    events.push(...source.filter((event) => event.kind === kind && Date.parse(event.at) <= windowStart));
  }
  // Each fault: the recorded stretch of its demo fault, from its injection to the next one's.
  const faultStarts = demoFaults.map((fault) =>
    Date.parse(source.find((e) => e.kind === 'fault.injecting' && e.fault === fault.name)?.at ?? ''),
  );
  const stretchOf = (index: number): [number, number] => [
    faultStarts[index] as number,
    faultStarts[index + 1] ?? Date.parse(first('window.ended').at),
  ];
  const replayed = new Set([
    'alerts.prometheus',
    'alerts.alertmanager',
    'notifications.alertmanager',
    'webhook.received',
    'fault.injecting',
    'fault.injected',
    'fault.reverted',
  ]);
  for (const [i, fault] of faults.entries()) {
    const demoIndex = i % demoFaults.length;
    const [from, to] = stretchOf(demoIndex);
    const offset = windowStart + fault.atSeconds * 1000 - from;
    const rename: [string, string] = [(demoFaults[demoIndex] as FaultSpec).name, fault.name];
    for (const event of source) {
      const at = Date.parse(event.at);
      if (at >= from && at < to && replayed.has(event.kind)) events.push(moved(event, offset, rename));
    }
  }
  events.push(...traceChunks(source, windowStart, windowSeconds, faults, faultStarts, demoFaults));
  const windowEnd = windowStart + windowSeconds * 1000;
  events.push({ kind: 'window.ended', at: new Date(windowEnd).toISOString() } as Event);
  events.push(
    ...source
      .filter((e) => e.kind === 'load.ended' && e.role === 'trace')
      .map((e) => ({ ...e, at: new Date(windowEnd + 100).toISOString() })),
  );
  events.push(...record(source, windowStart, windowEnd, faults, faultStarts, demoFaults));
  events.push({ kind: 'run.ended', at: new Date(windowEnd + 500).toISOString(), status: 'completed' } as Event);
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** trace.samples every 15 s (one journey), each iteration's outcome as the recorded trace had it at the same time into its fault. */
function traceChunks(
  source: Event[],
  windowStart: number,
  seconds: number,
  faults: FaultSpec[],
  faultStarts: number[],
  demoFaults: FaultSpec[],
): Event[] {
  const recordedSamples = source.flatMap((e) => (e.kind === 'trace.samples' ? e.samples : [])).sort((a, b) => a[0] - b[0]);
  const okAt = new Map(recordedSamples.map(([at, ok]) => [Math.round(at / 1000), ok]));
  const recordedLatencies = source.flatMap((e) => (e.kind === 'trace.samples' ? (e.latencies ?? []) : []));
  const outcome = (at: number): 0 | 1 => {
    const offset = at - windowStart;
    const i = Math.floor((offset / 1000 - 60) / SPACING_SECONDS);
    const fault = faults[i];
    if (fault === undefined || offset < fault.atSeconds * 1000) return 1;
    const demoStart = faultStarts[i % demoFaults.length] as number;
    return (okAt.get(Math.round((demoStart + offset - fault.atSeconds * 1000) / 1000)) ?? 1) as 0 | 1;
  };
  const chunks: Event[] = [];
  for (let chunkStart = 0; chunkStart < seconds; chunkStart += CHUNK_SECONDS) {
    const samples: Array<[number, 0 | 1]> = [];
    const latencies: Array<[number, number]> = [];
    for (let s = chunkStart; s < chunkStart + CHUNK_SECONDS; s++) {
      const at = windowStart + s * 1000 + 17;
      samples.push([at, outcome(at)]);
      latencies.push([at, recordedLatencies[s % recordedLatencies.length]?.[1] ?? 12.5]);
    }
    chunks.push({
      kind: 'trace.samples',
      at: new Date(windowStart + (chunkStart + CHUNK_SECONDS) * 1000 + 50).toISOString(),
      journey: 'write-then-read',
      samples,
      latencies,
    } as Event);
  }
  return chunks;
}

/** Prometheus's record at the end: the trace's series every second, and each fault's ALERTS series moved to its time (Watchdog throughout). */
function record(
  source: Event[],
  windowStart: number,
  windowEnd: number,
  faults: FaultSpec[],
  faultStarts: number[],
  demoFaults: FaultSpec[],
): Event[] {
  const series = source.find((e) => e.kind === 'trace.series') as Extract<JournalEvent, { kind: 'trace.series' }>;
  const timestamps = Array.from({ length: (windowEnd - windowStart) / 1000 }, (_, s) => (windowStart + s * 1000 + 103) / 1000);
  const reconciled = source.find((e) => e.kind === 'alerts.reconciled') as Extract<JournalEvent, { kind: 'alerts.reconciled' }>;
  const bySeries = new Map<string, { labels: Record<string, string>; samples: Array<[number, number]> }>();
  const add = (list: typeof reconciled.alerts, from: number, to: number, offsetMs: number) => {
    for (const { labels, samples } of list) {
      const key = JSON.stringify(labels);
      const into = bySeries.get(key) ?? { labels, samples: [] };
      for (const [t, v] of samples) if (t * 1000 >= from && t * 1000 < to) into.samples.push([t + offsetMs / 1000, v]);
      bySeries.set(key, into);
    }
  };
  for (const [i, fault] of faults.entries()) {
    const demoIndex = i % demoFaults.length;
    const from = faultStarts[demoIndex] as number;
    const to = faultStarts[demoIndex + 1] ?? from + 60_000;
    const offset = windowStart + fault.atSeconds * 1000 - from;
    add(
      reconciled.alerts.filter((a) => a.labels.alertname !== 'Watchdog'),
      from,
      to,
      offset,
    );
  }
  const watchdog = reconciled.alerts.find((a) => a.labels.alertname === 'Watchdog');
  if (watchdog) bySeries.set('watchdog', { labels: watchdog.labels, samples: timestamps.map((t) => [t, 1]) });
  const end = new Date(windowEnd + 200).toISOString();
  return [
    { ...series, at: end, from: new Date(windowStart).toISOString(), to: new Date(windowEnd).toISOString(), timestamps } as Event,
    {
      ...reconciled,
      at: end,
      from: new Date(windowStart).toISOString(),
      to: new Date(windowEnd).toISOString(),
      alerts: [...bySeries.values()],
      forState: [],
    } as Event,
  ];
}

/** Runs the feed child and returns what it printed. */
function feed(): Promise<{
  iterations: number;
  outputBytes: number;
  rssBeforeBytes: number;
  peakRssBytes: number;
  seconds: number;
  problem: string | null;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'long-window-feed.ts'), '--child'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the feed child exited with ${code}`))));
  });
}

/** `npm run bench -- long-window`: prints the figures and PASS/FAIL; exit code 1 on FAIL. */
export async function runLongWindowCase(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'gameday-bench-long-'));
  try {
    const events = await longWindowJournal();
    const journal = join(dir, 'journal.jsonl');
    await writeFile(journal, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    const journalBytes = (await stat(journal)).size;
    const kinds = new Map<string, number>();
    for (const event of events) kinds.set(event.kind, (kinds.get(event.kind) ?? 0) + 1);
    const times: number[] = [];
    let outcome: Awaited<ReturnType<typeof rebuildReports>> | undefined;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      outcome = await rebuildReports(dir);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const rebuildMs = times[1] as number;
    const fed = await feed();
    const rssMb = fed.peakRssBytes / MB;
    const journalMb = journalBytes / MB;
    const judged = [
      [`journal: ${journalMb.toFixed(1)} MB, ${events.length} events`, journalMb < LIMITS.journalMb, `${LIMITS.journalMb} MB`],
      [
        `rebuild of the reports: median ${rebuildMs.toFixed(0)} ms of 3 (${outcome?.report.faults.length} faults judged: ${outcome?.consoleTable.split('\n')[1] ?? ''})`,
        rebuildMs < LIMITS.rebuildMs,
        `${LIMITS.rebuildMs} ms`,
      ],
      [
        `RSS aggregating ${fed.iterations} iterations (${(fed.outputBytes / MB).toFixed(0)} MB of k6 JSON lines, ${fed.seconds.toFixed(1)} s): peak ${rssMb.toFixed(0)} MB (${(fed.rssBeforeBytes / MB).toFixed(0)} MB before)`,
        rssMb < LIMITS.rssMb && fed.problem === null && fed.iterations === HOURS * 3600,
        `${LIMITS.rssMb} MB`,
      ],
    ] as const;
    const lines = [
      `long-window: ${HOURS} h, ${FAULTS} faults, trace at 1 req/s; journal events: ${[...kinds]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      ...judged.map(([what, pass, limit]) => `  ${what}; limit ${limit}: ${pass ? 'PASS' : 'FAIL'}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return judged.every(([, pass]) => pass) ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
