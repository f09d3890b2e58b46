// gameday's public library: what the CLI, the demo and the tests call.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { analyzeRun, exitCodeFor } from './analyze/index.ts';
import { PreflightError, UsageError } from './errors.ts';
import { type ProgressOptions, type ProgressStream, startLive } from './live/index.ts';
import { createK6Runner } from './run/k6-load-runner.ts';
import { AlertmanagerClient } from './observe/alertmanager.ts';
import { type Environment, monitoringClientOptions } from './observe/credentials.ts';
import { PrometheusClient } from './observe/prometheus.ts';
import { loadPlan } from './plan/load.ts';
import type { Plan } from './plan/types.ts';
import {
  compareRuns,
  formatTrend,
  REPORT_VERSION,
  type ReportJson,
  type RunTrend,
  toConsoleTable,
  toHtml,
  toJunit,
  toMarkdown,
  toReportJson,
  traceRecord,
} from './report/index.ts';
import type { JournalEvent } from './run/events.ts';
import { readJournal } from './run/journal.ts';
import { runGameDay } from './run/orchestrator.ts';
import { repoRoot, resolveTool } from './toolchain/index.ts';

export type { Plan } from './plan/types.ts';
export { loadPlan } from './plan/load.ts';
export { reconcileRun, type ReconcileRunOutcome } from './run/reconcile-run.ts';

export const EXIT = {
  ok: 0,
  expectationsFailed: 1,
  badInput: 2,
  aborted: 3,
  revertFailed: 4,
  /** No expectation failed, but one could not be judged: monitoring was blind (analyze/exit-code.ts). */
  inconclusive: 5,
} as const;

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

export interface ReportOutcome {
  runDir: string;
  exitCode: number;
  consoleTable: string;
  reportFiles: string[];
  report: ReturnType<typeof toReportJson>;
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

/** Recomputes the analysis from a run's journal and writes report.json, report.md, report.html and junit.xml beside it. */
export async function rebuildReports(runDir: string): Promise<ReportOutcome> {
  const events = await readJournal(join(runDir, 'journal.jsonl'));
  const analysis = analyzeRun(events);
  const report = toReportJson(analysis);
  const links = { reportDir: resolve(runDir), repoRoot };
  const files = {
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
    'report.md': toMarkdown(report, links),
    'report.html': toHtml(report, { links, trace: traceRecord(events) }),
    'junit.xml': toJunit(report),
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(runDir, name), content);
  return {
    runDir,
    exitCode: exitCodeFor(analysis),
    consoleTable: toConsoleTable(report),
    reportFiles: Object.keys(files).map((name) => join(runDir, name)),
    report,
  };
}

export interface CompareOutcome {
  trend: RunTrend;
  /** The trend as a terminal table. */
  table: string;
  /** The newest run's report.html with the trend section. */
  htmlFile: string;
}

/**
 * The trend across runs of one plan. Each run is analysed afresh from its journal, so every run
 * is judged by the same analysis; a folder with only a report.json (a CI artifact) is read as it
 * is. Writes the newest run's page with a trend section to `htmlFile` (default compare.html in the
 * newest run's folder); nothing else in the run folders changes.
 */
export async function compareRunDirs(runDirs: readonly string[], options: { htmlFile?: string } = {}): Promise<CompareOutcome> {
  if (runDirs.length < 2) throw new UsageError(`compare needs at least two run folders, got ${runDirs.length}`);
  const runs = await Promise.all(runDirs.map(readRun));
  const trend = compareRuns(runs.map(({ report }) => report));
  const newestId = trend.runs[trend.runs.length - 1]?.id;
  const newest = runs.find(({ report }) => report.run.id === newestId) ?? runs[runs.length - 1];
  if (!newest) throw new UsageError('no runs to compare');
  const htmlFile = options.htmlFile ?? join(newest.runDir, 'compare.html');
  const links = { reportDir: resolve(dirname(htmlFile)), repoRoot };
  await writeFile(htmlFile, toHtml(newest.report, { links, trace: traceRecord(newest.events), trend }));
  return { trend, table: formatTrend(trend), htmlFile };
}

async function readRun(runDir: string): Promise<{ runDir: string; report: ReportJson; events: JournalEvent[] }> {
  const journal = join(runDir, 'journal.jsonl');
  if (existsSync(journal)) {
    const events = await readJournal(journal);
    return { runDir, report: toReportJson(analyzeRun(events)), events };
  }
  let text: string;
  try {
    text = await readFile(join(runDir, 'report.json'), 'utf8');
  } catch (error) {
    throw new UsageError(`${runDir} has neither a journal.jsonl nor a report.json: is it a gameday run folder (runs/<run-id>)?`, {
      cause: error,
    });
  }
  const report = JSON.parse(text) as ReportJson;
  if (report.version !== REPORT_VERSION) {
    throw new UsageError(
      `${join(runDir, 'report.json')}: report version ${String(report.version)}; this gameday reads version ${REPORT_VERSION}.`,
    );
  }
  return { runDir, report, events: [] };
}

async function gamedayVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
