// The feasibility finding of `gameday check`: the detection bounds of one expected alert against
// its `within`, in words, with where each input came from, stretch by stretch (a range window
// such as `window 10s of rate(…)` adds to the worst case, not to the floor).

import { type DetectionChain, type DetectionTimes, detectionTimes, judgeFeasibility } from '../alerting/detection-bounds.ts';
import type { RangeWindow } from '../alerting/query-shape.ts';
import { formatDuration } from '../plan/duration.ts';
import type { CheckFinding } from './findings.ts';

/** Where each input came from, for the person reading the report. */
export interface FeasibilityContext {
  subject: string;
  withinSeconds: number;
  inputs: DetectionChain;
  /** e.g. `job "api"`, `global`, `k6 remote-write push`. */
  scrapeSource: string;
  /** Alertmanager's group_wait on the alert's route, or why it is unknown. */
  groupWait: { seconds: number; route: string } | { unknown: string };
  /** absent() over pushed series: the window is the 5-minute lookback. */
  absentOnPushed?: boolean;
  /** The range windows that make up `inputs.rangeWindowSeconds`, in words. */
  rangeWindows?: RangeWindow[];
  /** Extra words, e.g. an assumed scrape interval; makes the finding at least a warning. */
  caveat?: string;
}

export function feasibilityFinding(context: FeasibilityContext): CheckFinding {
  const { withinSeconds, inputs, groupWait } = context;
  const times = detectionTimes(inputs);
  const verdict = judgeFeasibility(withinSeconds, times);
  const firing = `firing ${span(times.bestFiringSeconds, times.worstFiringSeconds)}`;
  const notified =
    'seconds' in groupWait
      ? `notified ${span(times.bestFiringSeconds + groupWait.seconds, times.worstFiringSeconds + groupWait.seconds)}`
      : `notified: unknown (${groupWait.unknown})`;
  const figures = `${firing}, ${notified}; ${breakdown(context)}`;
  const within = s(withinSeconds);

  const notes: string[] = [];
  const hints: string[] = [];
  if (context.absentOnPushed) {
    notes.push(`absent() over pushed k6 series waits the ${s(inputs.windowSeconds)} lookback after the last sample`);
    hints.push('use absent_over_time(k6_…[1m]) instead: it fires once no sample arrived for 1m');
  }
  if (context.caveat) notes.push(context.caveat);
  const noted = notes.length > 0 ? `; ${notes.join('; ')}` : '';

  if (verdict === 'cannot-be-met') {
    return {
      check: 'feasibility',
      subject: context.subject,
      status: 'fail',
      detail: `within ${within} cannot be met: the floor is ${s(times.bestFiringSeconds)}: ${floorParts(inputs, times)}; ${figures}${noted}`,
      hint: [
        `raise within to at least ${s(times.worstFiringSeconds)} (the worst case), or make the rule quicker (shorter for, evaluation or scrape interval)`,
        ...hints,
      ].join('; '),
    };
  }
  if (verdict === 'best-case-only') {
    return {
      check: 'feasibility',
      subject: context.subject,
      status: 'warn',
      detail: `within ${within} is met only in the best case: ${figures}${noted}`,
      hint: [`raise within to ${s(times.worstFiringSeconds)} to cover the worst case`, ...hints].join('; '),
    };
  }
  const warn = notes.length > 0;
  return {
    check: 'feasibility',
    subject: context.subject,
    status: warn ? 'warn' : 'ok',
    detail: `within ${within} covers the worst case: ${figures}${noted}`,
    ...(warn && hints.length > 0 ? { hint: hints.join('; ') } : {}),
  };
}

function floorParts(inputs: DetectionChain, times: DetectionTimes): string {
  const parts: string[] = [];
  if (times.forOnGridSeconds > 0) {
    const evaluations = Math.round(times.forOnGridSeconds / inputs.evalSeconds);
    parts.push(`for ${s(inputs.forSeconds)} → ${evaluations} × eval ${s(inputs.evalSeconds)} = ${s(times.forOnGridSeconds)}`);
  }
  if (inputs.windowSeconds > inputs.scrapeSeconds) {
    parts.push(`window ${s(inputs.windowSeconds)} − scrape ${s(inputs.scrapeSeconds)} = ${s(inputs.windowSeconds - inputs.scrapeSeconds)}`);
  }
  return parts.join(' + ');
}

function breakdown(context: FeasibilityContext): string {
  const { inputs, groupWait } = context;
  const parts = [
    `scrape ${s(inputs.scrapeSeconds)} (${context.scrapeSource})`,
    `eval ${s(inputs.evalSeconds)}`,
    `for ${s(inputs.forSeconds)}`,
  ];
  if (inputs.windowSeconds > 0) parts.push(`window ${s(inputs.windowSeconds)}`);
  for (const window of context.rangeWindows ?? []) parts.push(window.what);
  if ('seconds' in groupWait) parts.push(`group_wait ${s(groupWait.seconds)} (${groupWait.route})`);
  return parts.join(', ');
}

function span(best: number, worst: number): string {
  return `${s(best)}–${s(worst)}`;
}

function s(seconds: number): string {
  return formatDuration(seconds);
}
