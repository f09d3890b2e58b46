// `gameday compare <run-folder>...`: the trend across game days of one plan, as a terminal table
// and as a page (the newest run's report.html with a trend section).

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { analyzeRun } from '../analyze/index.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readRunEvents } from '../journal/marks.ts';
import {
  compareRuns,
  formatTrend,
  REPORT_VERSION,
  type ReportJson,
  type RunTrend,
  toHtml,
  toReportJson,
  traceRecord,
} from '../report/index.ts';
import { type Command, defineCommand } from './command.ts';
import { reportLinks } from './report.ts';

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
  const links = reportLinks(resolve(dirname(htmlFile)), newest.report.plan.file);
  await writeFile(htmlFile, toHtml(newest.report, { links, trace: traceRecord(newest.events), trend }));
  return { trend, table: formatTrend(trend), htmlFile };
}

async function readRun(runDir: string): Promise<{ runDir: string; report: ReportJson; events: JournalEvent[] }> {
  const journal = join(runDir, 'journal.jsonl');
  if (existsSync(journal)) {
    const events = await readRunEvents(runDir);
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

export const compareCommand: Command = defineCommand({
  name: 'compare',
  usage: 'compare <run-folder> <run-folder>... [--html FILE]',
  summary: 'the trend across game days of one plan',
  options: { html: { type: 'string' } },
  positionals: { min: 2, max: Infinity, what: 'run folders of one plan' },
  async run({ values, positionals }, io) {
    const outcome = await compareRunDirs(positionals, values.html ? { htmlFile: values.html } : {});
    io.stdout.write(`${outcome.table}\npage with the trend: ${outcome.htmlFile}\n`);
    return EXIT.ok;
  },
});
