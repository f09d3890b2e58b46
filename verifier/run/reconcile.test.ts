import { describe, expect, it } from 'vitest';
import type { SeriesSamples } from '../journal/events.ts';
import { reconcileRecord, traceLivenessSelector } from './reconcile.ts';

describe('reconcileRecord', () => {
  const from = new Date('2026-11-23T02:00:00.000Z');
  const to = new Date('2026-11-23T02:10:00.000Z');

  it("reads ALERTS, ALERTS_FOR_STATE and the trace's series at Prometheus's now, over the run plus a margin", async () => {
    const queries: Array<{ selector: string; range: number; time: string }> = [];
    const source = {
      rawSamples: async (selector: string, range: number, time: Date): Promise<SeriesSamples[]> => {
        queries.push({ selector, range, time: time.toISOString() });
        if (selector.startsWith('k6_vus'))
          return [
            {
              labels: { role: 'trace' },
              samples: [
                [1795399201.7, 1],
                [1795399200.7, 1],
              ],
            },
          ];
        return [{ labels: { alertname: 'A', alertstate: 'firing' }, samples: [[1795399200.418, 1]] }];
      },
    };
    const events = await reconcileRecord(source, { from, to, runId: 'run-1', offsetMs: 1500 });
    expect(queries).toEqual([
      { selector: 'ALERTS', range: 630, time: '2026-11-23T02:10:01.500Z' },
      { selector: 'ALERTS_FOR_STATE', range: 630, time: '2026-11-23T02:10:01.500Z' },
      { selector: 'k6_vus{testid="run-1",role="trace"}', range: 630, time: '2026-11-23T02:10:01.500Z' },
    ]);
    expect(events.map((event) => event.kind)).toEqual(['alerts.reconciled', 'trace.series']);
    expect(events[0]).toMatchObject({ from: '2026-11-23T01:59:31.500Z', to: '2026-11-23T02:10:01.500Z' });
    expect(events[1]).toMatchObject({
      selector: traceLivenessSelector('run-1'),
      timestamps: [1795399200.7, 1795399201.7],
      to: to.toISOString(),
    });
  });

  it('journals what it could not read as a reconciliation failure, never throws', async () => {
    const events = await reconcileRecord({ rawSamples: async () => Promise.reject(new Error('HTTP 503')) }, { from, to, runId: 'r' });
    expect(events).toEqual([
      { kind: 'observe.failed', source: 'prometheus', phase: 'reconciliation', error: 'reconciliation: HTTP 503' },
      { kind: 'observe.failed', source: 'prometheus', phase: 'reconciliation', error: 'trace series: HTTP 503' },
    ]);
  });
});
