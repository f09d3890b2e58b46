// `gameday run <plan>`: the game day. The library function `runPlan` wires the parts (toolchain,
// monitoring clients, k6, live progress and metrics) around the game day in ../run/ and writes the
// reports; the command adds flags, signal handling and the console table.

import { resolve } from 'node:path';
import { EXIT, PreflightError } from '../errors.ts';
import { DEFAULT_METRICS_LISTEN, type ProgressOptions, type ProgressStream, startLive } from '../live/index.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { type Environment, monitoringClientOptions } from '../observe/credentials.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { loadPlan } from '../plan/load.ts';
import type { Plan } from '../plan/types.ts';
import { createK6Runner } from '../run/k6-load-runner.ts';
import { runGameDay } from '../run/game-day.ts';
import { gamedayVersion, resolveTool } from '../toolchain/index.ts';
import { defineCommand, writeLine } from './command.ts';
import { rebuildReports, type ReportOutcome } from './report.ts';

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
}

export async function runPlanFile(file: string, options: RunPlanOptions = {}): Promise<ReportOutcome> {
  return runPlan(await loadPlan(file), options);
}

export async function runPlan(plan: Plan, options: RunPlanOptions = {}): Promise<ReportOutcome> {
  const log = options.log ?? (() => {});
  // Before anything starts: a credential the plan names and the environment lacks is bad input.
  const endpoints = monitoringClientOptions(plan.monitoring, options.env ?? process.env);
  const k6 = await resolveTool('k6', { log });
  const prometheus = new PrometheusClient(endpoints.prometheus);
  const live = await startLive({
    log,
    prometheus,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.metricsListen ? { metricsListen: options.metricsListen } : {}),
  });
  try {
    const result = await runGameDay(plan, {
      runsDir: resolve(options.runsDir ?? 'runs'),
      ...(options.runId ? { runId: options.runId } : {}),
      prometheus,
      alertmanager: new AlertmanagerClient(endpoints.alertmanager),
      loadRunner: createK6Runner({ k6Path: k6, remoteWriteHeaders: endpoints.prometheus.headers ?? {} }),
      ...(options.signal ? { signal: options.signal } : {}),
      log: live.log,
      onEvent: live.onEvent,
      gamedayVersion: await gamedayVersion(),
    });
    const outcome = await rebuildReports(result.runDir);
    await live.finish(outcome.report);
    if (result.error instanceof PreflightError) throw result.error;
    if (result.status === 'aborted') return { ...outcome, exitCode: EXIT.aborted };
    if (result.status === 'failed') return { ...outcome, exitCode: EXIT.badInput };
    return outcome;
  } finally {
    await live.stop();
  }
}

export const runCommand = defineCommand({
  name: 'run',
  usage: 'run <plan.yaml> [--runs-dir DIR] [--run-id ID] [--metrics-listen HOST:PORT | --no-metrics] [--no-progress]',
  summary: 'the game day: trace, faults and bursts on schedule, then the per-fault report',
  options: {
    'runs-dir': { type: 'string' },
    'run-id': { type: 'string' },
    'metrics-listen': { type: 'string', default: DEFAULT_METRICS_LISTEN },
    'no-metrics': { type: 'boolean', default: false },
    'no-progress': { type: 'boolean', default: false },
  },
  positionals: { min: 1, max: 1, what: 'plan file' },
  async run({ values, positionals: [planFile] }, io) {
    const controller = new AbortController();
    let signals = 0;
    let finished = false;
    // The handlers stay until the process exits: a signal between the end of the run and the exit
    // must not kill gameday with the default action and lose its exit code.
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (finished) return;
      if (signals === 1) {
        io.stderr.write(`\n${signal}: aborting the game day; reverting every fault in place and writing the report...\n`);
        controller.abort(new Error(`${signal} received`));
      } else {
        io.stderr.write(`${signal} again: still reverting faults, please wait. The journal lists what is in place.\n`);
      }
    };
    io.signals.on('SIGINT', onSignal);
    io.signals.on('SIGTERM', onSignal);
    try {
      const outcome = await runPlanFile(planFile ?? '', {
        ...(values['runs-dir'] ? { runsDir: values['runs-dir'] } : {}),
        ...(values['run-id'] ? { runId: values['run-id'] } : {}),
        signal: controller.signal,
        env: io.env,
        log: (line) => writeLine(io.stderr, line),
        ...(values['no-progress'] ? {} : { progress: io.stderr as ProgressStream }),
        ...(values['no-metrics'] ? {} : { metricsListen: values['metrics-listen'] }),
      });
      io.stdout.write(`\n${outcome.consoleTable}\n`);
      io.stdout.write(`\nreports: ${outcome.reportFiles.join(', ')}\n`);
      return outcome.exitCode;
    } finally {
      finished = true;
    }
  },
});
