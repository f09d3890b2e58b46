// `gameday run <plan>`: the game day. The library function `runPlan` wires the parts (toolchain,
// monitoring clients, k6, live progress and metrics) around the game day in ../run/ and writes the
// reports; the command adds flags, signal handling and the console table.

import { resolve } from 'node:path';
import { describeSystemError, errorMessage, EXIT, JournalWriteError, PreflightError, UsageError } from '../errors.ts';
import { DEFAULT_METRICS_LISTEN, type ProgressOptions, type ProgressStream, startLive } from '../live/index.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { type Environment, monitoringClientOptions } from '../observe/credentials.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { loadPlan } from '../plan/load.ts';
import { describeFindings } from '../preflight/gate.ts';
import { hostFindings } from '../preflight/host.ts';
import type { Plan } from '../plan/types.ts';
import { createK6Runner } from '../run/k6-load-runner.ts';
import { runGameDay } from '../run/game-day.ts';
import { kubectlProblems } from '../run/k6-operator-bursts.ts';
import { gamedayVersion, resolveTool } from '../toolchain/index.ts';
import { type Command, defineCommand, writeLine } from './command.ts';
import { rebuildReports, type ReportOutcome } from './report.ts';
import { printDryRun } from './run-dry-run.ts';

export interface RunPlanOptions {
  runsDir?: string;
  runId?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Where the plan's credential variables are read. Default: process.env. */
  env?: Environment;
  /** Live progress on this stream (a redrawn block on a terminal, periodic lines otherwise), or its options. */
  progress?: ProgressStream | ProgressOptions;
  /** Serve gameday's own metrics for Prometheus at this host:port during the run. */
  metricsListen?: string;
  /** Called once every fault in place was reverted (or failed to be) and k6 stopped. */
  onReverted?: () => void;
  /** Draws the ranges of `at` from this seed (replays a run); random when absent. */
  seed?: number;
  /** Nothing the team sees names a fault or its time until the window ends (`gameday reveal` does). */
  sealed?: boolean;
}

export async function runPlanFile(file: string, options: RunPlanOptions = {}): Promise<ReportOutcome> {
  return runPlan(await loadPlan(file), options);
}

export async function runPlan(plan: Plan, options: RunPlanOptions = {}): Promise<ReportOutcome> {
  const log = options.log ?? (() => {});
  // Before anything starts: the kubectl of k6-operator bursts must run (the cluster is reached at the burst's time).
  const kubectl = await kubectlProblems(plan);
  if (kubectl.length > 0) {
    throw new PreflightError(`k6-operator bursts cannot run: ${kubectl.join('; ')}. Nothing was started or applied.`);
  }
  // Before anything starts: a credential the plan names and the environment lacks is bad input.
  const endpoints = monitoringClientOptions(plan.monitoring, options.env ?? process.env);
  const k6 = await resolveTool('k6', { log });
  // The machine gameday runs on, before anything starts: what would fail mid-run is refused here.
  const runsDir = resolve(options.runsDir ?? 'runs');
  const host = await hostFindings(plan, { runsDir, ...(options.metricsListen ? { metricsListen: options.metricsListen } : {}) });
  for (const finding of host) if (finding.status === 'warn') log(`host: ${finding.subject}: ${finding.detail}`);
  const refused = host.filter((finding) => finding.status === 'fail');
  if (refused.length > 0) throw new PreflightError(describeFindings(refused));
  const prometheus = new PrometheusClient(endpoints.prometheus);
  const live = await startLive({
    log,
    prometheus,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.metricsListen ? { metricsListen: options.metricsListen } : {}),
  });
  try {
    const result = await runGameDay(plan, {
      runsDir,
      ...(options.runId ? { runId: options.runId } : {}),
      prometheus,
      alertmanager: new AlertmanagerClient(endpoints.alertmanager),
      alertmanagerPeers: endpoints.alertmanagerPeers.map((peer) => new AlertmanagerClient(peer)),
      loadRunner: createK6Runner({ k6Path: k6, remoteWriteHeaders: endpoints.prometheus.headers ?? {} }),
      ...(options.signal ? { signal: options.signal } : {}),
      log: live.log,
      onEvent: live.onEvent,
      ...(options.onReverted ? { onReverted: options.onReverted } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.sealed ? { sealed: true } : {}),
      gamedayVersion: await gamedayVersion(),
    });
    let outcome: ReportOutcome;
    try {
      outcome = await rebuildReports(result.runDir);
    } catch (error) {
      // The disk that took the journal may not take the reports either: the faults are reverted
      // by now; say so and how to get the reports later.
      const why = describeSystemError(error) ?? errorMessage(error);
      const before = result.error instanceof JournalWriteError ? `${result.error.message}; ` : '';
      throw new JournalWriteError(
        `${before}the reports could not be written to ${result.runDir}: ${why}. ` +
          `The faults were reverted. Once there is space, \`gameday report ${result.runDir}\` rebuilds them from the journal.`,
        { cause: error },
      );
    }
    await live.finish(outcome.report);
    if (result.error instanceof PreflightError) throw result.error;
    if (result.error instanceof JournalWriteError) return { ...outcome, exitCode: EXIT.gamedayFailed };
    if (result.status === 'aborted') return { ...outcome, exitCode: EXIT.aborted };
    if (result.status === 'failed') return { ...outcome, exitCode: EXIT.badInput };
    return outcome;
  } finally {
    await live.stop();
  }
}

export const runCommand: Command = defineCommand({
  name: 'run',
  usage:
    'run <plan.yaml> [--dry-run] [--runs-dir DIR] [--run-id ID] [--seed N] [--sealed] [--metrics-listen HOST:PORT | --no-metrics] [--no-progress]',
  summary: 'the game day: trace, faults and bursts on schedule, then the per-fault report',
  options: {
    'runs-dir': { type: 'string' },
    'run-id': { type: 'string' },
    'metrics-listen': { type: 'string', default: DEFAULT_METRICS_LISTEN },
    'no-metrics': { type: 'boolean', default: false },
    'no-progress': { type: 'boolean', default: false },
    seed: { type: 'string' },
    sealed: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  positionals: { min: 1, max: 1, what: 'plan file' },
  async run({ values, positionals: [planFile] }, io) {
    // The manifests of the k6-operator bursts, and nothing started.
    if (values['dry-run']) return printDryRun(planFile ?? '', values['run-id'], io);
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)) {
      throw new UsageError(`gameday run: --seed must be a whole number from 0 to ${2 ** 32 - 1}, got ${JSON.stringify(values.seed)}`);
    }
    const controller = new AbortController();
    // running → reverting (after the first signal) → reverted (faults out, k6 stopped) → finished.
    let phase: 'running' | 'reverting' | 'reverted' | 'finished' = 'running';
    let crashed = false;
    let exitCode: number | undefined;
    const forceExit = (code: number) => (io.exit ?? ((c: number) => process.exit(c)))(code);
    // The handlers stay until the process exits: a signal between the end of the run and the exit
    // must not kill gameday with the default action and lose its exit code.
    const onSignal = (signal: NodeJS.Signals) => {
      if (phase === 'running') {
        phase = 'reverting';
        io.stderr.write(`\n${signal}: aborting the game day; reverting every fault in place and writing the report...\n`);
        controller.abort(new Error(`${signal} received`));
      } else if (phase === 'reverting') {
        io.stderr.write(`${signal} again: still reverting faults, please wait. The journal lists what is in place.\n`);
      } else {
        // Every fault is out and k6 stopped: nothing is left to protect, so a signal ends gameday now.
        const code = exitCode ?? EXIT.aborted;
        const rest = phase === 'finished' ? '' : ' (the journal holds the run: `gameday report` rebuilds the reports from it)';
        io.stderr.write(`${signal}: the faults are reverted and k6 stopped; exiting now, exit ${code}${rest}.\n`);
        forceExit(code);
      }
    };
    // An error nothing caught must not kill gameday with faults in place: it takes the abort path.
    // Output that can no longer be written (the terminal or the pipe reading it went away) is not
    // such an error: the game day goes on (and reverts on schedule); writing about it would only
    // fail again, and again.
    const onCrash = (error: unknown) => {
      if (isOutputGone(error)) return;
      if (crashed) return;
      crashed = true;
      io.stderr.write(`gameday: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      if (phase === 'running') {
        phase = 'reverting';
        io.stderr.write('gameday: reverting every fault in place and stopping k6...\n');
        controller.abort(error);
      }
    };
    io.signals.on('SIGINT', onSignal);
    io.signals.on('SIGTERM', onSignal);
    io.signals.on('uncaughtException', onCrash);
    io.signals.on('unhandledRejection', onCrash);
    try {
      const outcome = await runPlanFile(planFile ?? '', {
        ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}),
        ...(values['run-id'] ? { runId: values['run-id'] } : {}),
        ...(seed === undefined ? {} : { seed }),
        ...(values.sealed ? { sealed: true } : {}),
        signal: controller.signal,
        env: io.env,
        log: (line) => writeLine(io.stderr, line),
        ...(values['no-progress'] ? {} : { progress: io.stderr as ProgressStream }),
        ...(values['no-metrics'] ? {} : { metricsListen: values['metrics-listen'] }),
        onReverted: () => {
          phase = 'reverted';
        },
      });
      io.stdout.write(`\n${outcome.consoleTable}\n`);
      io.stdout.write(`\nreports: ${outcome.reportFiles.join(', ')}\n`);
      exitCode = crashed ? EXIT.gamedayFailed : outcome.exitCode;
      return exitCode;
    } finally {
      phase = 'finished';
      io.signals.off('uncaughtException', onCrash);
      io.signals.off('unhandledRejection', onCrash);
    }
  },
});

/** An error from writing to our own output after its reader left: EPIPE, or a stream already destroyed. */
export function isOutputGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}
