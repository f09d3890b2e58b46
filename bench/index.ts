// `npm run bench`: gameday's benchmarks. For now one: the burst (bench/burst.ts).
//   npm run bench -- [--rate 2000] [--duration 20] [--warmup 5] [--target-url http://127.0.0.1:18080]
// Prints the figures and a PASS/FAIL line; exit code 1 on FAIL, 2 on bad flags.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveTool } from '../verifier/toolchain/index.ts';
import { formatReport, judge, runBurstBench } from './burst.ts';

async function main(argv: string[]): Promise<number> {
  let values: { rate: string; duration: string; warmup: string; 'target-url'?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rate: { type: 'string', default: '2000' },
        duration: { type: 'string', default: '20' },
        warmup: { type: 'string', default: '5' },
        'target-url': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const problems = [
    !(rate > 0) && `invalid --rate; reason: expected a number greater than 0, got ${JSON.stringify(values.rate)}`,
    !(Number.isInteger(duration) && duration > 0) &&
      `invalid --duration; reason: expected whole seconds greater than 0, got ${JSON.stringify(values.duration)}`,
    !(Number.isInteger(warmup) && warmup >= 0) &&
      `invalid --warmup; reason: expected whole seconds, 0 or more, got ${JSON.stringify(values.warmup)}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    process.stderr.write(`${problems.map((p) => `bench: ${p}`).join('\n')}\n`);
    return 2;
  }

  const runDir = join(import.meta.dirname, '..', 'runs', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let report: Awaited<ReturnType<typeof runBurstBench>>;
  try {
    report = await runBurstBench({
      k6Path: await resolveTool('k6'),
      rate,
      durationSeconds: duration,
      warmupSeconds: warmup,
      runDir,
      targetUrl: values['target-url'],
    });
  } catch (error) {
    process.stderr.write(`bench: the benchmark could not run: ${(error as Error).message}\nFiles so far: ${runDir}\n`);
    return 1;
  }
  process.stdout.write(`${formatReport(report)}\n`);
  return judge(report.measured.result).pass ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
