import { describe, expect, it } from 'vitest';
import { neverTrue } from './never-true.ts';
import { type Expr, parsePromQL } from './promql.ts';
import { conditionWindows } from './query-shape.ts';

function parse(query: string): Expr {
  const parsed = parsePromQL(query);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.expr;
}

describe('parsePromQL (the Prometheus grammar, @prometheus-io/lezer-promql)', () => {
  it('reads a ratio of rates compared with a threshold: operator precedence, selectors, matchers, windows', () => {
    const expr = parse('rate(duration_sum{job="api", code=~"5.."}[10s]) / rate(duration_count[1m30s]) > bool 1');
    expect(expr).toMatchObject({
      kind: 'binary',
      op: '>',
      bool: true,
      right: { kind: 'number', value: 1 },
      left: {
        kind: 'binary',
        op: '/',
        left: {
          kind: 'call',
          fn: 'rate',
          args: [
            {
              kind: 'range',
              seconds: 10,
              selector: {
                metric: 'duration_sum',
                matchers: [
                  { name: 'job', operator: '=', value: 'api' },
                  { name: 'code', operator: '=~', value: '5..' },
                ],
              },
            },
          ],
        },
        right: { kind: 'call', args: [{ kind: 'range', seconds: 90 }] },
      },
    });
  });

  it('reads aggregations with their grouping on either side, subqueries, offsets, unary minus and quoted names', () => {
    expect(parse('sum(x) without (a) > 0x10')).toMatchObject({
      left: { kind: 'aggregate', op: 'sum', without: ['a'], by: undefined },
      right: { value: 16 },
    });
    expect(parse('SUM by (job) (up)')).toMatchObject({ kind: 'aggregate', op: 'sum', by: ['job'] });
    expect(parse('max_over_time(rate(x[1m])[5m:30s] offset 2m)')).toMatchObject({
      kind: 'call',
      args: [{ kind: 'offset', seconds: 120, expr: { kind: 'subquery', seconds: 300, stepSeconds: 30 } }],
    });
    expect(parse('-(x)')).toMatchObject({ kind: 'unary', op: '-', expr: { kind: 'selector', metric: 'x' } });
    expect(parse('{__name__="k6_x", "a.b"="c\\"d"}')).toMatchObject({
      kind: 'selector',
      metric: 'k6_x',
      matchers: [{ name: 'a.b', operator: '=', value: 'c"d' }],
    });
  });

  it('locates a syntax error', () => {
    expect(parsePromQL('rate(x[5m')).toEqual({ ok: false, error: 'line 1, column 10: unexpected end of expression' });
    expect(parsePromQL('up ==\n  == 0')).toMatchObject({ ok: false, error: expect.stringMatching(/^line 2, column 3: /) });
    expect(parsePromQL('')).toMatchObject({ ok: false });
  });
});

describe('conditionWindows: the range windows between a fault and the comparison', () => {
  it.each([
    ['rate(duration_sum[10s]) / rate(duration_count[10s]) > 1', 10, ['window 10s of rate(duration_sum[10s])']],
    ['increase(errors_total{job="a"}[30s]) > 5', 30, ['window 30s of increase(errors_total[30s])']],
    ['avg_over_time(queue_depth[20s]) > 3', 20, ['window 20s of avg_over_time(queue_depth[20s])']],
    // Nested windows add up; the longer branch of a binary operation wins.
    ['avg_over_time(rate(x[1m])[5m:30s]) > 3 or rate(y[10m]) > 1', 600, ['window 10m of rate(y[10m])']],
    [
      'max_over_time(rate(x[1m])[5m:30s]) > 3',
      390,
      ['window 5m of max_over_time(…[5m:30s])', 'subquery step 30s', 'window 1m of rate(x[1m])'],
    ],
    ['up == 0', 0, []],
    // absent_over_time's own window is the absence window W, not a range window.
    ['absent_over_time(k6_trace_success_total[10s])', 0, []],
    // Any increase at all: the first post-fault increase, at most one more scrape, not the window.
    ['sum(rate(errors_total[10s])) > 0', 2, ['one more scrape (2s) for rate(errors_total[10s]) > 0']],
  ] as const)('%s', (query, seconds, windows) => {
    const found = conditionWindows(query, 2);
    expect(found.windows.map((window) => window.what)).toEqual(windows);
    expect(found.seconds).toBe(seconds);
  });
});

describe('neverTrue: expressions that can never return a sample', () => {
  it.each([
    ['vector(0) > 1', 'vector(0) > 1 compares constants: 0 > 1 is false'],
    ['sum(vector(1)) >= 2', 'sum(vector(1)) >= 2 compares constants: 1 >= 2 is false'],
    ['1 > 2', '1 > 2 compares two scalars without bool, which Prometheus refuses to load'],
    ['absent(vector(1))', 'absent(vector(1)) is always empty: its argument always returns a sample'],
    ['up{job="a"} == 0 and vector(2) < 1', 'up{job="a"} == 0 and vector(2) < 1: vector(2) < 1 compares constants: 2 < 1 is false'],
    ['vector(1) unless vector(1)', 'vector(1) unless vector(1) removes its only sample: the right side always returns one'],
  ])('%s', (query, reason) => {
    expect(neverTrue(query)).toBe(reason);
  });

  it.each([
    'vector(1)',
    'vector(2) > 1',
    // A bool comparison returns a sample whatever its value, and an alert fires for every sample.
    '1 > bool 2',
    'up == 0',
    'up == 0 or vector(0) > 1',
    'rate(x[1m]) > 0',
    'time() > bool 0',
  ])('%s can return a sample', (query) => {
    expect(neverTrue(query)).toBeUndefined();
  });
});
