// Journeys from plan to k6: the loaded form (to-journeys.ts) is what traces/journeys.ts reads,
// and the step logic it runs (traces/lib/journey.ts) is pure, so it is tested here in node.

import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type Journey, evaluateStep, jsonField, renderBody, roundRobin, substitute } from '../../traces/lib/journey.ts';
import { type BurstRequest as WireRequest, prepareRequests, weightedPicker } from '../../loadtests/lib/requests.ts';
import { loadPlan } from './load.ts';
import { statusRanges } from './to-journeys.ts';
import type { BurstRequest, JourneySpec } from './types.ts';

// The plan's loaded types are what the k6 side reads from JSON: a change to one that the other
// cannot read stops this file from compiling.
const journeyFits: (journey: JourneySpec) => Journey = (journey) => journey;
const requestFits: (request: BurstRequest) => WireRequest = (request) => request;

const vars = { runId: 'run-1', iteration: '7', unique: 'run-1-2-7-1700000000000' };

describe('placeholders', () => {
  test('substitute fills built-ins and captures, and refuses an unknown name', () => {
    expect(substitute('/items/{{unique}}?i={{ iteration }}', vars)).toBe('/items/run-1-2-7-1700000000000?i=7');
    expect(substitute('/orders/{{orderId}}', { ...vars, orderId: '42' })).toBe('/orders/42');
    expect(() => substitute('/x/{{nope}}', vars)).toThrow(/unknown placeholder \{\{nope\}\}/);
  });

  test('a JSON body is substituted string by string; a string body as text', () => {
    expect(renderBody({ value: '{{unique}}', tags: ['{{runId}}', 3], n: 1 }, vars)).toEqual({
      text: '{"value":"run-1-2-7-1700000000000","tags":["run-1",3],"n":1}',
      json: true,
    });
    expect(renderBody('id={{iteration}}', vars)).toEqual({ text: 'id=7', json: false });
    expect(renderBody(undefined, vars)).toBeUndefined();
  });

  test('jsonField follows dotted paths through objects and lists', () => {
    const document = { order: { id: 9, lines: [{ sku: 'a' }] } };
    expect(jsonField(document, 'order.id')).toBe(9);
    expect(jsonField(document, 'order.lines.0.sku')).toBe('a');
    expect(jsonField(document, 'order.missing.deeper')).toBeUndefined();
  });
});

describe('a step against a response', () => {
  const step = {
    expect: { status: [[200, 201]] as Array<[number, number]>, json: { value: '{{unique}}' }, maxDurationMs: 500 },
    capture: { orderId: 'id' },
  };

  test('passes and captures when every expectation holds', () => {
    const body = JSON.stringify({ id: 42, value: vars.unique });
    expect(evaluateStep(step, { status: 201, body, durationMs: 12 }, vars)).toEqual({
      ok: true,
      failures: [],
      captured: { orderId: '42' },
    });
  });

  test('names each failed expectation and captures nothing', () => {
    const outcome = evaluateStep(step, { status: 503, body: '{"value":"stale"}', durationMs: 1500 }, vars);
    expect(outcome.ok).toBe(false);
    expect(outcome.captured).toEqual({});
    expect(outcome.failures).toEqual([
      'status 503, expected 200-201',
      'took 1500 ms, more than 500 ms',
      'JSON field value is "stale", expected "run-1-2-7-1700000000000"',
      'no value to capture as orderId at JSON field id',
    ]);
  });

  test('contains is substituted before it is looked for; a non-JSON body has no fields', () => {
    const contains = { expect: { status: [[200, 299]] as Array<[number, number]>, contains: 'hello {{runId}}' }, capture: {} };
    expect(evaluateStep(contains, { status: 200, body: 'say hello run-1', durationMs: 1 }, vars).ok).toBe(true);
    expect(evaluateStep(contains, { status: 200, body: null, durationMs: 1 }, vars).failures).toEqual([
      'body does not contain "hello run-1"',
    ]);
  });
});

describe('sharing and picking', () => {
  test('journeys without a rate take turns by iteration', () => {
    expect([0, 1, 2, 3, 4].map((i) => roundRobin(['a', 'b'], i))).toEqual(['a', 'b', 'a', 'b', 'a']);
  });

  test('burst requests are picked in proportion to their weights', () => {
    const pick = weightedPicker(['search', 'health'], [3, 1]);
    const picks = Array.from({ length: 100 }, (_, i) => pick(i / 100));
    expect(picks.filter((p) => p === 'search')).toHaveLength(75);
    expect(pick(0.9999)).toBe('health');
    expect(prepareRequests('http://h:1/', [{ method: 'POST', path: '/s', body: { q: 1 }, weight: 1 }])).toEqual([
      { method: 'POST', url: 'http://h:1/s', body: '{"q":1}', json: true },
    ]);
  });
});

describe('loading', () => {
  test('statuses become ranges', () => {
    expect(statusRanges(undefined)).toEqual([[200, 299]]);
    expect(statusRanges(201)).toEqual([[201, 201]]);
    expect(statusRanges([200, 404])).toEqual([
      [200, 200],
      [404, 404],
    ]);
    expect(statusRanges('500-599')).toEqual([[500, 599]]);
  });

  test('the full fixture loads journeys with defaults and burst requests with weights', async () => {
    const plan = await loadPlan(fileURLToPath(new URL('./fixtures/valid/full.yaml', import.meta.url)), { fileExists: () => true });
    const [checkout] = plan.trace.journeys ?? [];
    expect(checkout).toMatchObject({ name: 'checkout', rate: 0.5, critical: true });
    expect(checkout?.steps[0]?.expect).toEqual({
      status: [
        [200, 200],
        [201, 201],
      ],
      contains: '{{unique}}',
      json: { sku: '{{unique}}' },
      maxDurationMs: 500,
    });
    expect(checkout?.steps[1]).toEqual({
      method: 'GET',
      path: '/orders/{{orderId}}',
      headers: {},
      expect: { status: [[200, 299]] },
      capture: {},
    });
    expect(journeyFits(checkout as JourneySpec).name).toBe('checkout');
    expect(plan.bursts[0]?.requests?.map(requestFits)).toEqual([
      { method: 'POST', path: '/search', body: { q: 'shoes' }, weight: 3 },
      { method: 'GET', path: '/health', weight: 1 },
    ]);
  });

  test('a plan with journeys and no script runs traces/journeys.ts', async () => {
    const plan = await loadPlan(fileURLToPath(new URL('../../examples/demo/plan.yaml', import.meta.url)));
    expect(plan.trace.script).toMatch(/traces\/(trace|journeys)\.ts$/);
    expect(plan.trace.script.endsWith('journeys.ts')).toBe(plan.trace.journeys !== undefined);
  });
});
