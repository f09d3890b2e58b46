// A sealed schedule: fault times drawn from ranges with a seed (the same seed, the same schedule),
// and a sealed run whose log and live consumers see no fault until the window ends, then all of it.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { revealSchedule } from '../commands/reveal.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import { drawSchedule } from './draw.ts';
import { runGameDay } from './game-day.ts';
import { fakeLoadRunner } from './testing/fakes.ts';
import { useFakeRun } from './testing/fake-run.ts';

const fake = useFakeRun('sealed');

function plan(window: string, faults: Array<{ name: string; at: string; duration: string }>) {
  return parsePlan(
    `version: 1
name: sealed
window: { duration: ${window}, baselineTimeout: 5s, grace: 0s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${fake.monitoring.url} }
  alertmanager: { url: ${fake.monitoring.url} }
  pollInterval: 100ms
faults:${faults
      .map(
        (fault) => `
  - name: ${fault.name}
    at: ${fault.at}
    duration: ${fault.duration}
    inject: { http: { url: ${fake.target.url}/faults/${fault.name}, body: { on: true } } }
    revert: { http: { url: ${fake.target.url}/faults/${fault.name}, body: { on: false } } }
    expect: [{ alert: FaultAlert, within: 30s }]`,
      )
      .join('')}
`,
    join(fake.dir, 'plan.yaml'),
  );
}

describe('drawSchedule', () => {
  const ranged = () =>
    plan('1h', [
      { name: 'db-primary-lost', at: '{ between: 10m, and: 50m }', duration: '5m' },
      { name: 'cache-broken', at: '{ between: 5m, and: 40m }', duration: '5m' },
      { name: 'fixed', at: '1m', duration: '1m' },
    ]);

  test('the same seed draws the same schedule; another seed another; fixed times stay', () => {
    const a = drawSchedule(ranged(), 42).drawn;
    expect(drawSchedule(ranged(), 42).drawn).toEqual(a);
    expect(drawSchedule(ranged(), 43).drawn).not.toEqual(a);
    expect(a.faults.find((fault) => fault.fault === 'fixed')?.atSeconds).toBe(60);
  });

  test('every drawn time is a whole second inside its range, over many seeds', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 500; seed++) {
      const at = drawSchedule(ranged(), seed).drawn.faults[0]?.atSeconds ?? -1;
      expect(Number.isInteger(at)).toBe(true);
      expect(at).toBeGreaterThanOrEqual(600);
      expect(at).toBeLessThanOrEqual(3000);
      seen.add(at);
    }
    expect(seen.size, 'spread over the range, not stuck').toBeGreaterThan(300);
  });

  test('a range end that would run past the window is a located plan error', () => {
    expect(() => plan('10m', [{ name: 'late', at: '{ between: 1m, and: 9m }', duration: '2m' }])).toThrow(
      /faults\[0\]\.duration: the fault runs until 11m, past the window's end \(10m\)/,
    );
  });
});

test('sealed: no fault name in the log or to the live consumers until the window ends; then all of it, and reveal shows the seed', async () => {
  const logs: string[] = [];
  const live: Array<{ kind: string; windowEnded: boolean }> = [];
  let windowEnded = false;
  const result = await runGameDay(
    plan('2s', [
      { name: 'primary-lost', at: '{ between: 0s, and: 1s }', duration: '500ms' },
      { name: 'cache-broken', at: '200ms', duration: '500ms' },
    ]),
    {
      runsDir: join(fake.dir, 'runs'),
      prometheus: new PrometheusClient({ baseUrl: fake.monitoring.url }),
      alertmanager: new AlertmanagerClient({ baseUrl: fake.monitoring.url }),
      loadRunner: fakeLoadRunner(),
      readyTimeoutSeconds: 5,
      seed: 7,
      sealed: true,
      log: (line) => logs.push(line),
      onEvent: (event: JournalEvent) => {
        if (event.kind === 'window.ended') windowEnded = true;
        live.push({ kind: event.kind, windowEnded });
      },
    },
  );
  expect(result.status).toBe('completed');
  expect(fake.target.state.get('primary-lost')).toBe(false);
  const unsealedAt = logs.findIndex((line) => line.startsWith('the window is over: unsealing the schedule (seed 7)'));
  expect(unsealedAt).toBeGreaterThan(0);
  const before = logs.slice(0, unsealedAt).join('\n');
  expect(before).not.toMatch(/primary-lost|cache-broken/);
  expect(logs.slice(unsealedAt).join('\n')).toMatch(
    /injected primary-lost[\s\S]*reverted cache-broken|injected cache-broken[\s\S]*reverted primary-lost/,
  );
  // Live consumers got no fault event before the window ended, and every one after.
  expect(live.filter((event) => event.kind.startsWith('fault.') && !event.windowEnded)).toEqual([]);
  expect(live.filter((event) => event.kind === 'fault.injected')).toHaveLength(2);

  const events = await readJournal(result.journalFile);
  const drawn = events.find((event) => event.kind === 'schedule.drawn');
  expect(drawn).toMatchObject({ seed: 7, sealed: true });
  const revealed = revealSchedule(events);
  expect(revealed).toMatch(/^run .* of plan sealed: seed 7, sealed\n/);
  expect(revealed).toMatch(/ {2}primary-lost: t\+\d+s \(drawn from 0s–1s\) for 500ms; injecting .* injected .* reverted /);
});
