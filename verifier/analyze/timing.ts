// Where the seconds went: the measured latency split along the alerting chain, each stretch beside
// what the configuration allows (the check's formulas, verifier/alerting/detection-bounds.ts):
//   condition     fault → pending   the condition reaches a scrape and an evaluation (plus any window:
//                                   the absence window, and range windows like rate(…[10s]))
//   for           pending → firing  `for`, rounded up to whole evaluations
//   notification  firing → webhook  group_wait for a new aggregation group
// A latency far above its floor points at the stretch that took the time.

import { detectionTimes } from '../alerting/detection-bounds.ts';
import type { DetectionInput } from '../journal/events.ts';
import type { LatencyBreakdown } from './model.ts';
import { round3 } from './time.ts';

export interface MeasuredFigures {
  pendingAfterSeconds: number | null;
  firingAfterSeconds: number | null;
  notifiedAfterSeconds: number | null;
}

export function latencyBreakdown(input: DetectionInput | null, figures: MeasuredFigures): LatencyBreakdown | null {
  if (input === null) return null;
  const S = input.scrapeSeconds;
  const { evalSeconds: E, forSeconds: F, windowSeconds: W, groupWaitSeconds: G } = input;
  // R, the range windows before the comparison (journals from before it was read have none).
  const R = input.rangeWindowSeconds ?? 0;
  const times =
    S === null ? null : detectionTimes({ scrapeSeconds: S, evalSeconds: E, forSeconds: F, windowSeconds: W, rangeWindowSeconds: R });
  const forOnGrid = detectionTimes({ scrapeSeconds: 0, evalSeconds: E, forSeconds: F, windowSeconds: 0 }).forOnGridSeconds;
  const { pendingAfterSeconds: pending, firingAfterSeconds: firing, notifiedAfterSeconds: notified } = figures;
  const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : round3(a - b));
  return {
    inputs: {
      scrapeSeconds: S,
      scrapeSource: input.scrapeSource,
      evalSeconds: E,
      forSeconds: F,
      windowSeconds: W,
      ...(input.rangeWindowSeconds === undefined ? {} : { rangeWindowSeconds: R, rangeWindows: input.rangeWindows ?? [] }),
      groupWaitSeconds: G,
    },
    floorSeconds: times?.bestFiringSeconds ?? null,
    worstSeconds: times?.worstFiringSeconds ?? null,
    aboveFloorSeconds: difference(firing, times?.bestFiringSeconds ?? null),
    segments: [
      {
        name: 'condition',
        measuredSeconds: pending,
        expectedMinSeconds: S === null ? null : Math.max(W - S, 0),
        expectedMaxSeconds: S === null ? null : S + E + W + R,
      },
      { name: 'for', measuredSeconds: difference(firing, pending), expectedMinSeconds: forOnGrid, expectedMaxSeconds: forOnGrid },
      { name: 'notification', measuredSeconds: difference(notified, firing), expectedMinSeconds: G, expectedMaxSeconds: G },
    ],
  };
}
