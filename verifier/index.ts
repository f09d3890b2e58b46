// gameday's public library: what the CLI, the demo and the tests call.

import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyzeRun, exitCodeFor } from './analyze/index.ts';
import { PreflightError } from './errors.ts';
import { createK6Runner } from './run/k6-load-runner.ts';
import { AlertmanagerClient } from './observe/alertmanager.ts';
import { type Environment, monitoringClientOptions } from './observe/credentials.ts';
import { PrometheusClient } from './observe/prometheus.ts';
import { loadPlan } from './plan/load.ts';
import type { Plan } from './plan/types.ts';
import { toConsoleTable, toMarkdown, toReportJson } from './report/index.ts';
import { readJournal } from './run/journal.ts';
import { runGameDay } from './run/orchestrator.ts';
import { repoRoot, resolveTool } from './toolchain/index.ts';

export type { Plan } from './plan/types.ts';
export { loadPlan } from './plan/load.ts';

export const EXIT = {
  ok: 0,
  expectationsFailed: 1,
  badInput: 2,
  aborted: 3,
  revertFailed: 4,
} as const;

export interface RunPlanOptions {
  runsDir?: string;
  runId?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Where the plan's credential variables are read. Default: process.env. */
  env?: Environment;
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
  const result = await runGameDay(plan, {
    runsDir: resolve(options.runsDir ?? 'runs'),
    ...(options.runId ? { runId: options.runId } : {}),
    prometheus: new PrometheusClient(endpoints.prometheus),
    alertmanager: new AlertmanagerClient(endpoints.alertmanager),
    loadRunner: createK6Runner({ k6Path: k6 }),
    ...(options.signal ? { signal: options.signal } : {}),
    log,
    gamedayVersion: await gamedayVersion(),
  });
  const outcome = await rebuildReports(result.runDir);
  if (result.error instanceof PreflightError) throw result.error;
  if (result.status === 'aborted') return { ...outcome, exitCode: EXIT.aborted };
  if (result.status === 'failed') return { ...outcome, exitCode: EXIT.badInput };
  return outcome;
}

/** Recomputes the analysis from a run's journal and writes report.json and report.md beside it. */
export async function rebuildReports(runDir: string): Promise<ReportOutcome> {
  const events = await readJournal(join(runDir, 'journal.jsonl'));
  const analysis = analyzeRun(events);
  const report = toReportJson(analysis);
  const jsonFile = join(runDir, 'report.json');
  const mdFile = join(runDir, 'report.md');
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(mdFile, toMarkdown(report, { reportDir: resolve(runDir), repoRoot }));
  return {
    runDir,
    exitCode: exitCodeFor(analysis),
    consoleTable: toConsoleTable(report),
    reportFiles: [jsonFile, mdFile],
    report,
  };
}

async function gamedayVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
