// The detection bounds of one alerting rule, from its query, `for`, evaluation interval and the
// scrape settings: the one reading that `gameday check`, `gameday audit` and the report share.

import { type DetectionChain, type DetectionTimes, detectionTimes } from './detection-bounds.ts';
import { conditionWindows, LOOKBACK_SECONDS, queryShape, type RangeWindow } from './query-shape.ts';
import { scrapeInterval, type ScrapeSettingsRead } from './scrape-interval.ts';

export interface RuleTiming {
  query: string;
  forSeconds: number;
  /** The evaluation interval of the rule's group. */
  intervalSeconds: number;
}

export interface RuleBounds {
  chain: Required<DetectionChain>;
  times: DetectionTimes;
  /** Where S came from: `job "api"`, `global`, `k6 remote write, pushed every 1s`. */
  scrapeSource: string;
  /** Set when S is assumed or suspicious (a job nobody scrapes). */
  caveat?: string;
  /** The stretches of R, in words. */
  rangeWindows: RangeWindow[];
  /** absent() over pushed k6 series: W is the 5-minute lookback. */
  absentOnPushed: boolean;
}

export function ruleBounds(rule: RuleTiming, config: ScrapeSettingsRead): RuleBounds {
  const shape = queryShape(rule.query);
  const scrape = scrapeInterval(shape, config);
  const windows = conditionWindows(rule.query, scrape.seconds);
  const chain = {
    scrapeSeconds: scrape.seconds,
    evalSeconds: rule.intervalSeconds,
    forSeconds: rule.forSeconds,
    windowSeconds: shape.absentOnPushed ? Math.max(shape.absentOverTimeSeconds, LOOKBACK_SECONDS) : shape.absentOverTimeSeconds,
    rangeWindowSeconds: windows.seconds,
  };
  return {
    chain,
    times: detectionTimes(chain),
    scrapeSource: scrape.source,
    ...(scrape.caveat ? { caveat: scrape.caveat } : {}),
    rangeWindows: windows.windows,
    absentOnPushed: shape.absentOnPushed,
  };
}
