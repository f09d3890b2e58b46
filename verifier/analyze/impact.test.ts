import { describe, expect, it } from 'vitest';
import { faultImpact as impactOf, type LatencyContext, type TraceSample, traceTotals } from './impact.ts';
import { baselineLatency, latencyFigures } from './latency.ts';

const noLatency: LatencyContext = { factor: 2, baseline: null, journeyBaselines: new Map() };

/** The failure-only figures, as before latency counted: the trace without latencies. */
function faultImpact(samples: TraceSample[], span: { from: number; to: number }, revertedAt: number | null) {
  return impactOf({ samples, latencies: [] }, new Map(), span, revertedAt, noLatency);
}

/** Latencies one a second from 0, in ms, from a list. */
function timed(durations: number[]): Array<readonly [number, number]> {
  return durations.map((ms, second) => [second * 1000, ms] as const);
}

/** One request a second from 0 to `length - 1`; `pattern` gives each its outcome: '.' ok, 'x' failed. */
function trace(pattern: string): TraceSample[] {
  return [...pattern].map((char, second) => [second * 1000, char === 'x' ? 0 : 1] as const);
}

describe('faultImpact', () => {
  // Injected at 10 s, reverted at 20 s, grace to 25 s.
  const span = { from: 10_000, to: 25_000 };
  const revertedAt = 20_000;

  it.each([
    {
      name: 'fails from 12 to 21, restored at 22',
      pattern: '............xxxxxxxxxx........',
      expected: {
        failedRequests: 10,
        impactStartedAt: 12_000,
        restoredAt: 22_000,
        impactSeconds: 10,
        timeToRestoreSeconds: 2,
      },
    },
    {
      name: 'no failures: no impact',
      pattern: '..............................',
      expected: {
        failedRequests: 0,
        impactStartedAt: null,
        restoredAt: null,
        impactSeconds: 0,
        timeToRestoreSeconds: null,
      },
    },
    {
      name: 'flaps: restoration is after the last failure in the span',
      pattern: '...........x.x..x.......x.....',
      expected: {
        failedRequests: 4,
        impactStartedAt: 11_000,
        restoredAt: 25_000,
        impactSeconds: 14,
        timeToRestoreSeconds: 5,
      },
    },
    {
      name: 'restored before the revert: time to restore is 0, not negative',
      pattern: '...........xxx................',
      expected: {
        failedRequests: 3,
        impactStartedAt: 11_000,
        restoredAt: 14_000,
        impactSeconds: 3,
        timeToRestoreSeconds: 0,
      },
    },
    {
      name: 'never restored: impact runs to the last sample',
      pattern: '..........xxxxxxxxxxxxxxxxxxxx',
      expected: {
        failedRequests: 16,
        impactStartedAt: 10_000,
        restoredAt: null,
        impactSeconds: 19,
        timeToRestoreSeconds: null,
      },
    },
    {
      name: 'restored after the grace still counts as restored',
      pattern: '..........xxxxxxxxxxxxxxxxxx..',
      expected: {
        failedRequests: 16,
        impactStartedAt: 10_000,
        restoredAt: 28_000,
        impactSeconds: 18,
        timeToRestoreSeconds: 8,
      },
    },
    {
      name: 'failures before the injection are not this fault',
      pattern: '.....xxxx.....................',
      expected: {
        failedRequests: 0,
        impactStartedAt: null,
        restoredAt: null,
        impactSeconds: 0,
        timeToRestoreSeconds: null,
      },
    },
  ])('$name', ({ pattern, expected }) => {
    const impact = faultImpact(trace(pattern), span, revertedAt);
    expect(impact).toMatchObject({ ...expected, totalRequests: 16 });
  });

  it('has no time to restore when the fault was never reverted', () => {
    expect(faultImpact(trace('..........xxx.......'), span, null).timeToRestoreSeconds).toBeNull();
  });

  it('has no impact figure when the trace saw nothing', () => {
    expect(faultImpact([], span, revertedAt)).toMatchObject({ totalRequests: 0, impactSeconds: null });
  });
});

describe('latency impact', () => {
  // Injected at 10 s, reverted at 20 s, grace to 25 s; baseline before 10 s.
  const span = { from: 10_000, to: 25_000 };
  const allOk = trace('..............................');
  const fast = Array.from({ length: 10 }, (_, i) => 20 + i); // 20..29 ms: p95 29 ms
  const slowFrom12To19 = [...fast, 25, 30, 1500, 1510, 1490, 1505, 1520, 1500, 1495, 1500, 30, 25, 22, 28, 26, 24, 23, 22, 21, 20];

  function slowImpact(durations: number[], factor = 2) {
    const latencies = timed(durations);
    const baseline = baselineLatency(latencies, span.from);
    return impactOf({ samples: allOk, latencies }, new Map(), span, 20_000, { factor, baseline, journeyBaselines: new Map() });
  }

  it('nearest-rank percentiles over real requests', () => {
    expect(latencyFigures([30, 10, 20, 40])).toEqual({ requests: 4, p50Ms: 20, p95Ms: 40, maxMs: 40 });
    expect(latencyFigures(fast)).toEqual({ requests: 10, p50Ms: 24, p95Ms: 29, maxMs: 29 });
    expect(latencyFigures([])).toBeNull();
  });

  it('a slow-only fault is latency impact from the first slow request to the first fast one after the last', () => {
    const impact = slowImpact(slowFrom12To19);
    expect(impact).toMatchObject({
      failedRequests: 0,
      firstFailureAt: null,
      kind: 'latency',
      impactStartedAt: 12_000,
      restoredAt: 20_000,
      impactSeconds: 8,
      timeToRestoreSeconds: 0,
    });
    expect(impact.latency).toEqual({
      baseline: { requests: 10, p50Ms: 24, p95Ms: 29, maxMs: 29 },
      // 16 requests from 10 to 25 s: 8 at ~1.5 s, 8 fast.
      during: { requests: 16, p50Ms: 30, p95Ms: 1520, maxMs: 1520 },
      factor: 2,
      thresholdMs: 58,
      slow: true,
      slowRequests: 8,
      slowStartedAt: 12_000,
      slowEndedAt: 20_000,
      slowSeconds: 8,
    });
  });

  it('a p95 under factor × baseline is not impact, even with one slow request', () => {
    // 40 requests in a longer span: one spike is not the p95 (with fewer than 20, the p95 is the max).
    const long = { from: 10_000, to: 49_000 };
    const latencies = timed([...fast, 25, 30, 200, ...Array.from({ length: 37 }, () => 25)]);
    const samples = trace('.'.repeat(50));
    const impact = impactOf({ samples, latencies }, new Map(), long, 40_000, {
      factor: 2,
      baseline: baselineLatency(latencies, long.from),
      journeyBaselines: new Map(),
    });
    expect(impact).toMatchObject({ kind: 'none', impactStartedAt: null, impactSeconds: 0 });
    expect(impact.latency).toMatchObject({
      during: { requests: 40, p95Ms: 25, maxMs: 200 },
      slow: false,
      slowRequests: 1,
      slowStartedAt: null,
    });
  });

  it("the factor is the plan's: at 100× the same slowness is not impact", () => {
    expect(slowImpact(slowFrom12To19, 100)).toMatchObject({ kind: 'none', latency: { thresholdMs: 2900, slow: false } });
  });

  it('failures then slowness: impact runs from the first failure to the end of both', () => {
    const samples = trace('...........xx.................');
    const latencies = timed(slowFrom12To19);
    const baseline = baselineLatency(latencies, span.from);
    const impact = impactOf({ samples, latencies }, new Map(), span, 20_000, { factor: 2, baseline, journeyBaselines: new Map() });
    expect(impact).toMatchObject({ kind: 'failures-and-latency', firstFailureAt: 11_000, impactStartedAt: 11_000, restoredAt: 20_000 });
  });

  it('still slow at the end of the record: never restored, impact to the last request', () => {
    const impact = slowImpact([...fast, ...Array.from({ length: 20 }, () => 900)]);
    expect(impact).toMatchObject({
      kind: 'latency',
      impactStartedAt: 10_000,
      restoredAt: null,
      impactSeconds: 19,
      timeToRestoreSeconds: null,
    });
  });

  it("per journey, against each journey's own baseline", () => {
    const checkout = { samples: allOk, latencies: timed(slowFrom12To19) };
    const browse = { samples: allOk, latencies: timed(Array.from({ length: 30 }, () => 300)) };
    const journeys = new Map([
      ['checkout', checkout],
      ['browse', browse],
    ]);
    const all = { samples: [...allOk, ...allOk], latencies: [...checkout.latencies, ...browse.latencies].sort((a, b) => a[0] - b[0]) };
    const impact = impactOf(all, journeys, span, 20_000, {
      factor: 2,
      baseline: baselineLatency(all.latencies, span.from),
      journeyBaselines: new Map([...journeys].map(([name, record]) => [name, baselineLatency(record.latencies, span.from)])),
    });
    expect(impact.journeys.map((journey) => [journey.journey, journey.kind, journey.impactSeconds])).toEqual([
      ['checkout', 'latency', 8],
      ['browse', 'none', 0],
    ]);
  });

  it('no latencies recorded (an older journal): no latency figures, never "fast"', () => {
    expect(faultImpact(allOk, span, 20_000)).toMatchObject({ kind: 'none', latency: null });
  });
});

describe('traceTotals', () => {
  it('counts the window only', () => {
    expect(traceTotals(trace('xx........xx......xx'), { from: 2000, to: 17_000 })).toEqual({
      totalRequests: 16,
      failedRequests: 2,
      successRatio: 0.875,
    });
  });

  it('has no ratio without samples', () => {
    expect(traceTotals([], { from: 0, to: 1 }).successRatio).toBeNull();
  });
});
