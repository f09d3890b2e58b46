// Benchmark: can gameday's burst hold its rate on this machine, with the demo target on the
// same machine? Starts the demo target on free loopback ports, runs a short warm-up burst
// (a fresh Node target is slow until its code is compiled), then the measured burst through the
// same runner gameday uses, and judges it: achieved ≥ 99 % of the requested rate and < 1 % of
// the scheduled iterations dropped. CPU of k6, the target and everything else is sampled each
// second, so a miss can be attributed.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { burstVus, type K6Process, readBurstResult, startBurst } from '../verifier/load/index.ts';
import type { LoadResult } from '../verifier/journal/events.ts';
import { type CpuSummary, startCpuSampler } from './proc-stats.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const burstScript = join(repoRoot, 'loadtests', 'burst.ts');

export const passCriteria = { minAchievedPct: 99, maxDroppedPct: 1 } as const;

export interface BurstBenchOptions {
  k6Path: string;
  rate: number;
  durationSeconds: number;
  /** A burst before the measured one, at the same rate; 0 for none. */
  warmupSeconds: number;
  /** Folder for k6 logs, summaries and bench.json. */
  runDir: string;
  /** Send load here instead of starting the demo target (its CPU then counts as "other"). */
  targetUrl?: string | undefined;
  log?: (line: string) => void;
}

export interface BurstRun {
  result: LoadResult;
  cpu: CpuSummary;
  vus: number;
}

export interface BurstBenchReport {
  k6Version: string;
  cores: number;
  targetUrl: string;
  /** True when the bench started the demo target itself. */
  demoTarget: boolean;
  warmup: BurstRun | null;
  measured: BurstRun;
  runDir: string;
}

export async function runBurstBench(options: BurstBenchOptions): Promise<BurstBenchReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await mkdir(options.runDir, { recursive: true });
  const k6Version = await k6VersionOf(options.k6Path);

  const target = options.targetUrl === undefined ? await startDemoTarget(options.runDir, log) : undefined;
  try {
    const targetUrl = options.targetUrl ?? (target as DemoTarget).url;
    const burst = async (name: string, durationSeconds: number): Promise<BurstRun> => {
      // The sampler starts before k6 does, so it reads the process through this holder.
      const running: { k6?: K6Process } = {};
      const sampler = startCpuSampler({ k6: () => running.k6?.pid, targetRoot: target?.pid ?? -1 }, cpus().length);
      const k6 = await startBurst({
        k6Path: options.k6Path,
        script: burstScript,
        baseUrl: targetUrl,
        rate: options.rate,
        durationSeconds,
        runId: 'bench',
        runDir: options.runDir,
        name,
      });
      running.k6 = k6;
      let cpu: CpuSummary;
      try {
        await k6.done;
      } finally {
        cpu = await sampler.stop();
      }
      return {
        result: await readBurstResult(k6.resultFile, options.rate, durationSeconds),
        cpu,
        vus: burstVus(options.rate),
      };
    };

    let warmup: BurstRun | null = null;
    if (options.warmupSeconds > 0) {
      log(`bench: warm-up burst, ${options.rate} req/s for ${options.warmupSeconds} s`);
      warmup = await burst('warmup', options.warmupSeconds);
    }
    log(`bench: measured burst, ${options.rate} req/s for ${options.durationSeconds} s`);
    const measured = await burst('measured', options.durationSeconds);

    const report: BurstBenchReport = {
      k6Version,
      cores: cpus().length,
      targetUrl,
      demoTarget: target !== undefined,
      warmup,
      measured,
      runDir: options.runDir,
    };
    await writeFile(join(options.runDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await target?.stop();
  }
}

export interface Verdict {
  pass: boolean;
  achievedPct: number;
  /** Of the iterations scheduled (rate × duration). */
  droppedPct: number;
}

export function judge(result: LoadResult): Verdict {
  const achievedPct = (result.achievedRate / result.requestedRate) * 100;
  const droppedPct = (result.droppedIterations / (result.requestedRate * result.durationSeconds)) * 100;
  return {
    pass: achievedPct >= passCriteria.minAchievedPct && droppedPct < passCriteria.maxDroppedPct,
    achievedPct,
    droppedPct,
  };
}

export function formatReport(report: BurstBenchReport): string {
  const { measured } = report;
  const r = measured.result;
  const verdict = judge(r);
  const lines = [
    `gameday bench: burst at ${r.requestedRate} req/s for ${r.durationSeconds} s`,
    `  k6 ${report.k6Version}, ${report.cores} CPUs, target ${report.targetUrl}` +
      (report.demoTarget ? ' (demo target, started by the bench)' : ''),
  ];
  if (report.warmup !== null) {
    const w = report.warmup.result;
    const wv = judge(w);
    lines.push(
      `  warm-up ${w.durationSeconds} s (not judged): achieved ${fixed(w.achievedRate, 1)} req/s (${fixed(wv.achievedPct, 2)} %), ` +
        `dropped ${w.droppedIterations} (${fixed(wv.droppedPct, 2)} %), p95 ${ms(w.httpReqDurationP95Ms)}`,
    );
  }
  lines.push(
    `  requested rate      ${r.requestedRate} req/s`,
    `  achieved rate       ${fixed(r.achievedRate, 2)} req/s (${fixed(verdict.achievedPct, 2)} % of requested; ${r.iterations} iterations)`,
    `  dropped iterations  ${r.droppedIterations} (${fixed(verdict.droppedPct, 2)} % of ${r.requestedRate * r.durationSeconds} scheduled)`,
    `  failed requests     ${fixed(r.httpReqFailedRate * 100, 2)} % of ${r.httpReqs}`,
    `  p95 latency         ${ms(r.httpReqDurationP95Ms)}`,
    `  k6 peak RSS         ${measured.cpu.k6PeakRssBytes === null ? 'n/a' : `${fixed(measured.cpu.k6PeakRssBytes / 2 ** 20, 0)} MiB`} (${measured.vus} VUs)`,
    `  CPU, % of one core  ${cpuLine(measured.cpu, report.demoTarget)}`,
    `  machine saturated   ${saturatedLine(measured.cpu)}`,
    `  results             ${report.runDir}`,
    `${verdict.pass ? 'PASS' : 'FAIL'} achieved ${fixed(verdict.achievedPct, 2)} % (need >= ${passCriteria.minAchievedPct} %), ` +
      `dropped ${fixed(verdict.droppedPct, 2)} % (need < ${passCriteria.maxDroppedPct} %)`,
  );
  return lines.join('\n');
}

/** Mean and peak of the 1 s samples for each group. */
function cpuLine(cpu: CpuSummary, demoTarget: boolean): string {
  const stat = (pick: (s: CpuSummary['samples'][number]) => number) => {
    const values = cpu.samples.map(pick);
    if (values.length === 0) return 'n/a';
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return `${fixed(mean, 0)} mean / ${fixed(Math.max(...values), 0)} peak`;
  };
  const parts = [`k6 ${stat((s) => s.k6)}`];
  if (demoTarget) parts.push(`target ${stat((s) => s.target)}`);
  parts.push(`other processes ${stat((s) => s.other)}`, `machine ${stat((s) => s.machineBusy)} of ${cpu.cores * 100}`);
  return parts.join('; ');
}

/** Seconds in which all cores together were ≥ 95 % busy: the rate then competes for CPU. */
function saturatedLine(cpu: CpuSummary): string {
  const saturated = cpu.samples.filter((s) => s.machineBusy >= cpu.cores * 95).length;
  return `${saturated} of ${cpu.samples.length} one-second samples (all cores >= 95 % busy)`;
}

const fixed = (n: number, digits: number) => n.toFixed(digits);
const ms = (value: number | null) => (value === null ? 'n/a' : `${fixed(value, 2)} ms`);

async function k6VersionOf(k6Path: string): Promise<string> {
  const { stdout } = await promisify(execFile)(k6Path, ['version'], { env: { ...process.env, K6_AUTO_EXTENSION_RESOLUTION: 'false' } });
  return /v\d+\.\d+\.\d+\S*/.exec(stdout)?.[0] ?? stdout.trim();
}

interface DemoTarget {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The demo target on free loopback ports, with its state in the run folder. */
async function startDemoTarget(runDir: string, log: (line: string) => void): Promise<DemoTarget> {
  const [gateway, api1, api2, deps, admin] = await freePorts(5);
  const args = [
    '--import',
    'tsx',
    join(repoRoot, 'examples', 'demo', 'target', 'main.ts'),
    '--state-dir',
    join(runDir, 'demo-state'),
    '--gateway-port',
    String(gateway),
    '--api-ports',
    `${api1},${api2}`,
    '--deps-port',
    String(deps),
    '--admin-port',
    String(admin),
  ];
  log(`bench: starting the demo target (gateway 127.0.0.1:${gateway})`);
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));

  const url = await new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (why: string | undefined, gatewayUrl?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      if (gatewayUrl !== undefined) return resolve(gatewayUrl);
      child.kill('SIGTERM');
      reject(new Error(`the demo target did not start: ${why}.\n${output.slice(-20).join('')}`));
    };
    const onStdout = () => {
      const ready = /gameday-demo ready gateway=(\S+)/.exec(output.join(''));
      if (ready?.[1] !== undefined) settle(undefined, ready[1]);
    };
    const timer = setTimeout(() => settle('it printed no ready line within 60 s'), 60_000);
    child.stdout?.on('data', onStdout);
    child.once('error', (error) => settle(error.message));
    child.once('exit', (code, signal) => settle(`it exited (${code ?? signal}) before it was ready`));
  });

  return {
    url,
    pid: child.pid as number,
    stop: async () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

async function freePorts(count: number): Promise<number[]> {
  // Hold them all open at once so the OS hands out distinct ones, then release them together.
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
