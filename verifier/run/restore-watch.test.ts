import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceIteration } from '../load/trace-stream.ts';
import { RestoreDetector, watchRestore } from './restore-watch.ts';

// The journal of a real `npm run demo` (analyze/fixtures/README.md): six faults on the demo, the
// trace at 1 req/s. Here each fault is taken as if the team had restored it when gameday reverted it.
interface Event {
  kind: string;
  fault?: string;
  startedAt?: string;
  samples?: Array<[number, 0 | 1]>;
}
const events = readFileSync(join(import.meta.dirname, '../analyze/fixtures/npm-run-demo.journal.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Event);
const samples = events.flatMap((event) => (event.kind === 'trace.samples' ? (event.samples ?? []) : [])).sort((a, b) => a[0] - b[0]);
const startOf = (kind: string, fault: string) => Date.parse(events.find((e) => e.kind === kind && e.fault === fault)?.startedAt ?? '');
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function replay(fault: string, order: Array<[number, 0 | 1]> = samples, consecutive = 5) {
  const detector = new RestoreDetector({ consecutive }, startOf('fault.injected', fault));
  for (const [at, ok] of order) {
    const restore = detector.push({ at, ok });
    if (restore) return restore;
  }
  return undefined;
}

describe('RestoreDetector on a recorded trace', () => {
  it('counts a fault restored at the first of 5 successful iterations after its failures', () => {
    // Reverted at 03:54:47.089; the trace failed from 03:54:22.105 to 03:54:47.104 and succeeded from the next iteration on.
    expect(replay('api-instances-killed')).toEqual({ restoredAt: Date.parse('2026-12-01T03:54:48.104Z'), source: 'trace', iterations: 5 });
    expect(iso(replay('queue-host-unreachable')?.restoredAt)).toBe('2026-12-01T03:56:22.104Z');
    expect(iso(replay('replication-never-started')?.restoredAt)).toBe('2026-12-01T03:57:37.104Z');
    // The service came back on its own 4 s before the revert: the trace says so.
    expect(iso(replay('capacity-typo')?.restoredAt)).toBe('2026-12-01T03:56:58.104Z');
  });

  it('is within a second of the moment the service was restored (the revert) for every fault that failed the trace', () => {
    for (const fault of ['api-instances-killed', 'queue-host-unreachable', 'replication-never-started']) {
      const restoredAt = replay(fault)?.restoredAt ?? Number.NaN;
      expect(restoredAt - startOf('fault.reverted', fault)).toBeGreaterThanOrEqual(0);
      expect(restoredAt - startOf('fault.reverted', fault)).toBeLessThan(1100);
    }
  });

  it('gives the same restore when iterations arrive out of order (three VUs, each ending late)', () => {
    const shuffled = [...samples];
    for (let i = 0; i + 2 < shuffled.length; i += 3) {
      const [a, b, c] = shuffled.slice(i, i + 3) as [[number, 0 | 1], [number, 0 | 1], [number, 0 | 1]];
      shuffled.splice(i, 3, c, a, b);
    }
    expect(replay('api-instances-killed', shuffled)).toEqual(replay('api-instances-killed'));
  });

  it('is not restored by a fault that never failed the trace, nor by fewer successes than asked', () => {
    // replicas-cut made reads slow, not failed: its own span has no failed iteration.
    const span = samples.filter(
      ([at]) => at >= startOf('fault.injected', 'replicas-cut') && at <= startOf('fault.reverted', 'replicas-cut') + 5000,
    );
    expect(span.length).toBeGreaterThan(20);
    expect(replay('replicas-cut', span)).toBeUndefined();
    const lastFailure = samples.filter(([at, ok]) => ok === 0 && at < Date.parse('2026-12-01T03:55:00Z')).at(-1)?.[0] ?? 0;
    const fourAfter = samples.filter(([at]) => at <= lastFailure).concat(samples.filter(([at]) => at > lastFailure).slice(0, 4));
    expect(replay('api-instances-killed', fourAfter)).toBeUndefined();
  });

  it('a failure that arrives late but started before the streak does not break it; one that started inside it does', () => {
    const at = 1_000_000;
    const detector = new RestoreDetector({ consecutive: 3 }, at);
    const push = (offset: number, ok: 0 | 1) => detector.push({ at: at + offset, ok });
    expect(push(0, 0)).toBeUndefined();
    expect(push(2000, 1)).toBeUndefined();
    expect(push(3000, 1)).toBeUndefined();
    expect(push(1000, 0)).toBeUndefined(); // a slow failure started at +1 s, reported now
    expect(push(5000, 0)).toBeUndefined(); // failed inside the streak: it starts again after it
    expect(push(6000, 1)).toBeUndefined();
    expect(push(7000, 1)).toBeUndefined();
    expect(push(8000, 1)).toEqual({ restoredAt: at + 6000, source: 'trace', iterations: 3 });
  });

  it("counts only the fault's named journeys", () => {
    const detector = new RestoreDetector({ consecutive: 2, journeys: ['checkout'] }, 0);
    const it = (at: number, ok: 0 | 1, journey?: string): TraceIteration => ({ at, ok, ...(journey && { journey }) });
    expect(detector.push(it(1, 0, 'checkout'))).toBeUndefined();
    expect(detector.push(it(2, 1, 'browse'))).toBeUndefined();
    expect(detector.push(it(3, 1))).toBeUndefined();
    expect(detector.push(it(4, 0, 'browse'))).toBeUndefined();
    expect(detector.push(it(5, 1, 'checkout'))).toBeUndefined();
    expect(detector.push(it(6, 1, 'checkout'))).toEqual({ restoredAt: 5, source: 'trace', iterations: 2 });
  });
});

describe('watchRestore', () => {
  const quiet = () => () => {};

  it('ends on a restored mark, at the time the mark claims', async () => {
    let mark: (markedAt: number) => void = () => {};
    const watching = watchRestore({
      rule: { consecutive: 5 },
      fromMs: 0,
      iterations: quiet,
      marks: (listener) => ((mark = listener), () => {}),
      waitMs: 60_000,
      signal: new AbortController().signal,
    });
    mark(1234);
    expect(await watching).toEqual({ restoredAt: 1234, source: 'mark' });
  });

  it('ends on the trace, and unsubscribes from it', async () => {
    let listener: ((iteration: TraceIteration) => void) | undefined;
    const watching = watchRestore({
      rule: { consecutive: 1 },
      fromMs: 0,
      iterations: (l) => ((listener = l), () => (listener = undefined)),
      marks: quiet,
      waitMs: 60_000,
      signal: new AbortController().signal,
    });
    listener?.({ at: 10, ok: 0 });
    listener?.({ at: 11, ok: 1 });
    expect(await watching).toEqual({ restoredAt: 11, source: 'trace', iterations: 1 });
    expect(listener).toBeUndefined();
  });

  it('gives nothing when the run stops first', async () => {
    const stop = new AbortController();
    const watching = watchRestore({
      rule: { consecutive: 1 },
      fromMs: 0,
      iterations: quiet,
      marks: quiet,
      waitMs: 60_000,
      signal: stop.signal,
    });
    stop.abort();
    expect(await watching).toBeUndefined();
  });
});
