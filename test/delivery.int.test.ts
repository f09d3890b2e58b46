// Why a page did not go out, against the real Alertmanager (and k6, Prometheus, the demo target;
// ports offset 26000), configured the way production ones are: a route tree with several
// receivers, an inhibit rule, a silence. Five expected alerts, each with its true reason:
//   ReplicasDown        on time, to gameday's webhook
//   ReadsDegraded       inhibited by ReplicasDown (the "service down mutes its symptoms" rule)
//   QueueUnreachable    silenced by a silence created through the API once the fault is in
//   QueueWritesFailing  routed to a chat receiver that does not call gameday
//   CacheErrors         routed to a ticket receiver whose webhook answers 500 for a while
// Then `gameday check` warns about a silence scheduled over an expected alert.

import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { checkPlan, loadPlan, type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import type { ReportExpectation } from '../verifier/report/index.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { waitForEvent } from './journal-watch.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 26000;
const ports = demoPorts(offset);
const runId = 'delivery-it';
const admin = `http://127.0.0.1:${ports.admin}/admin`;

const rules = `
  - name: delivery
    rules:
      - alert: ReadsDegraded
        expr: demo_db_replicas_healthy{job="demo-deps"} == 0
        for: 4s
        labels: { severity: ticket }
      - alert: QueueWritesFailing
        expr: demo_queue_connected{job="demo-deps"} == 0
        for: 2s
        labels: { severity: ticket, team: platform }
`;

function alertmanagerConfig(chatUrl: string, ticketsUrl: string): string {
  return `
route:
  receiver: gameday
  group_by: ['...']
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 12h
  routes:
    - matchers: [alertname="CacheErrors"]
      receiver: tickets
    - matchers: [team="platform"]
      receiver: platform-chat
inhibit_rules:
  - source_matchers: [alertname="ReplicasDown"]
    target_matchers: [alertname="ReadsDegraded"]
receivers:
  - name: gameday
    webhook_configs:
      - url: http://127.0.0.1:${ports.webhook}/hook
        send_resolved: true
  - name: platform-chat
    webhook_configs:
      - url: ${chatUrl}
  - name: tickets
    webhook_configs:
      - url: ${ticketsUrl}
`;
}

const plan = `${shiftedPlanHead({ name: 'delivery', window: '{ duration: 45s, baselineTimeout: 60s, grace: 10s }', ports })}faults:
  - name: replicas-cut
    at: 0s
    duration: 15s
    inject: { http: { url: ${admin}/replicas, body: { reachable: false } } }
    revert: { http: { url: ${admin}/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
      - { alert: ReadsDegraded, within: 12s }
  - name: queue-host-unreachable
    at: 0s
    duration: 15s
    inject: { http: { url: ${admin}/queue, body: { host: "queue.invalid:5672" } } }
    revert: { http: { url: ${admin}/queue, body: { host: "127.0.0.1:${ports.deps}" } } }
    expect:
      - { alert: QueueUnreachable, within: 10s }
      - { alert: QueueWritesFailing, within: 10s }
  - name: cache-broken
    at: 28s
    duration: 12s
    inject: { http: { url: ${admin}/cache, body: { broken: true } } }
    revert: { http: { url: ${admin}/cache, body: { broken: false } } }
    expect:
      - { alert: CacheErrors, within: 10s }
`;

/** A webhook receiver that records what it answered: 500 for `failForMs` after its first call when set, else 200. */
async function receiver(failForMs = 0) {
  const answers: Array<{ at: number; status: number }> = [];
  let first: number | undefined;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const now = Date.now();
      first ??= now;
      const status = now - first < failForMs ? 500 : 200;
      answers.push({ at: now, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function amApi(path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${ports.alertmanager}${path}`, init);
  if (!response.ok) throw new Error(`Alertmanager ${path}: HTTP ${response.status} ${await response.text()}`);
  const text = await response.text();
  return text === '' ? null : (JSON.parse(text) as unknown);
}

async function createSilence(matchers: Record<string, string>, startsAt: Date, endsAt: Date, comment: string): Promise<string> {
  const body = {
    matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    createdBy: 'delivery-test',
    comment,
  };
  const answer = (await amApi('/api/v2/silences', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })) as {
    silenceID: string;
  };
  return answer.silenceID;
}

describe('every reason a page did not go out, from the real Alertmanager', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;
  let chat: Awaited<ReturnType<typeof receiver>>;
  let tickets: Awaited<ReturnType<typeof receiver>>;
  let silenceId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-delivery-'));
    [chat, tickets] = await Promise.all([receiver(), receiver(6000)]);
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'config', 'alertmanager.yml'), alertmanagerConfig(chat.url, tickets.url));
    await appendFile(join(dir, 'config', 'rules.yml'), rules);
    await Promise.all([
      fetch(`${stack.monitoring.alertmanager.url}/-/reload`, { method: 'POST' }),
      fetch(`${stack.monitoring.prometheus.url}/-/reload`, { method: 'POST' }),
    ]);
    await vi.waitUntil(
      async () => {
        const status = (await amApi('/api/v2/status')) as { config: { original: string } };
        const body = (await (await fetch(`${stack.monitoring.prometheus.url}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ name: string }> };
        };
        return status.config.original.includes('ReadsDegraded') && body.data.groups.some((group) => group.name === 'delivery');
      },
      { timeout: 30_000, interval: 200 },
    );
    await writeFile(join(dir, 'plan.yaml'), plan);
    const journal = join(dir, 'runs', runId, 'journal.jsonl');
    const stopWatching = new AbortController();
    // The silence goes in through the API as soon as the queue fault is in place, before its alert can fire.
    const silencing = waitForEvent(journal, (event) => event.kind === 'fault.injected' && event.fault === 'queue-host-unreachable', {
      timeoutMs: 180_000,
      signal: stopWatching.signal,
    }).then(async () => {
      silenceId = await createSilence({ alertname: 'QueueUnreachable' }, new Date(), new Date(Date.now() + 3600_000), 'queue maintenance');
    });
    try {
      outcome = await runPlanFile(join(dir, 'plan.yaml'), { runsDir: join(dir, 'runs'), runId, log: (line) => console.log(line) });
      await silencing;
    } finally {
      stopWatching.abort();
      await silencing.catch(() => undefined);
      await mkdir(join(repoRoot, 'test-artifacts', 'journals'), { recursive: true });
      await copyFile(journal, join(repoRoot, 'test-artifacts', 'journals', 'delivery.journal.jsonl')).catch(() => undefined);
    }
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([chat?.close(), tickets?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectation = (fault: string, alert: string): ReportExpectation => {
    const found = outcome.report.faults.find((f) => f.name === fault)?.expectations.find((e) => e.alert === alert);
    if (!found) throw new Error(`no expectation ${fault}/${alert}`);
    return found;
  };

  it('detects every alert: delivery is judged apart from detection', () => {
    const verdicts = outcome.report.faults.flatMap((fault) => fault.expectations.map((e) => `${fault.name}/${e.alert} ${e.verdict}`));
    expect(verdicts).toEqual([
      'replicas-cut/ReplicasDown detected',
      'replicas-cut/ReadsDegraded detected',
      'queue-host-unreachable/QueueUnreachable detected',
      'queue-host-unreachable/QueueWritesFailing detected',
      'cache-broken/CacheErrors detected',
    ]);
  });

  it('the source of the inhibition is notified on time', () => {
    expect(expectation('replicas-cut', 'ReplicasDown').delivery.status).toBe('on-time');
  });

  it('an inhibited alert names the alert that inhibited it and the inhibit rule', () => {
    const { delivery } = expectation('replicas-cut', 'ReadsDegraded');
    expect(delivery.status).toBe('inhibited');
    expect(delivery.inhibitedBy?.map((alert) => alert.labels?.alertname)).toEqual(['ReplicasDown']);
    expect(delivery.inhibitedBy?.[0]?.rule).toBe('inhibit_rules[0]: alertname="ReplicasDown" mutes alertname="ReadsDegraded"');
    expect(delivery.explanation).toMatch(/Alertmanager .*inhibited it while ReplicasDown\{.*\} fired \(inhibit_rules\[0\]/);
  });

  it('a silenced alert names the silence created during the fault: id, matchers, creator, comment', () => {
    const { delivery } = expectation('queue-host-unreachable', 'QueueUnreachable');
    expect(delivery.status).toBe('silenced');
    expect(delivery.silencedBy).toEqual([
      expect.objectContaining({
        id: silenceId,
        matchers: '{alertname="QueueUnreachable"}',
        createdBy: 'delivery-test',
        comment: 'queue maintenance',
      }),
    ]);
  });

  it("an alert routed to a receiver without gameday's webhook says which receiver Alertmanager chose", () => {
    const { delivery } = expectation('queue-host-unreachable', 'QueueWritesFailing');
    expect(delivery.status).toBe('not-routed-to-gameday');
    expect(delivery.receivers).toEqual(['platform-chat']);
    // It did go out, to the chat receiver: the receiver's own record.
    expect(chat.answers.length).toBeGreaterThan(0);
  });

  it("an alert whose receiver answered 500 is put down to the receiver, by Alertmanager's counters", () => {
    const { delivery } = expectation('cache-broken', 'CacheErrors');
    expect(delivery.status).toBe('receiver-failed');
    expect(delivery.receivers).toEqual(['tickets']);
    const failures = delivery.receiverFailures ?? [];
    expect(failures.map((failure) => failure.integration)).toEqual(['webhook']);
    // Alertmanager's count of failed requests cannot exceed the 500s the receiver itself answered.
    const answered500 = tickets.answers.filter((answer) => answer.status === 500).length;
    expect(failures[0]?.failed).toBeGreaterThan(0);
    expect(failures[0]?.failed).toBeLessThanOrEqual(answered500);
  });

  it('no output says "not notified" when Alertmanager knew the reason', async () => {
    const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(`${outcome.consoleTable}${markdown}`).not.toMatch(/not notified/i);
    expect(outcome.report.faults.flatMap((fault) => fault.expectations).map((e) => e.delivery.status)).not.toContain('not-notified');
    expect(outcome.consoleTable).toMatch(/replicas-cut \/ ReadsDegraded: notification held back: inhibited by ReplicasDown/);
  });

  it('gameday check warns about a silence scheduled over an expected alert', async () => {
    const starts = new Date(Date.now() + 30_000);
    const id = await createSilence({ alertname: 'CacheErrors' }, starts, new Date(starts.getTime() + 3600_000), 'planned cache upgrade');
    try {
      const report = await checkPlan(await loadPlan(join(dir, 'plan.yaml')));
      const warning = report.findings.find((finding) => finding.check === 'silence' && finding.subject === 'CacheErrors');
      expect(warning).toMatchObject({ status: 'warn' });
      expect(warning?.detail).toMatch(
        new RegExp(`^silence ${id} \\{alertname="CacheErrors"\\}, scheduled from .*created by delivery-test \\("planned cache upgrade"\\)`),
      );
    } finally {
      await amApi(`/api/v2/silence/${id}`, { method: 'DELETE' });
    }
  });
});
