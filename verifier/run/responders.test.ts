// `revert: responders` in a whole (fake-backed) game day: gameday does not revert on schedule; the
// fault ends when the live trace succeeds again or someone marks it restored; at maxDuration its
// fallback reverts it, and without one the run journals a failed revert and ends in RevertError.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RevertError } from '../errors.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { appendMark } from '../journal/marks.ts';
import type { TraceIteration } from '../load/trace-stream.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import { runGameDay } from './game-day.ts';
import type { LoadRunner } from './ports.ts';
import { fakeLoadRunner } from './testing/fakes.ts';
import { useFakeRun } from './testing/fake-run.ts';

const fake = useFakeRun('responders');

function plan(revert: string, maxDuration = '5s') {
  return parsePlan(
    `
version: 1
name: responders
window: { duration: 1500ms, baselineTimeout: 5s, grace: 0s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${fake.monitoring.url} }
  alertmanager: { url: ${fake.monitoring.url} }
  pollInterval: 100ms
faults:
  - name: broken
    at: 0s
    duration: 300ms
    maxDuration: ${maxDuration}
    inject: { http: { url: ${fake.target.url}/faults/broken, body: { on: true } } }
${revert}
    expect: [{ alert: FaultAlert, within: 30s }]
`,
    join(fake.dir, 'plan.yaml'),
  );
}

/** The fake runner with a live trace the test feeds: `emit` tells every watcher of an iteration. */
function liveTrace(): LoadRunner & { emit: (iteration: TraceIteration) => void } {
  const runner = fakeLoadRunner();
  const listeners = new Set<(iteration: TraceIteration) => void>();
  const empty = { samples: [], latencies: [], journeys: [] };
  return {
    ...runner,
    startTrace: async (spec) => ({
      ...(await runner.startTrace(spec)),
      stream: {
        take: () => empty,
        onIteration: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      },
    }),
    emit: (iteration) => {
      for (const listener of listeners) listener(iteration);
    },
  };
}

async function gameDay(text: ReturnType<typeof plan>, runner: LoadRunner, onEvent?: (event: JournalEvent, runDir: string) => void) {
  let runDir = '';
  const outcome = await runGameDay(text, {
    runsDir: join(fake.dir, 'runs'),
    runId: 'run-1',
    prometheus: new PrometheusClient({ baseUrl: fake.monitoring.url }),
    alertmanager: new AlertmanagerClient({ baseUrl: fake.monitoring.url }),
    loadRunner: runner,
    readyTimeoutSeconds: 5,
    log: () => {},
    onEvent: (event) => {
      if (event.kind === 'run.started') runDir = join(fake.dir, 'runs', event.runId);
      onEvent?.(event, runDir);
    },
  }).catch((error: unknown) => error);
  const events = await readJournal(join(fake.dir, 'runs', 'run-1', 'journal.jsonl'));
  return {
    outcome,
    events,
    of: <K extends JournalEvent['kind']>(kind: K) => events.filter((e): e is Extract<JournalEvent, { kind: K }> => e.kind === kind),
  };
}

const switches = (on: boolean) => fake.target.requests.filter((r) => r.path === '/faults/broken' && JSON.parse(r.body).on === on);

describe('revert: responders', () => {
  test('is restored by the trace: the first of N successful iterations after a failure; nothing reverted', async () => {
    const runner = liveTrace();
    let firstOk = 0;
    const { outcome, of } = await gameDay(plan('    revert: responders\n    restore: { consecutive: 3 }'), runner, (event) => {
      if (event.kind !== 'fault.injected') return;
      setTimeout(() => {
        const now = Date.now();
        runner.emit({ at: now, ok: 0 });
        runner.emit({ at: now + 1, ok: 1 });
        runner.emit({ at: now + 2, ok: 0 }); // the streak starts again after it
        firstOk = now + 3;
        for (const offset of [3, 4, 5]) runner.emit({ at: now + offset, ok: 1 });
      }, 50);
    });
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(of('fault.restored')).toEqual([
      expect.objectContaining({ fault: 'broken', source: 'trace', iterations: 3, restoredAt: new Date(firstOk).toISOString() }),
    ]);
    expect(of('fault.reverted')).toEqual([]);
    expect(of('fault.revert-failed')).toEqual([]);
    expect(switches(false)).toEqual([]);
  });

  test('is restored by a mark, at the time the mark claims', async () => {
    const markedAt = new Date(Date.now() + 200).toISOString();
    const { outcome, of } = await gameDay(plan('    revert: responders'), liveTrace(), (event, runDir) => {
      if (event.kind === 'fault.injected') void appendMark(runDir, { fault: 'broken', mark: 'restored', markedAt, madeAt: markedAt });
    });
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(of('fault.restored')).toEqual([expect.objectContaining({ fault: 'broken', source: 'mark', restoredAt: markedAt })]);
    expect(of('fault.revert-failed')).toEqual([]);
  });

  test('at maxDuration, the fallback reverts it', async () => {
    const text = plan(
      `    revert: responders\n    restore: { fallback: { http: { url: ${fake.target.url}/faults/broken, body: { on: false } } } }`,
      '500ms',
    );
    const { outcome, of } = await gameDay(text, liveTrace());
    expect(outcome).toMatchObject({ status: 'completed' });
    expect(of('fault.reverted')).toEqual([expect.objectContaining({ fault: 'broken', reason: 'max-duration' })]);
    expect(switches(false)).toHaveLength(1);
    expect(of('fault.restored')).toEqual([]);
  });

  test('without a fallback, never restored: one failed revert journaled at maxDuration, and the run ends in RevertError', async () => {
    const { outcome, of } = await gameDay(plan('    revert: responders', '500ms'), liveTrace());
    expect(outcome).toBeInstanceOf(RevertError);
    expect((outcome as RevertError).message).toMatch(/could not revert broken/);
    const [failed, ...more] = of('fault.revert-failed');
    expect(more).toEqual([]);
    expect(failed?.error).toMatch(/^not restored by its maxDuration \(0.5s\), and it has no restore.fallback/);
    expect(of('run.ended')).toEqual([expect.objectContaining({ status: 'completed' })]);
  });
});
