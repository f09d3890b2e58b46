import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../verifier/journal/events.ts';
import { type BurstBenchReport, formatReport, judge } from './burst.ts';
import { parseStat } from './proc-stats.ts';

const result = (overrides: Partial<LoadResult> = {}): LoadResult => ({
  requestedRate: 2000,
  durationSeconds: 20,
  iterations: 39749,
  achievedRate: 39749 / 20,
  droppedIterations: 251,
  httpReqs: 39749,
  httpReqFailedRate: 0,
  httpReqDurationP95Ms: 27.18,
  ...overrides,
});

describe('judge', () => {
  it('passes at >= 99 % achieved and < 1 % dropped', () => {
    const verdict = judge(result());
    expect(verdict.pass).toBe(true);
    expect(verdict.achievedPct).toBeCloseTo(99.3725, 10);
    expect(verdict.droppedPct).toBeCloseTo(0.6275, 10);
  });
  it('fails on either criterion', () => {
    expect(judge(result({ achievedRate: 1979.9 })).pass).toBe(false);
    expect(judge(result({ droppedIterations: 400 })).pass).toBe(false);
    expect(judge(result({ achievedRate: 1980, droppedIterations: 399 })).pass).toBe(true);
  });
});

describe('formatReport', () => {
  it('prints every figure and the verdict line', () => {
    const report: BurstBenchReport = {
      k6Version: 'v2.2.0',
      cores: 2,
      targetUrl: 'http://127.0.0.1:35675',
      demoTarget: true,
      warmup: null,
      measured: {
        result: result(),
        vus: 200,
        cpu: {
          cores: 2,
          k6PeakRssBytes: 130 * 2 ** 20,
          samples: [
            { at: 1, k6: 40, target: 50, other: 100, machineBusy: 190 },
            { at: 2, k6: 60, target: 60, other: 10, machineBusy: 130 },
          ],
        },
      },
      runDir: '/runs/bench-x',
    };
    expect(formatReport(report).split('\n')).toEqual([
      'gameday bench: burst at 2000 req/s for 20 s',
      '  k6 v2.2.0, 2 CPUs, target http://127.0.0.1:35675 (demo target, started by the bench)',
      '  requested rate      2000 req/s',
      '  achieved rate       1987.45 req/s (99.37 % of requested; 39749 iterations)',
      '  dropped iterations  251 (0.63 % of 40000 scheduled)',
      '  failed requests     0.00 % of 39749',
      '  p95 latency         27.18 ms',
      '  k6 peak RSS         130 MiB (200 VUs)',
      '  CPU, % of one core  k6 50 mean / 60 peak; target 55 mean / 60 peak; other processes 55 mean / 100 peak; machine 160 mean / 190 peak of 200',
      '  machine saturated   1 of 2 one-second samples (all cores >= 95 % busy)',
      '  results             /runs/bench-x',
      'PASS achieved 99.37 % (need >= 99 %), dropped 0.63 % (need < 1 %)',
    ]);
  });
});

describe('parseStat', () => {
  it('reads ppid and CPU ticks after a command name with spaces and parentheses', () => {
    const stat = '4242 (node (a) b) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 75 3 4 20 0 11 0 97579 0 0';
    expect(parseStat(stat)).toEqual({ ppid: 17, ticks: 325 });
  });
});
