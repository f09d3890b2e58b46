// A burst whose k6 died without its summary: the journal gets what it pushed to Prometheus until
// then (burst-salvage.ts), marked as such; a burst that ended normally keeps its own summary.

import { describe, expect, it } from 'vitest';
import type { LoadEnded, LoadResult } from '../journal/events.ts';
import { burstSpec } from './testing/burst-spec.ts';
import { fakeLoadsContext } from './testing/fake-run.ts';
import { Loads, type Salvage } from './loads.ts';
import type { LoadFinish, LoadRunner } from './ports.ts';

const salvaged: LoadResult = {
  requestedRate: 200,
  durationSeconds: 30,
  iterations: 640,
  achievedRate: 160,
  droppedIterations: 0,
  httpReqs: 640,
  httpReqFailedRate: 0,
  httpReqDurationP95Ms: null,
  source: 'prometheus',
};

async function burstEnded(finish: LoadFinish, salvage: Salvage): Promise<{ ended: LoadEnded; asked: unknown[] }> {
  const events: Array<{ kind: string }> = [];
  const run = fakeLoadsContext((event) => events.push(event));
  const runner: LoadRunner = {
    startTrace: async () => {
      throw new Error('no trace here');
    },
    startBurst: async () => ({ pid: 7, vus: 10, finished: Promise.resolve(finish), stop: async () => finish }),
  };
  const asked: unknown[] = [];
  await new Loads(run, runner, async (span) => {
    asked.push(span);
    return salvage(span);
  }).runBurst(burstSpec('peak', 200, 30));
  const ended = events.find((event): event is LoadEnded => event.kind === 'load.ended');
  if (!ended) throw new Error('no load.ended');
  return { ended, asked };
}

describe('a burst whose k6 died', () => {
  it('gets the figures it pushed to Prometheus, and says where they come from', async () => {
    const { ended, asked } = await burstEnded(
      { exitCode: null, signal: 'SIGKILL', error: 'k6 burst "peak" was killed by SIGKILL' },
      async () => salvaged,
    );
    expect(asked).toEqual([expect.objectContaining({ burst: 'peak', requestedRate: 200, durationSeconds: 30 })]);
    expect(ended.result).toEqual(salvaged);
    expect(ended.error).toBe(
      'k6 burst "peak" was killed by SIGKILL; its figures are what k6 pushed to Prometheus until it ended (no summary)',
    );
  });

  it('keeps its error alone when Prometheus has nothing of it', async () => {
    const { ended } = await burstEnded({ exitCode: null, signal: 'SIGKILL', error: 'killed' }, async () => undefined);
    expect(ended.result).toBeUndefined();
    expect(ended.error).toBe('killed');
  });

  it('a burst with its own summary never asks Prometheus', async () => {
    const own = { ...salvaged, source: undefined, iterations: 6000, achievedRate: 200 };
    delete own.source;
    const { ended, asked } = await burstEnded({ exitCode: 0, signal: null, result: own }, async () => salvaged);
    expect(asked).toEqual([]);
    expect(ended.result).toEqual(own);
  });
});

describe('an abort during a burst', () => {
  it('does not wait for the burst to end: the run goes on to its clean-up, which stops it', async () => {
    const controller = new AbortController();
    const run = fakeLoadsContext(() => {}, controller.signal);
    // A 30-minute burst that ends only when stopped.
    let stop: (finish: LoadFinish) => void = () => {};
    const finished = new Promise<LoadFinish>((resolve) => (stop = resolve));
    const runner: LoadRunner = {
      startTrace: async () => {
        throw new Error('no trace here');
      },
      startBurst: async () => ({ pid: 7, vus: 10, finished, stop: async () => ({ exitCode: 0, signal: null }) }),
    };
    const loads = new Loads(run, runner, async () => undefined);
    const running = loads.runBurst(burstSpec('peak', 2000, 1800));
    setTimeout(() => controller.abort(new Error('SIGTERM')), 20);
    await expect(running).rejects.toThrow('aborted: SIGTERM');
    stop({ exitCode: 0, signal: null });
  });
});
