// Stop conditions, like AWS FIS's: PromQL expressions that end the game day when true. A condition
// is true when its result is a non-empty vector or a non-zero scalar, and triggers once it has been
// true for its `for` on consecutive evaluations. An evaluation that fails (Prometheus unreachable)
// neither starts nor resets the count: it is no evidence either way.

import { errorMessage, PreflightError } from '../errors.ts';
import type { InstantResult } from '../observe/prometheus.ts';
import type { StopCondition } from '../plan/types.ts';
import type { StopConditionSample } from '../journal/events.ts';

/** At most this many series of a result are kept for the journal and the message. */
const KEPT_SERIES = 5;

export function isTrue(result: InstantResult): boolean {
  return result.kind === 'vector' ? result.series.length > 0 : result.value !== 0 && !Number.isNaN(result.value);
}

export function samplesOf(result: InstantResult): StopConditionSample[] {
  return result.kind === 'vector' ? result.series.slice(0, KEPT_SERIES) : [{ labels: {}, value: result.value }];
}

export interface Trigger {
  condition: StopCondition;
  /** Epoch ms of the first true evaluation of the run of true evaluations that triggered. */
  trueSince: number;
  samples: StopConditionSample[];
}

/** The `for` bookkeeping, apart from any clock or I/O: feed it evaluations, it says when to stop. */
export class StopConditionTracker {
  private readonly trueSince = new Map<string, number>();

  /** Records one evaluation at `at` (epoch ms); returns the trigger when the condition has been true long enough. */
  observe(condition: StopCondition, result: InstantResult, at: number): Trigger | undefined {
    if (!isTrue(result)) {
      this.trueSince.delete(condition.name);
      return undefined;
    }
    const since = this.trueSince.get(condition.name) ?? at;
    this.trueSince.set(condition.name, since);
    if (at - since < condition.forSeconds * 1000) return undefined;
    return { condition, trueSince: since, samples: samplesOf(result) };
  }
}

export interface WatchOptions {
  conditions: readonly StopCondition[];
  query: (expr: string) => Promise<InstantResult>;
  intervalSeconds: number;
  now: () => Date;
  /** Called once, with the first condition that triggered; the watch then ends. */
  onTrigger: (trigger: Trigger) => void;
  /** Called when an evaluation fails, and again only after one succeeded in between. */
  onError: (condition: StopCondition, error: unknown) => void;
}

/** Evaluates every condition each interval until one triggers or `stop()` is called. */
export function watchStopConditions(options: WatchOptions): { stop(): Promise<void> } {
  const tracker = new StopConditionTracker();
  const failing = new Set<string>();
  let stopped = options.conditions.length === 0;
  let wake: (() => void) | undefined;

  const evaluate = async (condition: StopCondition): Promise<Trigger | undefined> => {
    try {
      const result = await options.query(condition.expr);
      failing.delete(condition.name);
      return tracker.observe(condition, result, options.now().getTime());
    } catch (error) {
      if (!failing.has(condition.name)) options.onError(condition, error);
      failing.add(condition.name);
      return undefined;
    }
  };

  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      const triggers = await Promise.all(options.conditions.map(evaluate));
      const trigger = triggers.find((each) => each !== undefined);
      if (trigger && !stopped) {
        stopped = true;
        options.onTrigger(trigger);
        return;
      }
      const wait = options.intervalSeconds * 1000 - (Date.now() - started);
      if (wait > 0 && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}

/** "queue-disconnected (demo_queue_connected == 0) was true for 5s: {queue="writes"} 0" */
export function describeTrigger(trigger: Trigger, at: number): string {
  const { condition, samples } = trigger;
  const seconds = Math.round((at - trigger.trueSince) / 100) / 10;
  const shown = samples
    .map(({ labels, value }) => {
      const names = Object.entries(labels).map(([name, text]) => `${name}=${JSON.stringify(text)}`);
      return `${names.length > 0 ? `{${names.join(',')}} ` : ''}${value}`;
    })
    .join(', ');
  return `stop condition ${condition.name} (${condition.expr}) was true for ${seconds}s: ${shown}`;
}

/**
 * Every stop condition must be a query Prometheus accepts before anything is injected; throws a
 * PreflightError listing each one it cannot evaluate.
 */
export async function requireEvaluable(conditions: readonly StopCondition[], query: (expr: string) => Promise<unknown>): Promise<void> {
  const problems: string[] = [];
  for (const condition of conditions) {
    await query(condition.expr).catch((error: unknown) => {
      problems.push(`stop condition ${condition.name} (${condition.expr}): ${errorMessage(error)}`);
    });
  }
  if (problems.length > 0) {
    throw new PreflightError(
      `Prometheus cannot evaluate the plan's stop conditions, so they could not stop the game day:\n  ${problems.join('\n  ')}\n` +
        'Fix the expressions in stopConditions (try them in the Prometheus UI).',
    );
  }
}

/** The names of stop conditions true right now; a failed evaluation counts as not true. */
export async function trueNow(conditions: readonly StopCondition[], query: (expr: string) => Promise<InstantResult>): Promise<string[]> {
  const results = await Promise.all(conditions.map((condition) => query(condition.expr).then(isTrue, () => false)));
  return conditions.filter((_, index) => results[index]).map((condition) => `stop condition ${condition.name}`);
}
