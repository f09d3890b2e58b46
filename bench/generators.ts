// The load generators the bench sets side by side, each started the way its users start it:
//   gameday   loadtests/burst.ts through gameday's own k6 runner (startBurst / startSegmentedBurst)
//   bare-k6   bench/bare-k6.js, a plain constant-arrival-rate script, with plain `k6 run` and the
//             same VU pool as gameday's burst (and, like it, a summary export and no remote write)
//   vegeta    `vegeta attack -rate=R/s` with one GET target
// Each returns the figures of a LoadResult-like shape from the generator's own report.

import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { burstVuPool, mergeBurstResults, probeLatency, readBurstResult, startBurst, startSegmentedBurst } from '../verifier/load/index.ts';
import type { Watched } from './measure.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const burstScript = join(repoRoot, 'loadtests', 'burst.ts');
export const bareScript = join(repoRoot, 'bench', 'bare-k6.js');

export type Tool = 'gameday' | 'bare-k6' | 'vegeta';

export interface Achieved {
  /** Requests (iterations) completed over the asked duration. */
  requests: number;
  dropped: number;
  failedRate: number;
  p95Ms: number | null;
}

export interface Case {
  rate: number;
  durationSeconds: number;
  targetUrl: string;
  runDir: string;
  name: string;
}

/** As gameday's run does: the target's latency measured first sizes the VU pool. */
const measuredLatency = async (c: Case) => (await probeLatency({ url: `${c.targetUrl}/items/burst-0` })).latencyMs;

/** What gameday's runner passes for a burst of this case, its VUs sized from the latency measured first. */
async function burstOptions(k6Path: string, c: Case) {
  return {
    latencyMs: await measuredLatency(c),
    k6Path,
    script: burstScript,
    baseUrl: c.targetUrl,
    rate: c.rate,
    durationSeconds: c.durationSeconds,
    runId: 'bench',
    runDir: c.runDir,
    name: c.name,
  };
}

export async function gamedayBurst(k6Path: string, c: Case): Promise<Watched<Achieved>> {
  const k6 = await startBurst(await burstOptions(k6Path, c));
  return {
    pids: () => [k6.pid],
    done: k6.done.then(async () => fromK6(await readBurstResult(k6.resultFile, c.rate, c.durationSeconds))),
  };
}

export async function bareK6(k6Path: string, c: Case): Promise<Watched<Achieved>> {
  const summary = join(c.runDir, `bare-${c.name}-summary.json`);
  // The same VU pool as gameday's burst at this rate and measured latency: a fair comparison.
  const pool = burstVuPool(c.rate, await measuredLatency(c));
  const args = [
    'run',
    '--no-usage-report',
    '--quiet',
    `--summary-export=${summary}`,
    '-e',
    `RATE=${c.rate}`,
    '-e',
    `DURATION=${c.durationSeconds}s`,
    '-e',
    `VUS=${pool.vus}`,
    '-e',
    `MAX_VUS=${pool.maxVus}`,
  ];
  const child = await spawnLogged(k6Path, [...args, '-e', `BASE_URL=${c.targetUrl}`, bareScript], join(c.runDir, `k6-bare-${c.name}.log`));
  return {
    pids: () => [child.pid],
    done: child.exited.then(async (code) => {
      if (code !== 0) throw new Error(`bare k6 exited with ${code}; see k6-bare-${c.name}.log in ${c.runDir}`);
      return fromK6(await readBurstResult(summary, c.rate, c.durationSeconds, 'bare'));
    }),
  };
}

export async function vegeta(vegetaPath: string, c: Case): Promise<Watched<Achieved>> {
  const results = join(c.runDir, `vegeta-${c.name}.bin`);
  const args = ['attack', `-rate=${c.rate}/s`, `-duration=${c.durationSeconds}s`, `-output=${results}`];
  const child = await spawnLogged(vegetaPath, args, join(c.runDir, `vegeta-${c.name}.log`), `GET ${c.targetUrl}/items/vegeta\n`);
  return {
    pids: () => [child.pid],
    done: child.exited.then(async (code) => {
      if (code !== 0) throw new Error(`vegeta attack exited with ${code}; see vegeta-${c.name}.log in ${c.runDir}`);
      // The report is made after the attack: its CPU is not the generator's.
      const { stdout } = await promisify(execFile)(vegetaPath, ['report', '-type=json', results], { maxBuffer: 1 << 20 });
      const report = JSON.parse(stdout) as { requests: number; success: number; latencies: { '95th': number } };
      const scheduled = Math.round(c.rate * c.durationSeconds);
      return {
        requests: report.requests,
        // vegeta never drops a scheduled request, it starts more workers; any shortfall is
        // what it did not send.
        dropped: Math.max(0, scheduled - report.requests),
        failedRate: 1 - report.success,
        p95Ms: report.latencies['95th'] / 1e6,
      };
    }),
  };
}

function fromK6(result: Awaited<ReturnType<typeof readBurstResult>>): Achieved {
  return {
    requests: result.iterations,
    dropped: result.droppedIterations,
    failedRate: result.httpReqFailedRate,
    p95Ms: result.httpReqDurationP95Ms,
  };
}

/**
 * Every generator and nginx run in a session of their own, as gameday starts k6 (detached, so
 * Ctrl+C reaches gameday first) and as a user's terminal and a service's unit do. Linux's
 * scheduler shares CPU between sessions before threads (autogroup,
 * /proc/sys/kernel/sched_autogroup_enabled): a generator sharing the bench's session with nginx
 * took CPU from nginx by thread count and, at 8000 req/s, held 3-4 % more than one in its own.
 */
const ownSession = true;

interface Child {
  pid: number;
  exited: Promise<number | null>;
}

async function spawnLogged(command: string, args: string[], logFile: string, stdin?: string): Promise<Child> {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, {
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, K6_AUTO_EXTENSION_RESOLUTION: 'false' },
    detached: ownSession,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  if (stdin !== undefined) child.stdin?.end(stdin);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      log.end();
      resolve(code);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  return { pid: child.pid as number, exited };
}

/** gameday's burst split over `processes` k6 processes, released together (startSegmentedBurst). */
export async function gamedaySegmented(k6Path: string, c: Case, processes: number): Promise<Watched<Achieved & { skewMs: number }>> {
  const burst = await startSegmentedBurst({ ...(await burstOptions(k6Path, c)), processes });
  return {
    pids: () => burst.processes.map((p) => p.pid),
    done: Promise.all(burst.processes.map((p) => p.done)).then(async () => {
      const results = await Promise.all(burst.processes.map((p) => readBurstResult(p.resultFile, c.rate, c.durationSeconds)));
      return { ...fromK6(mergeBurstResults(results, c.rate, c.durationSeconds)), skewMs: burst.release.skewMs };
    }),
  };
}
