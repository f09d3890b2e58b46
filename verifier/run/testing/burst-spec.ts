import type { BurstSpec } from '../../plan/types.ts';

/** A burst of the plan, at t=0, with the default script. */
export function burstSpec(name: string, rate: number, durationSeconds: number): BurstSpec {
  return { name, atSeconds: 0, rate, durationSeconds, script: 'loadtests/burst.ts' };
}
