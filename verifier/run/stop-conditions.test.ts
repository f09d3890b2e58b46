import { describe, expect, test } from 'vitest';
import type { InstantResult } from '../observe/prometheus.ts';
import type { StopCondition } from '../plan/types.ts';
import { describeTrigger, isTrue, StopConditionTracker, watchStopConditions } from './stop-conditions.ts';

const vector = (...values: number[]): InstantResult => ({
  kind: 'vector',
  series: values.map((value, index) => ({ labels: { queue: `q${index}` }, value })),
});
const scalar = (value: number): InstantResult => ({ kind: 'scalar', value });
const condition = (forSeconds: number): StopCondition => ({ name: 'queue-down', expr: 'demo_queue_connected == 0', forSeconds });

describe('isTrue', () => {
  test.each([
    ['an empty vector', vector(), false],
    ['a vector of one zero (a comparison that matched)', vector(0), true],
    ['a vector of several series', vector(1, 2), true],
    ['a zero scalar', scalar(0), false],
    ['a non-zero scalar', scalar(-2), true],
    ['a NaN scalar', scalar(Number.NaN), false],
  ])('%s: %s', (_, result, expected) => {
    expect(isTrue(result)).toBe(expected);
  });
});

describe('StopConditionTracker', () => {
  test('triggers once true for `for` on consecutive evaluations', () => {
    const tracker = new StopConditionTracker();
    const c = condition(5);
    expect(tracker.observe(c, vector(0), 1_000)).toBeUndefined();
    expect(tracker.observe(c, vector(0), 5_999)).toBeUndefined();
    expect(tracker.observe(c, vector(0), 6_000)).toMatchObject({ trueSince: 1_000, samples: [{ labels: { queue: 'q0' }, value: 0 }] });
  });

  test('a false evaluation starts the count again', () => {
    const tracker = new StopConditionTracker();
    const c = condition(5);
    tracker.observe(c, vector(0), 0);
    tracker.observe(c, vector(), 4_000);
    expect(tracker.observe(c, vector(0), 5_000)).toBeUndefined();
    expect(tracker.observe(c, vector(0), 10_000)).toMatchObject({ trueSince: 5_000 });
  });

  test('for: 0s triggers on the first true evaluation', () => {
    expect(new StopConditionTracker().observe(condition(0), scalar(1), 42)).toMatchObject({ trueSince: 42 });
  });

  test('keeps each condition apart', () => {
    const tracker = new StopConditionTracker();
    const other = { ...condition(1), name: 'other' };
    tracker.observe(condition(1), vector(0), 0);
    expect(tracker.observe(other, vector(0), 1_000)).toBeUndefined();
    expect(tracker.observe(condition(1), vector(0), 1_000)).toBeDefined();
  });

  test('keeps a few series of a large result', () => {
    const trigger = new StopConditionTracker().observe(condition(0), vector(...Array.from({ length: 20 }, () => 0)), 0);
    expect(trigger?.samples).toHaveLength(5);
  });
});

describe('watchStopConditions', () => {
  test('a failed evaluation neither starts nor resets the count, and is reported once per streak', async () => {
    let clock = 0;
    const answers: Array<InstantResult | Error> = [vector(0), new Error('down'), new Error('down'), vector(0), vector(0)];
    const errors: string[] = [];
    const trigger = await new Promise<ReturnType<StopConditionTracker['observe']>>((resolve) => {
      watchStopConditions({
        conditions: [condition(3)],
        query: async () => {
          clock += 1000;
          const answer = answers.shift() ?? vector();
          if (answer instanceof Error) throw answer;
          return answer;
        },
        intervalSeconds: 0.001,
        now: () => new Date(clock),
        onTrigger: resolve,
        onError: (_, error) => errors.push(String(error)),
      });
    });
    // true at 1s, failures at 2s and 3s, true at 4s: 3s since the first true evaluation.
    expect(trigger).toMatchObject({ trueSince: 1000 });
    expect(errors).toEqual(['Error: down']);
  });

  test('stops evaluating when stopped', async () => {
    let evaluations = 0;
    const watch = watchStopConditions({
      conditions: [condition(0)],
      query: async () => {
        evaluations++;
        return vector();
      },
      intervalSeconds: 60,
      now: () => new Date(),
      onTrigger: () => {
        throw new Error('must not trigger');
      },
      onError: () => {},
    });
    await watch.stop();
    expect(evaluations).toBe(1);
  });

  test('describes what triggered, with the series', () => {
    const text = describeTrigger({ condition: condition(5), trueSince: 0, samples: [{ labels: { queue: 'writes' }, value: 0 }] }, 5_200);
    expect(text).toBe('stop condition queue-down (demo_queue_connected == 0) was true for 5.2s: {queue="writes"} 0');
  });
});
