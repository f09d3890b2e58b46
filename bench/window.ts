// The window case of `npm run bench` (`npm run bench -- window`): what gameday itself costs the
// machine during a demo-sized game day. It runs `gameday demo` (3 m 30 s window, 8 faults, the
// trace at 1 req/s, one 2000 req/s burst, polls every second) as a user would, and reads what the
// run journaled about its own process in run.ended: CPU seconds from run.started to run.ended
// and peak RSS. k6, the target, Toxiproxy, Redis, Prometheus and Alertmanager are other
// processes and are not counted. The bars guard against a change that makes gameday heavier: on
// this 2-core machine the demo's run (239 s) cost gameday 6.74 CPU s (2.8 % of one core) and a
// peak RSS of 151 MB.

import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportJson } from '../verifier/report/report-json.ts';

const LIMITS = { cpuPercentOfOneCore: 10, peakRssMb: 300 };
const gamedayBin = join(import.meta.dirname, '..', 'bin', 'gameday.mjs');

export interface WindowBench {
  runDir: string;
  runSeconds: number;
  windowSeconds: number | null;
  cpuSeconds: number;
  cpuPercentOfOneCore: number;
  peakRssMb: number;
  limits: typeof LIMITS;
}

export async function runWindowCase(runsDir: string): Promise<number> {
  try {
    return await windowCase(runsDir);
  } catch (error) {
    process.stderr.write(`bench: the window case could not run: ${(error as Error).message}\nFiles so far: ${runsDir}\n`);
    return 1;
  }
}

async function windowCase(runsDir: string): Promise<number> {
  process.stderr.write(`bench: gameday demo, to measure gameday's own CPU and RSS over a demo-sized window (about 5 minutes)\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [gamedayBin, 'demo', '--runs-dir', runsDir], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('close', resolve);
  });
  // 1 is a verdict (an expectation not met), not a failure to run: the cost is still measured.
  if (code !== 0 && code !== 1) throw new Error(`gameday demo exited with ${code}; its output is above`);
  const result = windowBench(await onlyReport(runsDir));
  const file = join(result.runDir, 'bench-window.json');
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  const checks = [
    [
      `CPU ${result.cpuPercentOfOneCore.toFixed(1)} % of one core (need <= ${LIMITS.cpuPercentOfOneCore} %)`,
      result.cpuPercentOfOneCore <= LIMITS.cpuPercentOfOneCore,
    ],
    [`peak RSS ${result.peakRssMb} MB (need <= ${LIMITS.peakRssMb} MB)`, result.peakRssMb <= LIMITS.peakRssMb],
  ] as const;
  process.stdout.write(
    [
      `gameday itself over the demo's run (${result.runSeconds.toFixed(0)} s, window ${result.windowSeconds?.toFixed(0) ?? 'n/a'} s): ` +
        `${result.cpuSeconds} CPU s, ${result.cpuPercentOfOneCore.toFixed(1)} % of one core, peak RSS ${result.peakRssMb} MB`,
      ...checks.map(([label, pass]) => `${pass ? 'PASS' : 'FAIL'} ${label}`),
      `bench-window.json: ${file}`,
      '',
    ].join('\n'),
  );
  return checks.every(([, pass]) => pass) ? 0 : 1;
}

async function onlyReport(runsDir: string): Promise<{ runDir: string; report: ReportJson }> {
  const runs = await readdir(runsDir);
  if (runs.length !== 1) throw new Error(`expected one run in ${runsDir}, found ${runs.length}`);
  const runDir = join(runsDir, runs[0] as string);
  return { runDir, report: JSON.parse(await readFile(join(runDir, 'report.json'), 'utf8')) as ReportJson };
}

export function windowBench({ runDir, report }: { runDir: string; report: ReportJson }): WindowBench {
  const { run } = report;
  if (!run.gameday || run.endedAt === null) throw new Error(`the run in ${runDir} recorded no cost of its own (status ${run.status})`);
  const seconds = (from: string | null, to: string | null) =>
    from === null || to === null ? null : (Date.parse(to) - Date.parse(from)) / 1000;
  const runSeconds = seconds(run.startedAt, run.endedAt) as number;
  return {
    runDir,
    runSeconds,
    windowSeconds: seconds(run.windowStartedAt, run.windowEndedAt),
    cpuSeconds: run.gameday.cpuSeconds,
    cpuPercentOfOneCore: (run.gameday.cpuSeconds / runSeconds) * 100,
    peakRssMb: run.gameday.peakRssMb,
    limits: LIMITS,
  };
}
