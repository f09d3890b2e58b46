// Can an alert fire within its target at all? The timing chain from fault to page, bounded
// (docs/detection-time.md explains each stretch):
//   S  scrape interval of the series the rule reads (push interval for k6 remote write)
//   E  evaluation interval of the rule's group
//   F  the rule's `for`, which only ends on an evaluation: ceil(F/E)·E
//   W  absence window of absent_over_time(…[W]) (the 5m lookback for absent() on pushed data)
//   R  range windows on the way to the comparison (rate(…[R]), increase, *_over_time, subqueries,
//      offset): a threshold crossing shows once enough of the window holds post-fault samples
//   G  group_wait of the Alertmanager route the alert takes (notification only)
// firing, best case  ≈ ceil(F/E)·E + max(W − S, 0)       the fault lands just before a scrape and an
//                                                        evaluation, and is strong enough to cross at once
// firing, worst case ≈ S + E + ceil(F/E)·E + W + R       it lands just after both, and crosses only
//                                                        when the window is full of post-fault samples
// notified           = firing + G                     a new aggregation group
// The verdict compares `within` with the firing times: the run measures detection to firing.

/** The inputs of the timing chain for one rule (seconds). */
export interface DetectionChain {
  scrapeSeconds: number;
  evalSeconds: number;
  forSeconds: number;
  windowSeconds: number;
  /** R: the longest path of range windows to the comparison; 0 (or left out) when there is none. */
  rangeWindowSeconds?: number;
}

export interface DetectionTimes {
  /** `for` rounded up to whole evaluations: ceil(F/E)·E. */
  forOnGridSeconds: number;
  bestFiringSeconds: number;
  worstFiringSeconds: number;
}

export type Feasibility = 'cannot-be-met' | 'best-case-only' | 'met';

export function detectionTimes(chain: DetectionChain): DetectionTimes {
  const { scrapeSeconds: S, evalSeconds: E, forSeconds: F, windowSeconds: W, rangeWindowSeconds: R = 0 } = chain;
  const forOnGridSeconds = evaluationsFor(F, E) * E;
  return {
    forOnGridSeconds,
    bestFiringSeconds: forOnGridSeconds + Math.max(W - S, 0),
    worstFiringSeconds: S + E + forOnGridSeconds + W + R,
  };
}

export function judgeFeasibility(withinSeconds: number, times: DetectionTimes): Feasibility {
  if (withinSeconds < times.bestFiringSeconds) return 'cannot-be-met';
  if (withinSeconds < times.worstFiringSeconds) return 'best-case-only';
  return 'met';
}

/** Evaluations a pending alert needs before it fires; tolerant of 10/3-style float noise. */
function evaluationsFor(forSeconds: number, evalSeconds: number): number {
  if (forSeconds <= 0 || evalSeconds <= 0) return 0;
  return Math.ceil(forSeconds / evalSeconds - 1e-9);
}
