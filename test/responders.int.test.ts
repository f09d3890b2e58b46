// A `revert: responders` fault in a real game day (the real k6, Prometheus, Alertmanager and demo
// target; ports offset 6000): the write queue's host is made unreachable, so the trace's writes
// fail; the test acts as the responder: once the page (QueueUnreachable) fires it points the queue
// back at the broker through the demo's admin API and notes the time. gameday reverts nothing: it sees the trace
// succeed again and journals fault.restored, within a second of the responder's own timestamp.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import type { JournalEvent } from '../verifier/journal/events.ts';
import { readJournal } from '../verifier/journal/journal.ts';
import { type ReportOutcome, runPlanFile } from '../verifier/index.ts';
import { waitForEvent } from './journal-watch.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 6000;
const ports = demoPorts(offset);
const queue = `http://127.0.0.1:${ports.admin}/admin/queue`;
const broker = `127.0.0.1:${ports.deps}`;

const plan = `${shiftedPlanHead({ name: 'responders', window: '{ duration: 20s, baselineTimeout: 60s, grace: 2s }', ports })}faults:
  - name: queue-host-unreachable
    at: 5s
    duration: 12s
    maxDuration: 30s
    inject: { http: { url: ${queue}, body: { host: 'queue.invalid:5672' } } }
    revert: responders
    restore:
      consecutive: 3
      fallback: { http: { url: ${queue}, body: { host: '${broker}' } } }
    expect:
      - { alert: QueueUnreachable, within: 10s }
`;

describe('a fault the responders restore, in a real game day', () => {
  let dir: string;
  let stack: DemoStack;
  let outcome: ReportOutcome;
  let events: JournalEvent[];
  const responder: { before?: number; after?: number } = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-responders-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan);
    const journal = join(dir, 'runs', 'responders-run', 'journal.jsonl');
    const ended = new AbortController();
    // The responder: paged, it points the queue back at the broker and notes when.
    const responding = (async () => {
      await waitForEvent(journal, (event) => event.kind === 'fault.injected', { timeoutMs: 120_000, signal: ended.signal });
      await waitForEvent(
        journal,
        (event) =>
          event.kind === 'alerts.prometheus' && event.alerts.some((a) => a.labels.alertname === 'QueueUnreachable' && a.state === 'firing'),
        { timeoutMs: 60_000, signal: ended.signal },
      );
      responder.before = Date.now();
      const response = await fetch(queue, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ host: broker }),
      });
      responder.after = Date.now();
      if (!response.ok) throw new Error(`the responder's restore failed: ${response.status} ${await response.text()}`);
    })();
    outcome = await runPlanFile(join(dir, 'plan.yaml'), {
      runsDir: join(dir, 'runs'),
      runId: 'responders-run',
      log: (line) => console.log(line),
    });
    ended.abort();
    await responding;
    events = await readJournal(join(outcome.runDir, 'journal.jsonl'));
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("journals the restore by the trace within a second of the responder's timestamp", () => {
    const restored = events.filter((event) => event.kind === 'fault.restored');
    expect(restored).toEqual([expect.objectContaining({ fault: 'queue-host-unreachable', source: 'trace', iterations: 3 })]);
    const restoredAt = Date.parse((restored[0] as Extract<JournalEvent, { kind: 'fault.restored' }>).restoredAt);
    console.log(
      `responder restored between ${new Date(responder.before ?? 0).toISOString()} and ${new Date(responder.after ?? 0).toISOString()}; gameday: ${new Date(restoredAt).toISOString()}`,
    );
    expect(restoredAt).toBeGreaterThanOrEqual((responder.before ?? Number.NaN) - 1000);
    expect(restoredAt).toBeLessThanOrEqual((responder.after ?? Number.NaN) + 1000);
  });

  it("gives the team's clock: detected by the alert, restored by the trace within a second of the responder's moment", async () => {
    const fault = outcome.report.faults.find((f) => f.name === 'queue-host-unreachable');
    const clock = fault?.clock;
    expect(clock?.detect?.source).toBe('alert');
    expect(clock?.restore?.source).toBe('trace');
    // The same bounds as the restore itself: the trace's first success after the responder's request
    // (1 req/s), so within a second of [before, after].
    const injectedAt = Date.parse(fault?.injectedAt ?? '');
    const restoreSeconds = clock?.restore?.afterInjectionSeconds ?? Number.NaN;
    expect(restoreSeconds).toBeGreaterThanOrEqual(((responder.before ?? Number.NaN) - injectedAt) / 1000 - 1);
    expect(restoreSeconds).toBeLessThanOrEqual(((responder.after ?? Number.NaN) - injectedAt) / 1000 + 1);
    // Zalando's figure, from the first alert to restoration.
    expect(clock?.restore?.afterFirstAlertSeconds).toBeCloseTo(
      (clock?.restore?.afterInjectionSeconds ?? Number.NaN) - (clock?.detect?.afterInjectionSeconds ?? Number.NaN),
      2,
    );
    const markdown = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    const clockSection = markdown.slice(markdown.indexOf("## The team's clock"), markdown.indexOf('## Recovery and delivery'));
    expect(clockSection).toMatch(/queue-host-unreachable/);
    console.log(clockSection);
  });

  it('reverts nothing itself, and the run ends without a failed revert', () => {
    expect(events.filter((event) => event.kind === 'fault.reverted')).toEqual([]);
    expect(events.filter((event) => event.kind === 'fault.revert-failed')).toEqual([]);
    expect(events.find((event) => event.kind === 'run.ended')).toMatchObject({ status: 'completed' });
    expect(outcome.exitCode).not.toBe(4);
  });
});
