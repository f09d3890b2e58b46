// `gameday report <run-folder>`: rebuild report.json, report.md, report.html and junit.xml from the
// run's journal (and the marks made after the run, in marks.jsonl). The reports are a pure function
// of the journal, so this works after a crash too.

import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { analyzeRun, exitCodeFor } from '../analyze/index.ts';
import { readRunEvents } from '../journal/marks.ts';
import { packageRoot } from '../package-root.ts';
import { type LinkBase, type ReportJson, toConsoleTable, toHtml, toJunit, toMarkdown, toReportJson, traceRecord } from '../report/index.ts';
import { type Command, defineCommand } from './command.ts';

/** Where a report's links resolve: runbooks from the plan's folder, explanations from gameday's docs/. */
export function reportLinks(reportDir: string, planFile: string): LinkBase {
  return { reportDir, planDir: dirname(resolve(planFile)), docsDir: join(packageRoot, 'docs') };
}

export interface ReportOutcome {
  runDir: string;
  exitCode: number;
  consoleTable: string;
  reportFiles: string[];
  report: ReportJson;
}

/** Recomputes the analysis from a run's journal and writes report.json, report.md, report.html and junit.xml beside it. */
export async function rebuildReports(runDir: string): Promise<ReportOutcome> {
  // With the marks made after the run ended (`gameday mark` on an ended run), which only marks.jsonl holds.
  const events = await readRunEvents(runDir);
  const analysis = analyzeRun(events);
  const report = toReportJson(analysis);
  const links = reportLinks(resolve(runDir), report.plan.file);
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

export const reportCommand: Command = defineCommand({
  name: 'report',
  usage: 'report <run-folder>',
  summary: "rebuild report.json, report.md, report.html and junit.xml from the run's journal",
  options: {},
  positionals: { min: 1, max: 1, what: 'run folder' },
  async run({ positionals: [runDir] }, io) {
    const outcome = await rebuildReports(runDir ?? '');
    io.stdout.write(`${outcome.consoleTable}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
    return outcome.exitCode;
  },
});
