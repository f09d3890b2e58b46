// `gameday check <plan>`: the dry run. It injects nothing and sends no load; exit 0 pass, 1 problems
// found, 2 bad input.

import { loadPlan } from '../plan/load.ts';
import { checkExitCode, checkPlan, formatCheckReport } from '../preflight/index.ts';
import { defineCommand } from './command.ts';

export const checkCommand = defineCommand({
  name: 'check',
  usage: 'check <plan.yaml>',
  summary: 'a dry run: tools, monitoring, rules, feasibility, baseline, injectors (exit 0 pass, 1 problems, 2 bad input)',
  options: {},
  positionals: { min: 1, max: 1, what: 'plan file' },
  async run({ positionals: [planFile = ''] }, io) {
    const report = await checkPlan(await loadPlan(planFile), { env: io.env });
    io.stdout.write(`${formatCheckReport(report, { width: io.stdout.columns || 120 })}\n`);
    return checkExitCode(report);
  },
});
