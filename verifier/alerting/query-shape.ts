// What an alert rule's PromQL says about its detection time, read with the Prometheus grammar
// (./promql.ts): which scrape jobs it reads, whether it reads k6 series that arrive by remote
// write, how long an absence window it waits, and which range windows stand between a fault and
// the comparison that fires the alert.

import { formatDuration } from '../plan/duration.ts';
import { type Expr, parsePromQL, type Selector, walk } from './promql.ts';

export interface QueryShape {
  /** Values of `job="…"` equality matchers, in order of appearance, without repeats. */
  jobs: string[];
  /** k6 metrics the query reads (`k6_…`): pushed by k6's remote write, never scraped. */
  pushedMetrics: string[];
  /** The longest W of an `absent_over_time(…[W])`, in seconds; 0 when there is none. */
  absentOverTimeSeconds: number;
  /** `absent(…)` over a pushed k6 series: without stale markers it waits the 5-minute lookback. */
  absentOnPushed: boolean;
}

/** One stretch a range window adds: `rate(duration_sum[10s])` reads the last 10 s. */
export interface RangeWindow {
  seconds: number;
  /** The stretch in words: `window 10s of rate(duration_sum[10s])`, `subquery step 30s`, `offset 1m`. */
  what: string;
}

/**
 * The range windows on the longest path from a selector to the comparison, outermost first. A
 * threshold crossing reaches the comparison only once enough of each window holds post-fault
 * samples: up to the window's length later (nested windows add up; `absent_over_time`'s own
 * window is the absence window W, counted apart).
 */
export interface ConditionWindows {
  seconds: number;
  windows: RangeWindow[];
}

/** Prometheus's `--query.lookback-delta` default: how long a series without stale markers stays visible. */
export const LOOKBACK_SECONDS = 300;

export function queryShape(query: string): QueryShape {
  const parsed = parsePromQL(query);
  // Prometheus loaded the rule, so its query parses; one that does not (an offline file) reads nothing.
  if (!parsed.ok) return { jobs: [], pushedMetrics: [], absentOverTimeSeconds: 0, absentOnPushed: false };
  const jobs: string[] = [];
  const pushedMetrics: string[] = [];
  let absentOverTimeSeconds = 0;
  let absentOnPushed = false;
  walk(parsed.expr, (node, parents) => {
    if (node.kind === 'selector') {
      for (const matcher of node.matchers) if (matcher.name === 'job' && matcher.operator === '=') jobs.push(matcher.value);
      if (isPushed(node)) {
        pushedMetrics.push(node.metric ?? '');
        if (parents.some((parent) => parent.kind === 'call' && parent.fn === 'absent')) absentOnPushed = true;
      }
    }
    if (node.kind === 'call' && node.fn === 'absent_over_time') {
      const [argument] = node.args;
      if (argument?.kind === 'range' || argument?.kind === 'subquery')
        absentOverTimeSeconds = Math.max(absentOverTimeSeconds, argument.seconds);
    }
  });
  return { jobs: unique(jobs), pushedMetrics: unique(pushedMetrics), absentOverTimeSeconds, absentOnPushed };
}

/**
 * The range windows between a fault and the rule's comparison (see ConditionWindows). `scrapeSeconds`
 * is S, the interval of the series the rule reads: `rate(x[w]) > 0` needs no full window, only the
 * first increase, which a series born with the fault shows one scrape after its first sample.
 */
export function conditionWindows(query: string, scrapeSeconds: number): ConditionWindows {
  const parsed = parsePromQL(query);
  return parsed.ok ? longestPath(parsed.expr, scrapeSeconds) : { seconds: 0, windows: [] };
}

/** Range functions that are above 0 as soon as one post-fault increase or sample is in their window. */
const ABOVE_ZERO_AT_ONCE = new Set([
  'rate',
  'irate',
  'increase',
  'changes',
  'resets',
  'count_over_time',
  'present_over_time',
  'max_over_time',
]);
/** Aggregations that are above 0 when any of their (non-negative) inputs is. */
const ANY_ABOVE_ZERO = new Set(['sum', 'max', 'avg', 'count', 'group', 'topk']);

function longestPath(expr: Expr, S: number): ConditionWindows {
  const longest = (exprs: Expr[]): ConditionWindows =>
    exprs.map((e) => longestPath(e, S)).reduce((best, next) => (next.seconds > best.seconds ? next : best), { seconds: 0, windows: [] });
  switch (expr.kind) {
    case 'call': {
      const ranged = expr.args.find((arg) => arg.kind === 'range' || arg.kind === 'subquery' || (arg.kind === 'offset' && hasRange(arg)));
      const inner = longest(expr.args);
      if (ranged === undefined || expr.fn === 'absent_over_time') return inner;
      const window = rangeSeconds(ranged);
      return {
        seconds: inner.seconds + window,
        windows: [{ seconds: window, what: `window ${seconds(window)} of ${describeCall(expr.fn, ranged)}` }, ...inner.windows],
      };
    }
    case 'subquery': {
      // The subquery's own range belongs to the function that reads it; its step can make it one step late.
      const inner = longestPath(expr.expr, S);
      const step = expr.stepSeconds ?? 0;
      return step > 0
        ? { seconds: inner.seconds + step, windows: [{ seconds: step, what: `subquery step ${seconds(step)}` }, ...inner.windows] }
        : inner;
    }
    case 'offset': {
      const inner = longestPath(expr.expr, S);
      if (expr.seconds <= 0) return inner;
      return {
        seconds: inner.seconds + expr.seconds,
        windows: [{ seconds: expr.seconds, what: `offset ${seconds(expr.seconds)}` }, ...inner.windows],
      };
    }
    case 'range':
      return { seconds: 0, windows: [] };
    case 'unary':
      return longestPath(expr.expr, S);
    case 'binary': {
      const call = aboveZero(expr);
      if (call === undefined) return longest([expr.left, expr.right]);
      const ranged = call.args.find(hasRange) as Expr;
      const inner = longest(call.args);
      const scrape = Math.min(rangeSeconds(ranged), S);
      return {
        seconds: inner.seconds + scrape,
        windows: [
          { seconds: scrape, what: `one more scrape (${seconds(scrape)}) for ${describeCall(call.fn, ranged)} > 0` },
          ...inner.windows,
        ],
      };
    }
    case 'aggregate':
      return longest(expr.args);
    default:
      return { seconds: 0, windows: [] };
  }
}

/** `sum(rate(x[w])) > 0` (or `0 < …`, `!= 0`): the range call it tests for any increase at all. */
function aboveZero(expr: Expr & { kind: 'binary' }): (Expr & { kind: 'call' }) | undefined {
  const zero = (side: Expr) => side.kind === 'number' && side.value === 0;
  let tested: Expr | undefined;
  if ((expr.op === '>' || expr.op === '!=') && zero(expr.right)) tested = expr.left;
  else if ((expr.op === '<' || expr.op === '!=') && zero(expr.left)) tested = expr.right;
  while (tested?.kind === 'aggregate' && ANY_ABOVE_ZERO.has(tested.op)) tested = tested.args.at(-1);
  if (tested?.kind === 'call' && ABOVE_ZERO_AT_ONCE.has(tested.fn) && tested.args.some(hasRange)) return tested;
  return undefined;
}

function hasRange(expr: Expr): boolean {
  return expr.kind === 'range' || expr.kind === 'subquery' || (expr.kind === 'offset' && hasRange(expr.expr));
}

function rangeSeconds(expr: Expr): number {
  if (expr.kind === 'range' || expr.kind === 'subquery') return expr.seconds;
  return expr.kind === 'offset' ? rangeSeconds(expr.expr) : 0;
}

/** `rate(duration_sum[10s])`: the function, the metric it reads and the window, without the matchers. */
function describeCall(fn: string, ranged: Expr): string {
  if (ranged.kind === 'offset') return describeCall(fn, ranged.expr);
  if (ranged.kind === 'range') return `${fn}(${ranged.selector.metric ?? '{…}'}[${seconds(ranged.seconds)}])`;
  if (ranged.kind === 'subquery') {
    const step = ranged.stepSeconds === undefined ? '' : seconds(ranged.stepSeconds);
    return `${fn}(…[${seconds(ranged.seconds)}:${step}])`;
  }
  return `${fn}(…)`;
}

function isPushed(selector: Selector): boolean {
  return selector.metric?.startsWith('k6_') ?? false;
}

/** `10s`, `1m30s`: a window as PromQL writes it. */
function seconds(value: number): string {
  return formatDuration(value);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
