import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../package-root.ts';
import { loadPlan } from '../plan/load.ts';
import { k6OperatorFindings } from './k6-operator-findings.ts';

const full = join(packageRoot, 'verifier/plan/fixtures/valid/full.yaml');

describe('k6OperatorFindings', () => {
  it('finds the TestRun of a k6-operator burst valid against the CRD schema, and says it is not applied', async () => {
    const plan = await loadPlan(full, { fileExists: () => true });
    expect(k6OperatorFindings(plan)).toEqual([
      {
        check: 'k6-operator',
        subject: 'burst cluster-burst',
        status: 'ok',
        detail:
          'ConfigMap and TestRun load-tests/gameday-check-cluster-burst valid against the TestRun CRD schema (not applied: `gameday run --dry-run` prints them)',
      },
    ]);
  });

  it('fails a burst whose TestRun the CRD schema refuses, with the schema path', async () => {
    const plan = await loadPlan(full, { fileExists: () => true });
    // A fractional parallelism: the plan's schema refuses it first; here the CRD's check is seen alone.
    const burst = plan.bursts[1];
    if (burst?.kubernetes === undefined) throw new Error('full.yaml changed');
    burst.kubernetes.parallelism = 1.5;
    const [finding] = k6OperatorFindings(plan);
    expect(finding).toMatchObject({ status: 'fail', subject: 'burst cluster-burst', detail: '/spec/parallelism: must be integer' });
  });

  it('fails a burst whose script cannot be read', async () => {
    const plan = await loadPlan(full, { fileExists: () => true });
    const [finding] = k6OperatorFindings(plan, (path) => {
      throw new Error(`ENOENT: ${path}`);
    });
    expect(finding?.status).toBe('fail');
    expect(finding?.detail).toMatch(/^cannot read .*loadtests\/burst\.ts: ENOENT/);
  });
});
