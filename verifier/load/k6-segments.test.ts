import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../journal/events.ts';
import { mergeBurstResults } from './k6-segments.ts';
import { probeLatency } from './latency.ts';

const result = (overrides: Partial<LoadResult>): LoadResult => ({
  requestedRate: 2000,
  durationSeconds: 10,
  iterations: 10000,
  achievedRate: 1000,
  droppedIterations: 0,
  httpReqs: 10000,
  httpReqFailedRate: 0,
  httpReqDurationP95Ms: 1,
  ...overrides,
});

describe('mergeBurstResults', () => {
  it('adds counts, weights the failed share by requests, keeps the largest p95 as a bound', () => {
    const merged = mergeBurstResults(
      [
        result({ iterations: 9990, droppedIterations: 10, httpReqs: 9990, httpReqFailedRate: 0.1, httpReqDurationP95Ms: 2.5 }),
        result({ iterations: 10000, httpReqs: 10010, httpReqFailedRate: 0, httpReqDurationP95Ms: null }),
      ],
      2000,
      10,
    );
    expect(merged).toEqual({
      requestedRate: 2000,
      durationSeconds: 10,
      iterations: 19990,
      achievedRate: 1999,
      droppedIterations: 10,
      httpReqs: 20000,
      httpReqFailedRate: (0.1 * 9990) / 20000,
      httpReqDurationP95Ms: 2.5,
    });
  });

  it('has no p95 and no failures when no process sent a request', () => {
    const merged = mergeBurstResults([result({ iterations: 0, httpReqs: 0, httpReqDurationP95Ms: null })], 10, 1);
    expect(merged).toMatchObject({ iterations: 0, httpReqFailedRate: 0, httpReqDurationP95Ms: null });
  });
});

describe('probeLatency', () => {
  it('takes the 90th percentile of the reads that answered', async () => {
    let clock = 0;
    const durations = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const probe = await probeLatency({
      url: 'http://target/items/burst-0',
      samples: 10,
      now: () => clock,
      get: async () => {
        clock += durations.shift() as number;
      },
    });
    expect(probe).toEqual({ latencyMs: 9, answered: 10, sent: 10 });
  });

  it('stops at the budget, and counts a target that never answers as at least that slow', async () => {
    let clock = 0;
    const slow = await probeLatency({
      url: 'http://target/',
      budgetMs: 500,
      now: () => clock,
      get: async () => {
        clock += 200;
      },
    });
    expect(slow).toEqual({ latencyMs: 200, answered: 3, sent: 3 });
    const stalled = await probeLatency({
      url: 'http://target/',
      budgetMs: 500,
      now: () => clock,
      get: async (_url, timeoutMs) => {
        clock += timeoutMs;
        throw new Error('timeout');
      },
    });
    expect(stalled).toEqual({ latencyMs: 500, answered: 0, sent: 1 });
  });
});
