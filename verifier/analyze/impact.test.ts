import { describe, expect, it } from 'vitest';
import { faultImpact, type TraceSample, traceTotals } from './impact.ts';

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
