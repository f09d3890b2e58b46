// `gameday check <plan>`: the dry run. It injects nothing and sends no load; exit 0 pass, 1 problems
// found, 2 bad input.

import { resolve } from 'node:path';
import { loadPlan } from '../plan/load.ts';
import { hostFindings } from '../preflight/host.ts';
import { checkExitCode, checkPlan, formatCheckReport } from '../preflight/index.ts';
import { type Command, defineCommand } from './command.ts';

export const checkCommand: Command = defineCommand({
  name: 'check',
  usage: 'check <plan.yaml>',
  summary: 'a dry run: tools, monitoring, rules, feasibility, baseline, injectors (exit 0 pass, 1 problems, 2 bad input)',
  options: {},
  positionals: { min: 1, max: 1, what: 'plan file' },
  async run({ positionals: [planFile = ''] }, io) {
    const plan = await loadPlan(planFile);
    const report = await checkPlan(plan, { env: io.env });
    // The machine gameday runs on: run folder, disk space, the webhook's port.
    report.findings.push(...(await hostFindings(plan, { runsDir: resolve('runs') })));
    io.stdout.write(`${formatCheckReport(report, { width: io.stdout.columns || 120 })}\n`);
    return checkExitCode(report);
  },
});
