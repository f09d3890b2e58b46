import { describe, expect, it } from 'vitest';
import { detectionTimes, judgeFeasibility } from '../alerting/detection-bounds.ts';
import { feasibilityFinding } from './feasibility.ts';

describe('detectionTimes', () => {
  it('threshold on a scraped series: best is for on the evaluation grid, worst adds a scrape and an evaluation', () => {
    // docs/detection-time.md#stretches, the lab's `up == 0`, for 10s at S = E = 5s: measured 15.19s to firing.
    expect(detectionTimes({ scrapeSeconds: 5, evalSeconds: 5, forSeconds: 10, windowSeconds: 0 })).toEqual({
      forOnGridSeconds: 10,
      bestFiringSeconds: 10,
      worstFiringSeconds: 20,
    });
  });

  it('rounds for up to whole evaluations', () => {
    expect(detectionTimes({ scrapeSeconds: 15, evalSeconds: 60, forSeconds: 90, windowSeconds: 0 })).toMatchObject({
      forOnGridSeconds: 120,
      bestFiringSeconds: 120,
      worstFiringSeconds: 195,
    });
    // (3 × 0.1) / 0.1 is 3.0000000000000004 in floating point: still 3 evaluations, not 4.
    expect(detectionTimes({ scrapeSeconds: 0.1, evalSeconds: 0.1, forSeconds: 3 * 0.1, windowSeconds: 0 }).forOnGridSeconds).toBeCloseTo(
      0.3,
    );
  });

  it('for 0 fires at the evaluation that first sees the condition', () => {
    expect(detectionTimes({ scrapeSeconds: 1, evalSeconds: 1, forSeconds: 0, windowSeconds: 0 })).toEqual({
      forOnGridSeconds: 0,
      bestFiringSeconds: 0,
      worstFiringSeconds: 2,
    });
  });

  it('an absence window starts counting at the last sample before the fault, up to S earlier', () => {
    // The demo's TraceSuccessAbsent: absent_over_time(k6_…[10s]) on 1 s pushes, evaluated every 1 s.
    expect(detectionTimes({ scrapeSeconds: 1, evalSeconds: 1, forSeconds: 0, windowSeconds: 10 })).toEqual({
      forOnGridSeconds: 0,
      bestFiringSeconds: 9,
      worstFiringSeconds: 12,
    });
    // The lab's absent_over_time(ok[20s]) at S = E = 5s fired 20.19 s after the kill: inside [15, 30].
    const lab = detectionTimes({ scrapeSeconds: 5, evalSeconds: 5, forSeconds: 0, windowSeconds: 20 });
    expect(lab.bestFiringSeconds).toBe(15);
    expect(lab.worstFiringSeconds).toBe(30);
  });

  it('a range window on the way to the comparison adds to the worst case, not to the floor', () => {
    // The latency rule: rate(duration_sum[10s]) / rate(duration_count[10s]) > 1, for 20s, S = 1s,
    // E = 2s. It fired 28.5 s after the fault; without the window the worst case said 23 s.
    const times = detectionTimes({ scrapeSeconds: 1, evalSeconds: 2, forSeconds: 20, windowSeconds: 0, rangeWindowSeconds: 10 });
    expect(times).toEqual({ forOnGridSeconds: 20, bestFiringSeconds: 20, worstFiringSeconds: 33 });
    expect(judgeFeasibility(28.5, times)).toBe('best-case-only');
  });

  it('a window shorter than the scrape interval adds nothing to the best case', () => {
    expect(detectionTimes({ scrapeSeconds: 30, evalSeconds: 15, forSeconds: 0, windowSeconds: 20 }).bestFiringSeconds).toBe(0);
  });
});

describe('judgeFeasibility', () => {
  const times = { forOnGridSeconds: 10, bestFiringSeconds: 10, worstFiringSeconds: 20 };
  it.each([
    [9.999, 'cannot-be-met'],
    [10, 'best-case-only'],
    [19, 'best-case-only'],
    [20, 'met'],
    [300, 'met'],
  ] as const)('within %ss is %s', (within, verdict) => {
    expect(judgeFeasibility(within, times)).toBe(verdict);
  });
});

describe('feasibilityFinding', () => {
  const context = {
    subject: 'kill-api → ApiInstancesDown',
    inputs: { scrapeSeconds: 5, evalSeconds: 5, forSeconds: 10, windowSeconds: 20 },
    scrapeSource: 'job "api"',
    groupWait: { seconds: 1, route: 'receiver "hook" at route' },
  };

  it('fails below the floor and says what the floor is made of', () => {
    const finding = feasibilityFinding({ ...context, withinSeconds: 20 });
    expect(finding.status).toBe('fail');
    expect(finding.detail).toBe(
      'within 20s cannot be met: the floor is 25s: for 10s → 2 × eval 5s = 10s + window 20s − scrape 5s = 15s; ' +
        'firing 25s–40s, notified 26s–41s; scrape 5s (job "api"), eval 5s, for 10s, window 20s, group_wait 1s (receiver "hook" at route)',
    );
    expect(finding.hint).toContain('raise within to at least 40s');
  });

  it('warns when only the best case meets the target', () => {
    const finding = feasibilityFinding({ ...context, withinSeconds: 30 });
    expect(finding.status).toBe('warn');
    expect(finding.detail).toMatch(/^within 30s is met only in the best case: firing 25s–40s, notified 26s–41s;/);
    expect(finding.hint).toBe('raise within to 40s to cover the worst case');
  });

  it('is ok when the worst case fits, and still shows the figures', () => {
    const finding = feasibilityFinding({ ...context, withinSeconds: 40 });
    expect(finding).toMatchObject({ status: 'ok', check: 'feasibility', subject: 'kill-api → ApiInstancesDown' });
    expect(finding.detail).toMatch(/^within 40s covers the worst case: firing 25s–40s, notified 26s–41s;/);
    expect(finding.hint).toBeUndefined();
  });

  it('says why the notification time is unknown', () => {
    const finding = feasibilityFinding({ ...context, withinSeconds: 40, groupWait: { unknown: 'Alertmanager at http://x is not ready' } });
    expect(finding.detail).toContain('notified: unknown (Alertmanager at http://x is not ready)');
  });

  it('names each range window in the worst case, and the advice covers it', () => {
    const finding = feasibilityFinding({
      ...context,
      withinSeconds: 23,
      inputs: { scrapeSeconds: 1, evalSeconds: 2, forSeconds: 20, windowSeconds: 0, rangeWindowSeconds: 10 },
      scrapeSource: 'job "api"',
      rangeWindows: [{ seconds: 10, what: 'window 10s of rate(duration_sum[10s])' }],
    });
    expect(finding.status).toBe('warn');
    expect(finding.detail).toBe(
      'within 23s is met only in the best case: firing 20s–33s, notified 21s–34s; ' +
        'scrape 1s (job "api"), eval 2s, for 20s, window 10s of rate(duration_sum[10s]), group_wait 1s (receiver "hook" at route)',
    );
    expect(finding.hint).toBe('raise within to 33s to cover the worst case');
  });

  it('flags absent() over pushed data even when the target is generous', () => {
    const finding = feasibilityFinding({
      ...context,
      withinSeconds: 600,
      inputs: { scrapeSeconds: 1, evalSeconds: 1, forSeconds: 0, windowSeconds: 300 },
      absentOnPushed: true,
    });
    expect(finding.status).toBe('warn');
    expect(finding.detail).toContain('absent() over pushed k6 series waits the 5m lookback');
    expect(finding.hint).toContain('absent_over_time');
  });
});
