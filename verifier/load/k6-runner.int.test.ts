// The runner with the real k6 and the real scripts against a small in-process items server.
// No Prometheus here (remote write is off); k6-prometheus.int.test.ts covers that path.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTool } from '../toolchain/index.ts';
import { readBurstResult, readTraceSamples } from './k6-results.ts';
import { burstVus, K6ExitError, startBurst, startTrace } from './k6-runner.ts';
import { type ItemsServer, startItemsServer, waitFor } from './testing/items-server.ts';

const traceScript = join(import.meta.dirname, '../../traces/trace.ts');
const burstScript = join(import.meta.dirname, '../../loadtests/burst.ts');

let k6Path: string;
let server: ItemsServer;
let runDir: string;

beforeAll(async () => {
  k6Path = await resolveTool('k6');
  server = await startItemsServer();
  runDir = await mkdtemp(join(tmpdir(), 'gameday-k6-runner-'));
});

afterAll(async () => {
  await server?.close();
});

const common = () => ({ k6Path, baseUrl: server.baseUrl, runId: 'int-run', runDir });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('trace', () => {
  it('writes then reads back once per second, and records one ok sample per iteration', async () => {
    const startedAt = Date.now();
    const trace = await startTrace({ ...common(), script: traceScript, rate: 1, durationSeconds: 5 });
    expect(await trace.done).toEqual({ exitCode: 0, signal: null, stopped: false });
    const endedAt = Date.now();

    const samples = await readTraceSamples(trace.resultFile);
    // Slots at 0, 1, 2, 3, 4 s (k6 may fire one at the 5 s edge too).
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.length).toBeLessThanOrEqual(6);
    expect(samples.every(([, ok]) => ok === 1)).toBe(true);
    for (const [at] of samples) {
      expect(at).toBeGreaterThanOrEqual(startedAt);
      expect(at).toBeLessThanOrEqual(endedAt);
    }
    // constant-arrival-rate schedules slots on an absolute grid, 1000 ms apart from k6's start,
    // and never starts one early: the i-th iteration started at least i seconds after the test
    // started k6, however busy the machine (a busy one only starts them later). With the count
    // above, this rejects 2/s as well as 0.5/s. How late k6 runs behind the grid depends on the
    // machine, so it is not asserted.
    const starts = samples.map(([at]) => at).sort((a, b) => a - b);
    starts.forEach((at, i) => expect(at, `iteration ${i} started before its slot`).toBeGreaterThanOrEqual(startedAt + i * 1000));
    expect(server.count('PUT trace')).toBe(samples.length);
    expect(server.count('GET trace')).toBe(samples.length);
    expect([...server.items.values()].filter((v) => v.startsWith('int-run-'))).toHaveLength(samples.length);
  });

  it('fails every iteration when reads return 200 with a value that was not written', async () => {
    server.staleReads = true;
    try {
      const trace = await startTrace({ ...common(), runDir: join(runDir, 'stale'), script: traceScript, rate: 2, durationSeconds: 2 });
      await trace.done;
      const samples = await readTraceSamples(trace.resultFile);
      expect(samples.length).toBeGreaterThanOrEqual(4);
      expect(samples.map(([, ok]) => ok)).toEqual(samples.map(() => 0));
    } finally {
      server.staleReads = false;
    }
  });

  it('stops on request: exit 105, outputs flushed', async () => {
    const before = server.count('PUT trace');
    const trace = await startTrace({ ...common(), runDir: join(runDir, 'stopped'), script: traceScript, rate: 2, durationSeconds: 120 });
    await waitFor('3 trace writes', () => server.count('PUT trace') >= before + 3, 20_000);
    expect(await trace.stop()).toEqual({ exitCode: 105, signal: null, stopped: true });
    expect(isAlive(trace.pid), 'k6 is gone once stop() has settled').toBe(false);
    const samples = await readTraceSamples(trace.resultFile);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.length, 'ended long before its 120 s at 2/s').toBeLessThan(2 * 120);
  });

  it('surfaces a script exception with k6 exit 107 and k6 own words', async () => {
    const trace = await startTrace({
      ...common(),
      runDir: join(runDir, 'broken'),
      baseUrl: 'ftp://127.0.0.1',
      script: traceScript,
      rate: 1,
      durationSeconds: 5,
    });
    const error = await trace.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(K6ExitError);
    expect((error as K6ExitError).exit.exitCode).toBe(107);
    expect((error as K6ExitError).message).toContain('script exception');
    expect((error as K6ExitError).message).toContain(
      'invalid BASE_URL; reason: expected an http:// or https:// URL, got \\"ftp://127.0.0.1\\"',
    );
  });
});

describe('burst', () => {
  // Whether the burst holds its rate (achieved rate, drops, p95) depends on the machine: that is
  // `npm run bench` (bench/burst.ts), through the same runner. Here: the figures are right.
  it('runs 300 req/s for 5 s: one GET per iteration, and figures that add up', async () => {
    const gets = server.count('GET burst');
    const burst = await startBurst({ ...common(), name: 'b300', script: burstScript, rate: 300, durationSeconds: 5 });
    expect(await burst.done).toEqual({ exitCode: 0, signal: null, stopped: false });
    const result = await readBurstResult(burst.resultFile, 300, 5);

    // Every slot of the schedule (300/s for 5 s, k6 may fire one at the edge) either ran or was dropped.
    expect(Number.isInteger(result.droppedIterations)).toBe(true);
    expect(result.droppedIterations).toBeGreaterThanOrEqual(0);
    expect(result.iterations + result.droppedIterations).toBeGreaterThanOrEqual(1500);
    expect(result.iterations + result.droppedIterations).toBeLessThanOrEqual(1502);
    expect(result.achievedRate).toBeGreaterThan(0);
    expect(result.achievedRate).toBeLessThanOrEqual(300 * 1.05);
    expect(result.achievedRate).toBeCloseTo(result.iterations / 5, 6);
    // One GET per iteration; setup()'s seeding PUT is not counted.
    expect(result.httpReqs).toBe(result.iterations);
    expect(server.count('GET burst') - gets).toBe(result.iterations);
    // setup() seeds the one key the burst reads.
    expect(server.count('PUT burst')).toBeGreaterThanOrEqual(1);
    expect(result.httpReqFailedRate).toBe(0);
    expect(result.httpReqDurationP95Ms).toBeGreaterThan(0);
  });

  it('still writes its summary when stopped early', async () => {
    const gets = server.count('GET burst');
    const burst = await startBurst({
      ...common(),
      runDir: join(runDir, 'burst-stopped'),
      name: 'long',
      script: burstScript,
      rate: 100,
      durationSeconds: 120,
    });
    await waitFor('100 burst reads', () => server.count('GET burst') >= gets + 100, 20_000);
    expect(await burst.stop()).toMatchObject({ exitCode: 105, stopped: true });
    const result = await readBurstResult(burst.resultFile, 100, 120);
    expect(result.iterations).toBeGreaterThanOrEqual(100);
    // Requests in flight at SIGINT reach the server but their iterations do not complete:
    // at most one per VU.
    const served = server.count('GET burst') - gets;
    expect(served - result.iterations).toBeGreaterThanOrEqual(0);
    expect(served - result.iterations).toBeLessThanOrEqual(burstVus(100));
  });
});
