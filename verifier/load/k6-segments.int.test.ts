import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTool } from '../toolchain/index.ts';
import { readBurstResult } from './k6-results.ts';
import { mergeBurstResults, startSegmentedBurst } from './k6-segments.ts';

const burstScript = join(import.meta.dirname, '..', '..', 'loadtests', 'burst.ts');
let k6Path: string;
let runDir: string;
let server: Server;
let baseUrl: string;
/** Arrival time (ms) of every GET the burst sent. */
const gets: number[] = [];

beforeAll(async () => {
  k6Path = await resolveTool('k6');
  runDir = await mkdtemp(join(tmpdir(), 'gameday-segments-'));
  server = createServer((req, res) => {
    if (req.method === 'GET') gets.push(Date.now());
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":"x"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(runDir, { recursive: true, force: true });
});

describe('a burst over two k6 processes', () => {
  it('holds both paused until released, tags each instance, and its merged figures add up to what the target served', async () => {
    const burst = await startSegmentedBurst({
      k6Path,
      script: burstScript,
      baseUrl,
      rate: 200,
      durationSeconds: 3,
      runId: 'int-segments',
      runDir,
      name: 'split',
      processes: 2,
    });
    expect(burst.processes).toHaveLength(2);
    burst.processes.forEach((process, i) => {
      expect(process.command).toContain(`instance_id=${i + 1}`);
      expect(process.command).toContain(`--execution-segment=${i === 0 ? '0:1/2' : '1/2:1'}`);
    });
    // VU counts are whole multiples of the process count, so no process gets none.
    expect(burst.vus % 2).toBe(0);
    expect(burst.maxVus % 2).toBe(0);

    const exits = await Promise.all(burst.processes.map((p) => p.done));
    exits.forEach((exit) => expect(exit).toEqual({ exitCode: 0, signal: null, stopped: false }));

    // Paused means paused: not one read reached the target before the release was sent.
    expect(gets.length).toBeGreaterThan(0);
    expect(Math.min(...gets)).toBeGreaterThanOrEqual(burst.release.at);

    const results = await Promise.all(burst.processes.map((p) => readBurstResult(p.resultFile, 200, 3)));
    const merged = mergeBurstResults(results, 200, 3);
    // Each process ran its own half of the schedule (200/s for 3 s, striped by iteration).
    for (const result of results) expect(result.iterations + result.droppedIterations).toBeGreaterThanOrEqual(299);
    expect(merged.iterations + merged.droppedIterations).toBeGreaterThanOrEqual(600);
    expect(merged.iterations + merged.droppedIterations).toBeLessThanOrEqual(602);
    expect(merged.iterations).toBe(results[0]!.iterations + results[1]!.iterations);
    expect(merged.achievedRate).toBeCloseTo(merged.iterations / 3, 6);
    // One GET per iteration, all of them seen by the target; setup()'s seeding PUTs are not counted.
    expect(merged.httpReqs).toBe(merged.iterations);
    expect(gets).toHaveLength(merged.iterations);
  });
});
