// A sealed schedule: faults whose time is a range (`at: { between, and }`) get their time drawn when
// the run starts, from a seed. The seed is journaled (`schedule.drawn`), so `gameday run --seed N`
// replays the same schedule exactly, and the report and `gameday reveal` can say what was drawn.

import type { FaultSpec, Plan } from '../plan/types.ts';

export interface DrawnSchedule {
  seed: number;
  faults: Array<{ fault: string; atSeconds: number }>;
}

/** The plan with every range drawn (whole seconds, both ends included), and what was drawn. Pure. */
export function drawSchedule(plan: Plan, seed: number): { plan: Plan; drawn: DrawnSchedule } {
  const random = mulberry32(seed);
  const faults: FaultSpec[] = plan.faults.map((fault) => {
    if (fault.atRange === undefined) return fault;
    const { fromSeconds, toSeconds } = fault.atRange;
    const span = Math.floor(toSeconds) - Math.ceil(fromSeconds);
    return { ...fault, atSeconds: Math.ceil(fromSeconds) + Math.floor(random() * (span + 1)) };
  });
  return { plan: { ...plan, faults }, drawn: { seed, faults: faults.map((fault) => ({ fault: fault.name, atSeconds: fault.atSeconds })) } };
}

/** Whether the plan has anything to draw. */
export function hasRanges(plan: Plan): boolean {
  return plan.faults.some((fault) => fault.atRange !== undefined);
}

/** A small, well-known 32-bit PRNG: the same seed gives the same sequence on every machine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
