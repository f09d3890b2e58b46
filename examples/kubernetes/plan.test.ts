// The Kubernetes recipes are documentation, not tested support (no cluster here): this only holds
// them to the plan format, so the README never shows a plan that does not load.

import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { loadPlan } from '../../verifier/plan/load.ts';

it('the Kubernetes recipes load as a plan', async () => {
  const plan = await loadPlan(fileURLToPath(new URL('./plan.yaml', import.meta.url)));
  expect(plan.faults.map((fault) => fault.inject.kind)).toEqual(['exec', 'exec', 'exec']);
  expect(plan.faults[2]?.inject).toMatchObject({ command: ['kubectl', 'apply', '-f', 'chaos/checkout-db-latency.yaml'] });
});
