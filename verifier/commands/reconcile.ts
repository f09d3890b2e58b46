// `gameday reconcile <run-folder>`: after a crash, append Prometheus's record of the run to its
// journal, then rebuild the reports from it.

import { reconcileRun } from '../run/reconcile-run.ts';
import { type Command, defineCommand, writeLine } from './command.ts';
import { rebuildReports } from './report.ts';

export const reconcileCommand: Command = defineCommand({
  name: 'reconcile',
  usage: 'reconcile <run-folder>',
  summary: "after a crash: read Prometheus's record of the run, then rebuild the reports",
  options: {},
  positionals: { min: 1, max: 1, what: 'run folder' },
  async run({ positionals: [runDir = ''] }, io) {
    const reconciled = await reconcileRun(runDir, { log: (line) => writeLine(io.stderr, line) });
    const outcome = await rebuildReports(runDir);
    const note = reconciled.reconciled ? '' : "\nPrometheus's record could not be read: the figures still come from the polls.\n";
    io.stdout.write(`${outcome.consoleTable}${note}\n\nreports: ${outcome.reportFiles.join(', ')}\n`);
    return outcome.exitCode;
  },
});
