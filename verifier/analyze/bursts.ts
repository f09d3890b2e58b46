// Each burst of the plan, as k6 ran it: did it reach the requested rate, and how many iterations
// did it drop for want of VUs (a burst that cannot reach its rate does not expose what it should).

import type { BurstSpec } from '../plan/types.ts';
import type { LoadEnded, LoadStarted } from '../journal/events.ts';
import type { BurstAnalysis } from './model.ts';
import { parseInstant, round3 } from './time.ts';

export function analyzeBursts(
  planned: readonly BurstSpec[],
  started: readonly LoadStarted[],
  ended: readonly LoadEnded[],
): BurstAnalysis[] {
  const names = [...planned.map((burst) => burst.name)];
  for (const load of started) if (load.role === 'burst' && !names.includes(load.name)) names.push(load.name);

  return names.map((name) => {
    const spec = planned.find((burst) => burst.name === name);
    const start = started.find((load) => load.role === 'burst' && load.name === name);
    const end = ended.find((load) => load.role === 'burst' && load.name === name);
    const result = end?.result;
    const scheduled = result ? result.iterations + result.droppedIterations : 0;
    return {
      name,
      status: !start ? 'not-started' : !end ? 'running' : end.exitCode === 0 && !end.error ? 'completed' : 'failed',
      startedAt: start ? parseInstant(start.at) : null,
      endedAt: end ? parseInstant(end.at) : null,
      requestedRate: start?.requestedRate ?? spec?.rate ?? 0,
      durationSeconds: start?.durationSeconds ?? spec?.durationSeconds ?? 0,
      vus: start?.vus ?? null,
      achievedRate: result?.achievedRate ?? null,
      iterations: result?.iterations ?? null,
      droppedIterations: result?.droppedIterations ?? null,
      droppedRatio: result && scheduled > 0 ? round3(result.droppedIterations / scheduled) : null,
      httpReqFailedRate: result?.httpReqFailedRate ?? null,
      p95Ms: result?.httpReqDurationP95Ms ?? null,
      exitCode: end?.exitCode ?? null,
      signal: end?.signal ?? null,
      error: end?.error ?? null,
    };
  });
}
