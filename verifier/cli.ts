// The gameday command line: parses arguments, calls the library, turns typed errors into words
// and exit codes. Nothing else lives here.
//
//   gameday run <plan.yaml>      the game day; exit 0 all detected, 1 late or missed, 2 bad input
//                                or could not start, 3 aborted, 4 a fault could not be reverted,
//                                5 inconclusive (nothing failed, but monitoring was blind for one)
//   gameday report <run-folder>  rebuild report.json, report.md, report.html, junit.xml from the journal
//   gameday compare <run-folder>...  the trend across game days of one plan
//   gameday revert <run-folder>  revert every fault the journal shows in place (after a crash)
//   gameday reconcile <run-folder>  append Prometheus's record of the run to its journal (after a crash)
//   gameday check <plan.yaml>    dry run: tools, monitoring, rules, feasibility, baseline, injectors;
//                                injects nothing, sends no load; exit 0 pass, 1 problems, 2 bad input

import { parseArgs } from 'node:util';
import { GamedayError, PreflightError, RevertError, ToolchainError, UsageError } from './errors.ts';
import { checkExitCode, checkPlan, formatCheckReport } from './check/index.ts';
import { compareRunDirs, EXIT, loadPlan, rebuildReports, reconcileRun, runPlanFile } from './index.ts';
import { DEFAULT_METRICS_LISTEN } from './live/index.ts';
import { PlanError } from './plan/load.ts';
import { formatDiagnostics } from './plan/diagnostics.ts';
import { revertFromJournal } from './run/recover.ts';

const usage = `usage:
  gameday run <plan.yaml> [--runs-dir DIR] [--run-id ID] [--metrics-listen HOST:PORT | --no-metrics] [--no-progress]
  gameday report <run-folder>
  gameday compare <run-folder> <run-folder>... [--html FILE]
  gameday revert <run-folder>
  gameday reconcile <run-folder>  (after a crash: read Prometheus's record of the run, then rebuild the reports)
  gameday check <plan.yaml>     (a dry run; exit 0 pass, 1 problems found, 2 bad input)

exit codes: 0 every alert fired in time, 1 an alert was late or missed, 2 bad input or the run
could not start, 3 aborted (the report is still written), 4 a fault could not be reverted,
5 inconclusive: none was late or missed, but monitoring was blind while one was being judged
(the report lists the blind intervals; fix the pipeline and run the game day again)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'report':
      return reportCommand(rest);
    case 'revert':
      return revertCommand(rest);
    case 'reconcile':
      return reconcileCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'compare':
      return compareCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? EXIT.badInput : EXIT.ok;
    default:
      throw new UsageError(`unknown command "${command}".\n${usage}`);
  }
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'runs-dir': { type: 'string' },
      'run-id': { type: 'string' },
      'metrics-listen': { type: 'string', default: DEFAULT_METRICS_LISTEN },
      'no-metrics': { type: 'boolean', default: false },
      'no-progress': { type: 'boolean', default: false },
    },
  });
  const [planFile] = positionals;
  if (!planFile || positionals.length > 1) throw new UsageError(`gameday run takes one plan file.\n${usage}`);

  const controller = new AbortController();
  let signals = 0;
  let finished = false;
  // The handlers stay until the process exits: a signal between the end of the run and the exit
  // must not kill gameday with the default action and lose its exit code.
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (finished) return;
    if (signals === 1) {
      process.stderr.write(`\n${signal}: aborting the game day; reverting every fault in place and writing the report...\n`);
      controller.abort(new Error(`${signal} received`));
    } else {
      process.stderr.write(`${signal} again: still reverting faults, please wait. The journal lists what is in place.\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runPlanFile(planFile, {
      ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}),
      ...(values['run-id'] ? { runId: values['run-id'] } : {}),
      signal: controller.signal,
      log: (line) => process.stderr.write(`${line}\n`),
      ...(values['no-progress'] ? {} : { progress: process.stderr }),
      ...(values['no-metrics'] ? {} : { metricsListen: values['metrics-listen'] }),
    });
    process.stdout.write(`\n${outcome.consoleTable}\n`);
    process.stdout.write(`\nreports: ${outcome.reportFiles.join(', ')}\n`);
    return outcome.exitCode;
  } finally {
    finished = true;
  }
}

async function reportCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [runDir] = positionals;
  if (!runDir || positionals.length > 1) throw new UsageError(`gameday report takes one run folder.\n${usage}`);
  const outcome = await rebuildReports(runDir);
  process.stdout.write(`${outcome.consoleTable}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
  return outcome.exitCode;
}

async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { html: { type: 'string' } } });
  if (positionals.length < 2) throw new UsageError(`gameday compare takes two or more run folders of one plan.\n${usage}`);
  const outcome = await compareRunDirs(positionals, values.html ? { htmlFile: values.html } : {});
  process.stdout.write(`${outcome.table}\npage with the trend: ${outcome.htmlFile}\n`);
  return EXIT.ok;
}

async function revertCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [runDir] = positionals;
  if (!runDir || positionals.length > 1) throw new UsageError(`gameday revert takes one run folder.\n${usage}`);
  const outcome = await revertFromJournal(runDir, { log: (line) => process.stderr.write(`${line}\n`) });
  const stopped = outcome.stoppedLoads.length > 0 ? `; stopped k6: ${outcome.stoppedLoads.join(', ')}` : '';
  process.stdout.write(outcome.alreadyClean ? 'nothing to revert\n' : `reverted: ${outcome.reverted.join(', ') || 'none'}${stopped}\n`);
  return EXIT.ok;
}

/** After a crash: Prometheus's record of the run into its journal, then the reports rebuilt from it. */
async function reconcileCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [runDir] = positionals;
  if (!runDir || positionals.length > 1) throw new UsageError(`gameday reconcile takes one run folder.\n${usage}`);
  const reconciled = await reconcileRun(runDir, { log: (line) => process.stderr.write(`${line}\n`) });
  const outcome = await rebuildReports(runDir);
  const note = reconciled.reconciled ? '' : "\nPrometheus's record could not be read: the figures still come from the polls.\n";
  process.stdout.write(`${outcome.consoleTable}${note}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
  return outcome.exitCode;
}

async function checkCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [planFile] = positionals;
  if (!planFile || positionals.length > 1) throw new UsageError(`gameday check takes one plan file.\n${usage}`);
  const report = await checkPlan(await loadPlan(planFile));
  process.stdout.write(`${formatCheckReport(report, { width: process.stdout.columns || 120 })}\n`);
  return checkExitCode(report);
}

function explain(error: unknown): number {
  if (error instanceof PlanError) {
    process.stderr.write(`gameday: the plan has ${error.diagnostics.length} problem(s):\n${formatDiagnostics(error.diagnostics)}\n`);
    return EXIT.badInput;
  }
  if (error instanceof RevertError) {
    const bar = '!'.repeat(78);
    process.stderr.write(`\n${bar}\ngameday: FAULTS MAY STILL BE IN PLACE: ${error.faults.join(', ')}\n${error.message}\n${bar}\n`);
    return EXIT.revertFailed;
  }
  if (error instanceof UsageError || error instanceof PreflightError || error instanceof ToolchainError) {
    process.stderr.write(`gameday: ${error.message}\n`);
    return EXIT.badInput;
  }
  if (error instanceof GamedayError) {
    process.stderr.write(`gameday: ${error.message}\n`);
    return EXIT.badInput;
  }
  process.stderr.write(`gameday: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT.badInput;
}

process.exitCode = await main(process.argv.slice(2)).catch(explain);
