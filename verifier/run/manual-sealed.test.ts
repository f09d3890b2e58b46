// A manual fault in a sealed run (stand-ins for Prometheus, Alertmanager and the target): the
// facilitator's console shows the instructions when the step is due, but nothing names the fault
// before the window ends, in the log or to the live consumers (live status, gameday's metrics);
// a mark through marks.jsonl is the injection.

import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { appendMark } from '../journal/marks.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import { runGameDay } from './game-day.ts';
import { fakeLoadRunner } from './testing/fakes.ts';
import { useFakeRun } from './testing/fake-run.ts';

const fake = useFakeRun('manual-sealed');

test('sealed: the instructions are shown when due, the fault named nowhere before the window ends; the mark is the injection', async () => {
  const plan = parsePlan(
    `version: 1
name: sealed-manual
window: { duration: 3s, baselineTimeout: 5s, grace: 0s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${fake.monitoring.url} }
  alertmanager: { url: ${fake.monitoring.url} }
  pollInterval: 100ms
faults:
  - name: hosts-typo
    at: 200ms
    duration: 1s
    inject: { manual: { instructions: point the queue at a nonsense host, timeout: 2s } }
    revert: { http: { url: ${fake.target.url}/faults/hosts-typo, body: { on: false } } }
    expect: [{ alert: FaultAlert, within: 30s }]
`,
    join(fake.dir, 'plan.yaml'),
  );
  const logs: string[] = [];
  const live: Array<{ kind: string; windowEnded: boolean }> = [];
  let windowEnded = false;
  let markedAt = '';
  const runDir = join(fake.dir, 'runs', 'sealed-manual');
  const result = runGameDay(plan, {
    runsDir: join(fake.dir, 'runs'),
    runId: 'sealed-manual',
    prometheus: new PrometheusClient({ baseUrl: fake.monitoring.url }),
    alertmanager: new AlertmanagerClient({ baseUrl: fake.monitoring.url }),
    loadRunner: fakeLoadRunner(),
    readyTimeoutSeconds: 5,
    sealed: true,
    log: (line) => logs.push(line),
    onEvent: (event: JournalEvent) => {
      if (event.kind === 'window.ended') windowEnded = true;
      live.push({ kind: event.kind, windowEnded });
    },
  });
  // The facilitator reads the instructions on the console, does the step, and marks it.
  await vi.waitFor(() => expect(logs.join('\n')).toContain('MANUAL FAULT, do it now: point the queue at a nonsense host'), {
    timeout: 10_000,
  });
  markedAt = new Date().toISOString();
  await appendMark(runDir, { fault: 'hosts-typo', mark: 'injected', markedAt, madeAt: markedAt });
  expect((await result).status).toBe('completed');

  const unsealedAt = logs.findIndex((line) => line.startsWith('the window is over: unsealing the schedule'));
  expect(unsealedAt).toBeGreaterThan(0);
  expect(logs.slice(0, unsealedAt).join('\n')).not.toContain('hosts-typo');
  expect(logs.slice(unsealedAt).join('\n')).toMatch(/hosts-typo: awaiting the mark injected[\s\S]*injected hosts-typo: by hand/);
  expect(live.filter((event) => event.kind.startsWith('fault.') && !event.windowEnded)).toEqual([]);
  expect(live.filter((event) => event.kind === 'fault.marked')).toHaveLength(1);

  const events = await readJournal(join(runDir, 'journal.jsonl'));
  expect(events.find((event) => event.kind === 'fault.injected')).toMatchObject({ at: markedAt, startedAt: markedAt });
  expect(fake.target.state.get('hosts-typo')).toBe(false);
});
