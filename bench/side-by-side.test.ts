import { describe, expect, it } from 'vitest';
import { type Bench, type BurstRow, formatBench, judgeBench, medianRun, ratiosOf } from './side-by-side.ts';

const run = (tool: BurstRow['tool'], askedRate: number, achievedRate: number, cpuSeconds: number, dropped = 0): BurstRow => ({
  askedRate,
  tool,
  achievedRate,
  dropped,
  cpuSeconds,
  cpuSecondsPer1000: (cpuSeconds / (achievedRate * 10)) * 1000,
  peakRssMb: tool === 'gameday' ? 120 : 100,
  failedRate: 0,
  p95Ms: 1,
});

function benchOf(runs: BurstRow[], rates: number[]): Bench {
  const burst = rates.flatMap((rate) =>
    (['bare-k6', 'gameday'] as const).map((tool) => medianRun(runs.filter((r) => r.tool === tool && r.askedRate === rate))),
  );
  return {
    rates,
    durationSeconds: 10,
    burst,
    ratios: ratiosOf(runs.filter((r) => r.askedRate === rates[0])),
    runs,
    segments: null,
    trace: null,
    runDir: '/tmp/bench',
  };
}

describe('judgeBench', () => {
  it('judges the achieved rate from the medians of alternated runs, not from one noisy run', () => {
    // One bad gameday run (7500) and one lucky bare run (7990): the medians are 7860 and 7880.
    const runs = [
      run('bare-k6', 8000, 7880, 11),
      run('gameday', 8000, 7860, 11.5),
      run('bare-k6', 8000, 7990, 12),
      run('gameday', 8000, 7500, 11.2),
      run('bare-k6', 8000, 7870, 11.1),
      run('gameday', 8000, 7870, 11.9),
    ];
    const [achieved] = judgeBench(benchOf(runs, [8000]));
    expect(achieved).toEqual({ label: '8000 req/s: achieved 0.997x bare k6 (need >= 0.98)', pass: true });
  });

  it('fails a rate where gameday holds less than 0.98 of bare k6', () => {
    const runs = [run('bare-k6', 2000, 2000, 5), run('gameday', 2000, 1950, 5)];
    const [achieved] = judgeBench(benchOf(runs, [2000]));
    expect(achieved).toEqual({ label: '2000 req/s: achieved 0.975x bare k6 (need >= 0.98)', pass: false });
  });

  it('skips a rate where bare k6 itself drops more than 1 % in its median run', () => {
    const runs = [
      run('bare-k6', 2000, 2000, 5),
      run('gameday', 2000, 2000, 5),
      run('bare-k6', 12000, 11000, 20, 10_000),
      run('gameday', 12000, 9000, 20, 30_000),
    ];
    const labels = judgeBench(benchOf(runs, [2000, 12000])).map((j) => j.label);
    expect(labels.filter((l) => l.includes('achieved'))).toEqual(['2000 req/s: achieved 1.000x bare k6 (need >= 0.98)']);
  });

  it('judges CPU and RSS at the first rate from the medians of its runs', () => {
    const runs = [
      run('bare-k6', 2000, 2000, 5),
      run('gameday', 2000, 2000, 5.4),
      run('bare-k6', 2000, 2000, 5.2),
      run('gameday', 2000, 2000, 6),
      run('bare-k6', 2000, 2000, 4.9),
      run('gameday', 2000, 2000, 5.3),
    ];
    const judged = judgeBench(benchOf(runs, [2000]));
    expect(judged.slice(1)).toEqual([
      { label: 'CPU 1.08x bare k6 (need <= 1.1)', pass: true },
      { label: 'peak RSS 1.20x bare k6 (need <= 1.5)', pass: true },
    ]);
  });
});

describe('formatBench', () => {
  it('lists every alternated run per rate beside the table of medians', () => {
    const runs = [
      run('bare-k6', 2000, 1999, 5),
      run('gameday', 2000, 1998, 5.4),
      run('bare-k6', 2000, 2000, 5.2),
      run('gameday', 2000, 1997, 6),
    ];
    const text = formatBench(benchOf(runs, [2000]));
    expect(text).toContain(
      "runs at 2000 req/s, alternated (the table shows each one's median): achieved bare k6 1999.0, 2000.0; gameday 1998.0, 1997.0; CPU s bare k6 5.00, 5.20; gameday 5.40, 6.00",
    );
    expect(text).toContain('ratios at 2000 req/s, gameday / bare k6 (medians of achieved, CPU, peak RSS)');
  });
});
