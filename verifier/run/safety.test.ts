// The orchestrator's safety nets, against loopback fakes (no k6, Prometheus or demo needed) and
// short real durations: maxDuration reverts a fault whatever else happens, a stop condition aborts
// and reverts everything newest first, an abort never reverts before an injection has settled,
// and credentials reach the monitoring APIs but never the journal, the reports or the console.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { PreflightError } from '../errors.ts';
import { rebuildReports } from '../index.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { monitoringClientOptions } from '../observe/credentials.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import { parsePlan } from '../plan/load.ts';
import type { JournalEvent } from '../journal/events.ts';
import { readJournal } from '../journal/journal.ts';
import { type RunResult, runGameDay } from './game-day.ts';
import { fakeLoadRunner } from './testing/fakes.ts';
import { useFakeRun } from './testing/fake-run.ts';

const fake = useFakeRun('safety');

interface FaultOptions {
  name: string;
  at?: string;
  duration: string;
  maxDuration?: string;
  injectTimeout?: string;
  revertTimeout?: string;
}

function fault({ name, at = '0s', duration, maxDuration, injectTimeout = '5s', revertTimeout = '5s' }: FaultOptions): string {
  return `
  - name: ${name}
    at: ${at}
    duration: ${duration}
${maxDuration ? `    maxDuration: ${maxDuration}\n` : ''}    inject: { http: { url: ${fake.target.url}/faults/${name}, body: { on: true }, timeout: ${injectTimeout} } }
    revert: { http: { url: ${fake.target.url}/faults/${name}, body: { on: false }, timeout: ${revertTimeout} } }
    expect: [{ alert: FaultAlert, within: 30s }]`;
}

function plan(options: { window: string; faults: string[]; extra?: string; monitoringExtra?: string; baselineTimeout?: string }) {
  const text = `
version: 1
name: safety
window: { duration: ${options.window}, baselineTimeout: ${options.baselineTimeout ?? '5s'}, grace: 0s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${fake.monitoring.url} }
  alertmanager: { url: ${fake.monitoring.url} }
  pollInterval: 100ms
${options.monitoringExtra ?? ''}
faults:${options.faults.join('')}
${options.extra ?? ''}`;
  return parsePlan(text, join(fake.dir, 'plan.yaml'));
}

interface Run {
  result: RunResult;
  events: JournalEvent[];
  logs: string[];
}

async function run(
  text: ReturnType<typeof plan>,
  options: {
    signal?: AbortSignal;
    now?: () => Date;
    onEvent?: (event: JournalEvent) => void;
    clients?: ReturnType<typeof monitoringClientOptions>;
  } = {},
): Promise<Run> {
  const logs: string[] = [];
  const clients = options.clients ?? { prometheus: { baseUrl: fake.monitoring.url }, alertmanager: { baseUrl: fake.monitoring.url } };
  const result = await runGameDay(text, {
    runsDir: join(fake.dir, 'runs'),
    prometheus: new PrometheusClient(clients.prometheus),
    alertmanager: new AlertmanagerClient(clients.alertmanager),
    loadRunner: fakeLoadRunner(),
    readyTimeoutSeconds: 5,
    log: (line) => logs.push(line),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  return { result, events: await readJournal(result.journalFile), logs };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  await vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

const ofKind = <K extends JournalEvent['kind']>(events: JournalEvent[], kind: K) =>
  events.filter((event): event is Extract<JournalEvent, { kind: K }> => event.kind === kind);

/** Requests that switched `fault` in the given direction, in arrival order. */
const switches = (fault: string, on: boolean) =>
  fake.target.requests.filter((request) => request.path === `/faults/${fault}` && JSON.parse(request.body).on === on);

describe('maxDuration', () => {
  test('reverts the fault when its scheduled revert hangs', async () => {
    // The scheduled revert (at 300ms) is held unanswered until its 2s timeout; the limit is 800ms.
    fake.target.hold.push({ fault: 'a', on: false });
    const { result, events, logs } = await run(
      plan({ window: '1s', faults: [fault({ name: 'a', duration: '300ms', maxDuration: '800ms', revertTimeout: '2s' })] }),
    );

    expect(result.status).toBe('completed');
    const [injected] = switches('a', true);
    const [scheduled, limit] = switches('a', false);
    expect(injected && scheduled && limit, 'inject, the hanging scheduled revert, the maxDuration revert').toBeTruthy();
    expect(fake.target.state.get('a')).toBe(false);

    const reverted = ofKind(events, 'fault.reverted');
    expect(reverted.map((event) => [event.fault, event.reason])).toEqual([['a', 'max-duration']]);
    const [injecting] = ofKind(events, 'fault.injecting');
    const sinceInjecting = Date.parse(reverted[0]?.startedAt ?? '') - Date.parse(injecting?.at ?? '');
    expect(sinceInjecting, 'not before maxDuration').toBeGreaterThanOrEqual(800);
    expect(ofKind(events, 'fault.revert-failed'), 'the late failure of an outdone revert is not a failed revert').toEqual([]);
    // The order of the log says the limit did not wait for the hanging revert: it took the fault out
    // while that revert was still unanswered, and the hanging one's timeout came after.
    const limitReached = logs.findIndex((line) => /a: maxDuration 0.8s reached; reverting it now/.test(line));
    const limitReverted = logs.findIndex((line) => /reverted a \(max-duration\)/.test(line));
    const hangingTimedOut = logs.findIndex((line) => /a: a scheduled revert failed after another had taken the fault out/.test(line));
    expect(limitReached).toBeGreaterThanOrEqual(0);
    expect(limitReverted).toBeGreaterThan(limitReached);
    expect(hangingTimedOut, 'the hanging revert timed out after the limit had reverted the fault').toBeGreaterThan(limitReverted);
  });

  test("reverts the fault when the run's schedule is stuck (its clock jumped back an hour)", async () => {
    let offset = 0;
    const controller = new AbortController();
    const running = run(plan({ window: '10s', faults: [fault({ name: 'a', duration: '300ms', maxDuration: '600ms' })] }), {
      signal: controller.signal,
      now: () => new Date(Date.now() - offset),
      onEvent: (event) => {
        if (event.kind === 'fault.injected') offset = 3_600_000;
      },
    });
    await waitFor('the fault in place', () => fake.target.state.get('a') === true, 5000);
    // The schedule's clock is an hour behind: only the maxDuration timer can take the fault out.
    await waitFor('the maxDuration revert', () => fake.target.state.get('a') === false, 5000);
    controller.abort(new Error('test over'));
    const { result, events } = await running;

    expect(result.status).toBe('aborted');
    expect(ofKind(events, 'fault.reverted').map((event) => event.reason)).toEqual(['max-duration']);
    expect(switches('a', false), 'no second revert once the fault is out').toHaveLength(1);
  });

  test('does nothing when the scheduled revert came first', async () => {
    const { events } = await run(plan({ window: '1500ms', faults: [fault({ name: 'a', duration: '200ms', maxDuration: '1s' })] }));
    // The run lasted past the limit: a timer left armed would have sent a second revert.
    expect(switches('a', false)).toHaveLength(1);
    expect(ofKind(events, 'fault.reverted').map((event) => event.reason)).toEqual(['scheduled']);
  });
});

describe('stop conditions', () => {
  const queueDown = 'fake_queue_connected == 0';
  const stopConditions = `stopConditions:\n  - { name: queue-down, expr: "${queueDown}", for: 300ms }`;

  test('abort the game day once true for their `for`, reverting every fault newest first', async () => {
    fake.monitoring.answers.set(queueDown, { vector: [] });
    const running = run(
      plan({
        window: '20s',
        faults: [fault({ name: 'a', duration: '15s' }), fault({ name: 'b', at: '100ms', duration: '15s' })],
        extra: stopConditions,
      }),
    );
    await waitFor('both faults in place', () => fake.target.state.get('a') === true && fake.target.state.get('b') === true, 5000);
    const trueFrom = Date.now();
    fake.monitoring.answers.set(queueDown, { vector: [0] });
    const { result, events, logs } = await running;

    expect(result.status).toBe('aborted');
    const [triggered] = ofKind(events, 'stop-condition.triggered');
    const trueSince = Date.parse(triggered?.trueSince ?? '');
    expect(trueSince, 'not seen true before it was').toBeGreaterThanOrEqual(trueFrom);
    expect(Date.parse(triggered?.at ?? '') - trueSince, 'not before `for`').toBeGreaterThanOrEqual(300);
    // Promptly: it ended the run, and the faults, long before their scheduled revert at 15s.
    expect(triggered).toMatchObject({
      name: 'queue-down',
      expr: queueDown,
      forSeconds: 0.3,
      samples: [{ labels: { instance: 'i0' }, value: 0 }],
    });
    expect(ofKind(events, 'fault.reverted').map((event) => [event.fault, event.reason])).toEqual([
      ['b', 'aborted'],
      ['a', 'aborted'],
    ]);
    expect([fake.target.state.get('a'), fake.target.state.get('b')]).toEqual([false, false]);
    expect(
      ofKind(events, 'load.ended').map((event) => event.signal),
      'the trace was stopped',
    ).toEqual(['SIGINT']);
    const [ended] = ofKind(events, 'run.ended');
    expect(ended?.reason).toMatch(/stop condition queue-down \(fake_queue_connected == 0\) was true for/);
    expect(logs.join('\n')).toMatch(/STOP: stop condition queue-down/);

    // An aborted run still says what gameday itself cost, as every run.ended does.
    expect(ended?.gameday?.cpuSeconds).toBeGreaterThan(0);
    expect(ended?.gameday?.peakRssMb).toBeGreaterThan(20);

    const report = await rebuildReports(result.runDir);
    expect(report.report.run).toMatchObject({ status: 'aborted', gameday: ended?.gameday });
    expect(report.report.run.reason).toMatch(/queue-down/);
    const markdown = await readFile(join(result.runDir, 'report.md'), 'utf8');
    expect(markdown).toMatch(/aborted \(aborted: stop condition queue-down/);
    expect(markdown).toContain(`- gameday itself: ${ended?.gameday?.cpuSeconds} CPU s, peak RSS ${ended?.gameday?.peakRssMb} MB`);
  });

  test('a scalar is true when not zero; a true spell shorter than `for` does not stop the game day', async () => {
    const flapping = 'scalar(fake_errors)';
    fake.monitoring.answers.set(flapping, { scalar: 0 });
    const running = run(
      plan({
        window: '1500ms',
        faults: [fault({ name: 'a', duration: '1s' })],
        extra: `stopConditions:\n  - { name: errors, expr: "${flapping}", for: 1s }`,
      }),
    );
    await waitFor('the fault in place', () => fake.target.state.get('a') === true, 5000);
    // The fake answers each request as it arrives, so the requests recorded after each switch are
    // exactly those answered with the new value: the true spell is two evaluations long.
    const evaluationsFrom = (index: number) =>
      fake.monitoring.requests.slice(index).filter((request) => request.query.get('query') === flapping);
    const trueFrom = fake.monitoring.requests.length;
    fake.monitoring.answers.set(flapping, { scalar: 3 });
    await waitFor('two evaluations answered true', () => evaluationsFrom(trueFrom).length >= 2, 5000);
    const falseFrom = fake.monitoring.requests.length;
    fake.monitoring.answers.set(flapping, { scalar: 0 });
    await waitFor('an evaluation answered false again', () => evaluationsFrom(falseFrom).length >= 1, 5000);
    const { result, events } = await running;

    expect(result.status).toBe('completed');
    expect(ofKind(events, 'stop-condition.triggered')).toEqual([]);
    expect(evaluationsFrom(falseFrom).length, 'still evaluated after the true spell').toBeGreaterThanOrEqual(1);
  });

  test('one already true keeps the baseline from being clean: nothing is injected', async () => {
    fake.monitoring.answers.set(queueDown, { vector: [0] });
    const { result, events } = await run(
      plan({ window: '2s', baselineTimeout: '1s', faults: [fault({ name: 'a', duration: '1s' })], extra: stopConditions }),
    );

    expect(result.status).toBe('failed');
    expect(result.error).toBeInstanceOf(PreflightError);
    expect(String((result.error as Error).message)).toMatch(/baseline not clean after 1s: stop condition queue-down true/);
    expect(ofKind(events, 'fault.injecting')).toEqual([]);
    expect(switches('a', true)).toEqual([]);
  });

  test('one Prometheus cannot evaluate fails the preflight: nothing is injected', async () => {
    fake.monitoring.answers.set(queueDown, { error: 'parse error: unexpected end of input' });
    const { result, events } = await run(plan({ window: '2s', faults: [fault({ name: 'a', duration: '1s' })], extra: stopConditions }));

    expect(result.error).toBeInstanceOf(PreflightError);
    expect(String((result.error as Error).message)).toMatch(/stop condition queue-down \(fake_queue_connected == 0\): .*parse error/);
    expect(ofKind(events, 'load.started')).toEqual([]);
    expect(switches('a', true)).toEqual([]);
  });
});

describe('abort', () => {
  test('waits for an injection under way, then reverts every fault newest first', async () => {
    // b's injection takes 600ms; the abort comes while it is under way.
    fake.target.hold.push({ fault: 'b', on: true, ms: 600 });
    const controller = new AbortController();
    const running = run(
      plan({ window: '20s', faults: [fault({ name: 'a', duration: '15s' }), fault({ name: 'b', at: '100ms', duration: '15s' })] }),
      {
        signal: controller.signal,
      },
    );
    await waitFor("b's injection under way", () => switches('b', true).length === 1, 5000);
    controller.abort(new Error('SIGINT received'));
    const { result, events } = await running;

    expect(result.status).toBe('aborted');
    const [bInjected] = ofKind(events, 'fault.injected').filter((event) => event.fault === 'b');
    const [bReverted] = ofKind(events, 'fault.reverted').filter((event) => event.fault === 'b');
    expect(bInjected, 'the injection under way was let finish').toBeDefined();
    expect(Date.parse(bReverted?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(bInjected?.at ?? ''));
    expect(fake.target.state.get('b'), 'not left in place by an injection landing after its revert').toBe(false);
    expect(ofKind(events, 'fault.reverted').map((event) => event.fault)).toEqual(['b', 'a']);
    expect(ofKind(events, 'run.ended')[0]?.reason).toBe('aborted: SIGINT received');
  });
});

describe('credentials', () => {
  const secrets = {
    PROM_TOKEN: 'tok-3f9a1c77e2b04d5e',
    TENANT_ID: 'tenant-8c21d0aa',
    AM_USER: 'am-user-5e71',
    AM_PASSWORD: 'pw-91b7e4c2f0',
  };

  test('reach Prometheus and Alertmanager, and appear nowhere in the journal, the reports or the console', async () => {
    const loaded = plan({
      window: '500ms',
      faults: [fault({ name: 'a', duration: '200ms' })],
      extra: `stopConditions:\n  - { name: never, expr: "vector(0) > 1" }`,
    });
    loaded.monitoring.prometheus = {
      ...loaded.monitoring.prometheus,
      headersFromEnv: { 'X-Scope-OrgID': 'TENANT_ID' },
      auth: { bearerTokenEnv: 'PROM_TOKEN' },
    };
    loaded.monitoring.alertmanager = {
      ...loaded.monitoring.alertmanager,
      auth: { basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } },
    };
    fake.monitoring.answers.set('vector(0) > 1', { vector: [] });
    const { result, logs } = await run(loaded, { clients: monitoringClientOptions(loaded.monitoring, secrets) });
    const report = await rebuildReports(result.runDir);

    const toPrometheus = fake.monitoring.requests.filter((request) => request.path.startsWith('/api/v1/'));
    const toAlertmanager = fake.monitoring.requests.filter((request) => request.path.startsWith('/api/v2/'));
    expect(toPrometheus.length).toBeGreaterThan(0);
    expect(toAlertmanager.length).toBeGreaterThan(0);
    for (const request of toPrometheus) {
      expect(request.headers.authorization).toBe(`Bearer ${secrets.PROM_TOKEN}`);
      expect(request.headers['x-scope-orgid']).toBe(secrets.TENANT_ID);
    }
    const basic = `Basic ${Buffer.from(`${secrets.AM_USER}:${secrets.AM_PASSWORD}`).toString('base64')}`;
    for (const request of toAlertmanager) expect(request.headers.authorization).toBe(basic);

    const journal = await readFile(result.journalFile, 'utf8');
    const written = [
      journal,
      await readFile(join(result.runDir, 'report.json'), 'utf8'),
      await readFile(join(result.runDir, 'report.md'), 'utf8'),
    ];
    const console = [...logs, report.consoleTable].join('\n');
    const forbidden = { ...secrets, 'the basic-auth credentials': basic.replace(/^Basic /, '') };
    for (const [name, value] of Object.entries(forbidden)) {
      for (const text of [...written, console]) expect(text.includes(value), `${name} written out`).toBe(false);
    }
    // The journal keeps the names, so a person can see where the credentials came from.
    expect(journal).toContain('"bearerTokenEnv":"PROM_TOKEN"');
    expect(journal).toContain('"X-Scope-OrgID":"TENANT_ID"');
  });
});
