// `gameday run --dry-run <plan>`: prints the ConfigMap and TestRun of every k6-operator burst,
// validated against the TestRun CRD schema, and starts nothing (no k6, no fault, no cluster call).

import { readFileSync } from 'node:fs';
import { EXIT } from '../errors.ts';
import { testRunProblems } from '../load/k6-operator/crd.ts';
import { manifestsYaml, planManifests } from '../load/k6-operator/manifests.ts';
import { loadPlan } from '../plan/load.ts';
import type { CommandIO } from './command.ts';

export async function printDryRun(planFile: string, runId: string | undefined, io: Pick<CommandIO, 'stdout' | 'stderr'>): Promise<number> {
  const plan = await loadPlan(planFile);
  const results = planManifests(plan, { runId: runId ?? 'dry-run', read: (path) => readFileSync(path, 'utf8'), validate: testRunProblems });
  if (results.length === 0) {
    io.stderr.write(
      'gameday run --dry-run: no burst of this plan has engine: k6-operator, so there are no manifests to print; nothing was started.\n',
    );
    return EXIT.ok;
  }
  let failed = false;
  const documents: string[] = [];
  for (const { burst, manifests, problems } of results) {
    if (problems.length > 0 || manifests === undefined) {
      failed = true;
      io.stderr.write(`burst "${burst}": the TestRun is not valid:\n${problems.map((problem) => `  ${problem}\n`).join('')}`);
      continue;
    }
    documents.push(`# burst ${burst}: kubectl apply -f - (gameday does not apply it: nothing was started)\n${manifestsYaml(manifests)}`);
  }
  io.stdout.write(documents.join('---\n'));
  return failed ? EXIT.badInput : EXIT.ok;
}
