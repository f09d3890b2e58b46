// `gameday check` on a burst with engine k6-operator: its ConfigMap and TestRun are written (as
// `gameday run --dry-run` prints them) and the TestRun is validated against the TestRun CRD
// schema vendored from k6-operator. No cluster is contacted.

import { readFileSync } from 'node:fs';
import { testRunProblems } from '../load/k6-operator/crd.ts';
import { planManifests } from '../load/k6-operator/manifests.ts';
import type { Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';

export function k6OperatorFindings(plan: Plan, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): CheckFinding[] {
  return planManifests(plan, { runId: 'check', read, validate: testRunProblems }).map(({ burst, manifests, problems }) =>
    problems.length === 0 && manifests !== undefined
      ? {
          check: 'k6-operator',
          subject: `burst ${burst}`,
          status: 'ok',
          detail: `ConfigMap and TestRun ${manifests.namespace}/${manifests.name} valid against the TestRun CRD schema (not applied: \`gameday run --dry-run\` prints them)`,
        }
      : {
          check: 'k6-operator',
          subject: `burst ${burst}`,
          status: 'fail',
          detail: problems.join('; '),
          hint: 'fix the burst in the plan (its script, kubernetes settings); `gameday run --dry-run` prints the manifests gameday writes',
        },
  );
}
