import { describe, expect, it, vi } from 'vitest';
import type { AmAlert, JournalEvent, PromAlert } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import { startPoller } from './poller.ts';
import type { AlertingRule } from './prometheus.ts';

/** Waits until `condition` holds, polling every 5 ms, or fails after `ms`. */
async function until(condition: () => boolean, ms = 3000): Promise<void> {
  await vi.waitUntil(condition, { timeout: ms, interval: 5 });
}

function rule(name: string, health: string, lastError?: string): AlertingRule {
  return {
    name,
    group: 'g',
    file: 'rules.yml',
    query: 'up == 0',
    forSeconds: 0,
    intervalSeconds: 1,
    health,
    ...(lastError ? { lastError } : {}),
    labels: {},
    annotations: {},
    state: 'inactive',
  };
}

function harness(staleAfterSeconds?: number, sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))) {
  const events: EventInput[] = [];
  const state = {
    promDown: false,
    amDown: false,
    amHangs: false,
    release: () => {},
    promCalls: 0,
    amCalls: 0,
    rulesCalls: 0,
    rules: [rule('A', 'ok')] as AlertingRule[],
    promAlerts: [] as PromAlert[],
  };
  let tick = 0;
  const poller = startPoller({
    prometheus: {
      alerts: async () => {
        state.promCalls += 1;
        if (state.promDown) throw new Error('connect ECONNREFUSED 127.0.0.1:19090');
        return state.promAlerts;
      },
      alertingRules: async () => {
        state.rulesCalls += 1;
        return state.rules;
      },
    },
    alertmanager: {
      alerts: async (): Promise<AmAlert[]> => {
        state.amCalls += 1;
        if (state.amHangs) await new Promise<void>((resolve) => (state.release = resolve));
        if (state.amDown) throw new Error('timeout of 5000ms exceeded');
        return [];
      },
    },
    intervalSeconds: 0.01,
    rulesIntervalSeconds: 0.01,
    ...(staleAfterSeconds === undefined ? {} : { staleAfterSeconds }),
    record: (event) => events.push(event),
    log: () => {},
    now: () => new Date(Date.parse('2026-11-23T02:00:00Z') + 10 * tick++),
    sleep,
  });
  const kinds = (kind: JournalEvent['kind']) => events.filter((event) => event.kind === kind);
  return { events, state, poller, kinds };
}

describe('the poller', () => {
  it('journals one observe.failed per streak, after retries, with the last answer before it, and observe.recovered when it ends', async () => {
    const { state, poller, kinds } = harness();
    await until(() => kinds('alerts.prometheus').length === 1);
    state.promDown = true;
    const callsBefore = state.promCalls;
    await until(() => kinds('observe.failed').length === 1);
    // The first failing poll tried three times (two retries) before the streak was journaled.
    expect(state.promCalls - callsBefore).toBeGreaterThanOrEqual(3);
    const callsAtFailure = state.promCalls;
    await until(() => state.promCalls >= callsAtFailure + 3);
    expect(kinds('observe.failed')).toHaveLength(1);
    state.promDown = false;
    await until(() => kinds('observe.recovered').length === 1);
    await poller.stop();

    const [failed] = kinds('observe.failed');
    const [recovered] = kinds('observe.recovered');
    expect(failed).toMatchObject({ source: 'prometheus', error: 'connect ECONNREFUSED 127.0.0.1:19090' });
    expect(failed?.kind === 'observe.failed' && failed.lastSuccessAt).toMatch(/^2026-11-23T02:00:00\.\d{3}Z$/);
    expect(recovered).toMatchObject({ source: 'prometheus', failedAt: failed?.at });
    expect(recovered?.kind === 'observe.recovered' && recovered.failedPolls).toBeGreaterThanOrEqual(3);
  });

  it('keeps polling Prometheus while Alertmanager hangs', async () => {
    const { state, poller, kinds } = harness();
    state.amHangs = true;
    // The first poll may have answered before the hang was switched on; the next one hangs.
    await until(() => state.amCalls >= 2);
    const amCalls = state.amCalls;
    const before = state.promCalls;
    state.promAlerts = [{ labels: { alertname: 'X' }, annotations: {}, state: 'pending', activeAt: '2026-11-23T02:00:00Z' }];
    await until(() => state.promCalls >= before + 5 && kinds('alerts.prometheus').length === 2);
    expect(state.amCalls).toBe(amCalls);
    state.amHangs = false;
    state.release();
    await poller.stop();
  });

  it('counts a server that accepts requests and never answers as unreachable, from its last answer, before any timeout', async () => {
    // A stopped (SIGSTOP) Alertmanager: connections are accepted, nothing comes back until it continues.
    const { state, poller, kinds } = harness(0.1);
    await until(() => state.amCalls >= 1);
    state.amHangs = true;
    await until(() => kinds('observe.failed').length === 1);
    expect(kinds('observe.failed')[0]).toMatchObject({ source: 'alertmanager', error: expect.stringMatching(/^no answer for \d+\.\d s/) });
    expect(kinds('observe.failed')[0]).toHaveProperty('lastSuccessAt');
    state.amHangs = false;
    state.release();
    await until(() => kinds('observe.recovered').length === 1);
    await poller.stop();
    expect(kinds('observe.recovered')[0]).toMatchObject({ source: 'alertmanager' });
  });

  it('journals the rules that fail to evaluate when that set changes, and nothing for a healthy start', async () => {
    const { state, poller, kinds } = harness();
    // A read of the rules starts only once the one before it has been judged: by the third, the
    // first two (both healthy) have had every chance to journal something.
    await until(() => state.rulesCalls >= 3);
    expect(kinds('rules.health')).toEqual([]);
    state.rules = [rule('A', 'err', 'many-to-many matching not allowed')];
    await until(() => kinds('rules.health').length === 1);
    state.rules = [rule('A', 'ok')];
    await until(() => kinds('rules.health').length === 2);
    await poller.stop();
    expect(kinds('rules.health').map((event) => (event.kind === 'rules.health' ? event.unhealthy : null))).toEqual([
      [{ name: 'A', group: 'g', health: 'err', lastError: 'many-to-many matching not allowed' }],
      [],
    ]);
  });

  it('stops at once, even in the middle of a wait that would never end', async () => {
    const pauses: number[] = [];
    const { poller } = harness(undefined, (ms) => {
      pauses.push(ms);
      return new Promise<void>(() => {});
    });
    // All four loops (Prometheus, Alertmanager, silence, rules) have polled once and are waiting.
    await until(() => pauses.length === 4);
    // Only the poller's own wake-up can end the waits: if it did not, this would never resolve.
    await poller.stop();
    expect(pauses).toHaveLength(4);
  });
});
