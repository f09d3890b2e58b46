// `npm run bench`: gameday's burst side by side with a bare k6 script and vegeta (bench/side-by-side.ts).
//   npm run bench -- [--rates 2000,8000,12000] [--duration 10] [--repeat 5]
// (--repeat: runs of bare k6 and gameday, alternated, at every rate; ratios and verdicts are of medians)
//   npm run bench -- audit     gameday audit over 500 alerting rules offline (bench/audit.ts)
//   npm run bench -- long-window   an 8-hour, 20-fault journal and trace: sizes, rebuild time, RSS (bench/long-window.ts)
//   npm run bench -- window   gameday's own CPU and peak RSS while it runs the demo's game day (bench/window.ts)
// Prints a table, writes bench.json in runs/bench-<time>/, and a PASS/FAIL line per target;
// exit code 1 when a target is missed, 2 on bad flags.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveTool } from '../verifier/toolchain/index.ts';
import { runAuditCase } from './audit.ts';
import { runLongWindowCase } from './long-window.ts';
import { runWindowCase } from './window.ts';
import { type Bench, formatBench, judgeBench, runBench, writeBenchJson } from './side-by-side.ts';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'audit') return runAuditCase();
  if (argv[0] === 'long-window') return runLongWindowCase();
  if (argv[0] === 'window') return runWindowCase(benchDir('window'));
  let values: { rates: string; duration: string; repeat: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rates: { type: 'string', default: '2000,8000,12000' },
        duration: { type: 'string', default: '10' },
        repeat: { type: 'string', default: '5' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const rates = values.rates.split(',').map(Number);
  const duration = Number(values.duration);
  const repeat = Number(values.repeat);
  const problems = [
    !(rates.length > 0 && rates.every((r) => Number.isInteger(r) && r > 0)) &&
      `invalid --rates; reason: expected whole numbers greater than 0 separated by commas, got ${JSON.stringify(values.rates)}`,
    !(Number.isInteger(duration) && duration > 0) &&
      `invalid --duration; reason: expected whole seconds greater than 0, got ${JSON.stringify(values.duration)}`,
    !(Number.isInteger(repeat) && repeat > 0) &&
      `invalid --repeat; reason: expected a whole number greater than 0, got ${JSON.stringify(values.repeat)}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    process.stderr.write(`${problems.map((p) => `bench: ${p}`).join('\n')}\n`);
    return 2;
  }

  const runDir = benchDir();
  let bench: Bench;
  try {
    const [k6Path, vegetaPath, nginxPath] = [await resolveTool('k6'), await resolveTool('vegeta'), await resolveTool('nginx')];
    bench = await runBench({
      k6Path,
      vegetaPath,
      nginxPath,
      rates,
      durationSeconds: duration,
      repeat,
      runDir,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`bench: the benchmark could not run: ${(error as Error).message}\nFiles so far: ${runDir}\n`);
    return 1;
  }
  const file = await writeBenchJson(bench);
  process.stdout.write(`${formatBench(bench)}\nbench.json: ${file}\n`);
  return judgeBench(bench).every((j) => j.pass) ? 0 : 1;
}

function benchDir(what?: string): string {
  return join(import.meta.dirname, '..', 'runs', `bench-${what ? `${what}-` : ''}${new Date().toISOString().replace(/[:.]/g, '-')}`);
}

process.exitCode = await main(process.argv.slice(2));
