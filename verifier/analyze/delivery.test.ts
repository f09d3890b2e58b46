// Why a page did not go out, from what Alertmanager said at the time: on built journals with the
// poller's record of each alert's status, the silences and the notification counters. Each reason
// is named only when Alertmanager's own state shows it; "not sent" says what was checked.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toReportJson } from '../report/report-json.ts';
import { toConsoleTable } from '../report/console-table.ts';
import { toMarkdown } from '../report/markdown.ts';
import { analyzeRun } from './analyze-run.ts';
import type { ExpectationAnalysis } from './model.ts';
import { expectAlert, faultSpec, JournalBuilder, parseJournal, testPlan } from './testing/journal-builder.ts';

// One fault in place 60–120 s expecting PrimaryDown within 30 s; it fires at 75 and stays firing to 125.
const primary = { alertname: 'PrimaryDown', instance: 'db-1', severity: 'page' };
const clusterDown = { alertname: 'ClusterDown', severity: 'critical' };
const receivers = [
  { name: 'gameday', integrations: ['webhook'], callsGameday: true },
  { name: 'pager', integrations: ['webhook'], callsGameday: false },
  { name: 'mail', integrations: ['email'], callsGameday: false },
];
const inhibitRule = {
  path: 'inhibit_rules[0]',
  source: [{ name: 'alertname', operator: '=' as const, value: 'ClusterDown' }],
  target: [{ name: 'severity', operator: '=' as const, value: 'page' }],
  equal: [],
};

function journal(route: { receiver?: string; receiverCallsGameday?: boolean } = {}): JournalBuilder {
  const plan = testPlan({
    faults: [faultSpec('kill-primary', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('PrimaryDown', 30)] })],
  });
  return new JournalBuilder(plan)
    .detectionInputs(-25, [{ alert: 'PrimaryDown', groupWaitSeconds: 1, groupIntervalSeconds: 10, ...route }], {
      inhibitRules: [inhibitRule],
      receivers,
    })
    .notificationCounters(-20, [
      { integration: 'email', notifications: 0, failed: 0, requests: 0, requestsFailed: 0 },
      { integration: 'webhook', notifications: 4, failed: 0, requests: 4, requestsFailed: 0 },
    ])
    .windowStarted(0)
    .injected('kill-primary', 60)
    .reverted('kill-primary', 120)
    .alertEpisode({ labels: primary, pending: 65, firing: 75, last: 125 });
}

function analyze(j: JournalBuilder): { primaryDown: ExpectationAnalysis; events: ReturnType<JournalBuilder['build']> } {
  const events = j.reconciled(400).windowEnded(320).runEnded(401).build();
  const analysis = analyzeRun(events);
  return { primaryDown: analysis.faults[0]?.expectations[0] as ExpectationAnalysis, events };
}

/** Alertmanager's polls of PrimaryDown from `from` to `to`, every second, with this status. */
function polled(
  j: JournalBuilder,
  from: number,
  to: number,
  status: Parameters<JournalBuilder['alertmanagerPoll']>[1][number]['status'],
  others: Parameters<JournalBuilder['alertmanagerPoll']>[1] = [],
) {
  for (let s = from; s <= to; s++)
    j.alertmanagerPoll(s, [{ labels: primary, startsAt: 75, status: { fingerprint: 'f-primary', ...status } }, ...others]);
  return j;
}

const clusterDownSighting = { labels: clusterDown, startsAt: 70, status: { fingerprint: 'f-cluster', receivers: ['gameday'] } };

describe('delivery, from what Alertmanager said', () => {
  it('names the alert that inhibited it, with its labels and the inhibit rule', () => {
    const j = polled(journal(), 75, 100, { state: 'suppressed', inhibitedBy: ['f-cluster'], silencedBy: [], receivers: ['gameday'] }, [
      clusterDownSighting,
    ]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.verdict).toBe('detected');
    expect(primaryDown.delivery.status).toBe('inhibited');
    expect(primaryDown.delivery.inhibitedBy).toEqual([
      { fingerprint: 'f-cluster', labels: clusterDown, rule: 'inhibit_rules[0]: alertname="ClusterDown" mutes severity="page"' },
    ]);
    expect(primaryDown.delivery.explanation).toBe(
      'not sent: Alertmanager inhibited it while ClusterDown{severity="critical"} fired ' +
        '(inhibit_rules[0]: alertname="ClusterDown" mutes severity="page"); ' +
        'polls saw it inhibited from 02:01:15Z to the last that saw it, at 02:01:40Z',
    );
  });

  it('says the notification came once the inhibition ended, and does not call it grouping', () => {
    const j = polled(journal(), 75, 84, { state: 'suppressed', inhibitedBy: ['f-cluster'], silencedBy: [] }, [clusterDownSighting]);
    polled(j, 85, 90, { state: 'active', inhibitedBy: [], silencedBy: [] }).webhook(86, [{ labels: primary, startsAt: 75 }]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery).toMatchObject({ status: 'inhibited', afterFiringSeconds: 11 });
    expect(primaryDown.delivery.explanation).toMatch(
      /held the notification back: inhibited it while ClusterDown.*; polls saw it inhibited from 02:01:15Z to 02:01:25Z\. The webhook came 11 s after firing, once that ended/,
    );
  });

  it('names the silence: id, matchers, creator, comment, start and end', () => {
    const j = journal().silences(70, [
      {
        id: 'b7d1',
        matchers: [
          { name: 'alertname', value: 'PrimaryDown', isRegex: false, isEqual: true },
          { name: 'instance', value: 'db-.*', isRegex: true, isEqual: true },
        ],
        createdBy: 'ana',
        comment: 'db maintenance',
        startsAt: '2026-11-23T02:01:10.000Z',
        endsAt: '2026-11-23T03:00:00.000Z',
      },
    ]);
    const { primaryDown } = analyze(polled(j, 75, 125, { state: 'suppressed', inhibitedBy: [], silencedBy: ['b7d1'] }));
    expect(primaryDown.delivery.status).toBe('silenced');
    expect(primaryDown.delivery.silencedBy).toEqual([
      {
        id: 'b7d1',
        matchers: '{alertname="PrimaryDown", instance=~"db-.*"}',
        createdBy: 'ana',
        comment: 'db maintenance',
        startsAt: '2026-11-23T02:01:10.000Z',
        endsAt: '2026-11-23T03:00:00.000Z',
      },
    ]);
    expect(primaryDown.delivery.explanation).toBe(
      'not sent: Alertmanager silenced it: silence b7d1 {alertname="PrimaryDown", instance=~"db-.*"} ' +
        '(created by ana, "db maintenance"; 02:01:10Z to 03:00:00Z); polls saw it silenced from 02:01:15Z to the last that saw it, at 02:02:05Z',
    );
  });

  it('ignores a silence that came after the notification went out', () => {
    const j = polled(journal(), 75, 76, { state: 'active', inhibitedBy: [], silencedBy: [] }).webhook(76, [
      { labels: primary, startsAt: 75 },
    ]);
    const { primaryDown } = analyze(polled(j, 77, 125, { state: 'suppressed', inhibitedBy: [], silencedBy: ['later'] }));
    expect(primaryDown.delivery.status).toBe('on-time');
  });

  it("says the receiver failed when Alertmanager's counters for its integration rose while it was due", () => {
    const j = polled(journal({ receiver: 'pager', receiverCallsGameday: false }), 75, 125, {
      state: 'active',
      inhibitedBy: [],
      silencedBy: [],
      receivers: ['pager'],
    })
      .notificationCounters(80, [
        { integration: 'email', notifications: 0, failed: 0, requests: 0, requestsFailed: 0 },
        { integration: 'webhook', notifications: 5, failed: 0, requests: 9, requestsFailed: 5 },
      ])
      .notificationCounters(100, [
        { integration: 'email', notifications: 0, failed: 0, requests: 0, requestsFailed: 0 },
        { integration: 'webhook', notifications: 6, failed: 1, requests: 12, requestsFailed: 7 },
      ]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('receiver-failed');
    expect(primaryDown.delivery.receivers).toEqual(['pager']);
    expect(primaryDown.delivery.receiverFailures).toEqual([
      { integration: 'webhook', receiver: null, failed: 7, succeeded: 1, from: '2026-11-23T01:59:40.000Z', to: '2026-11-23T02:01:40.000Z' },
    ]);
    expect(primaryDown.delivery.explanation).toBe(
      'not sent: Alertmanager tried, and webhook notifications failed 7 times between 01:59:40Z and 02:01:40Z, 1 went through ' +
        '(Alertmanager counts per integration, not per receiver)',
    );
  });

  it('counts only the failures of its own receiver when Alertmanager labels counters by receiver', () => {
    const j = polled(journal({ receiver: 'pager', receiverCallsGameday: false }), 75, 125, {
      state: 'active',
      inhibitedBy: [],
      silencedBy: [],
      receivers: ['pager'],
    })
      .notificationCounters(70, [
        { integration: 'webhook', receiver: 'pager', notifications: 0, failed: 0 },
        { integration: 'webhook', receiver: 'gameday', notifications: 3, failed: 0 },
      ])
      .notificationCounters(100, [
        { integration: 'webhook', receiver: 'pager', notifications: 1, failed: 0 },
        { integration: 'webhook', receiver: 'gameday', notifications: 5, failed: 2 },
      ]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('not-routed-to-gameday');
    expect(primaryDown.delivery.explanation).toBe(
      'no webhook came: Alertmanager routed it to receiver "pager", which does not call gameday\'s webhook',
    );
  });

  it("takes Alertmanager's word for the receiver over the route computed at preflight", () => {
    const j = polled(journal(), 75, 125, { state: 'active', inhibitedBy: [], silencedBy: [], receivers: ['mail'] });
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery).toMatchObject({ status: 'not-routed-to-gameday', receivers: ['mail'] });
  });

  it('says a late notification came after failed tries, not that grouping held it', () => {
    const j = polled(journal(), 75, 90, { state: 'active', inhibitedBy: [], silencedBy: [], receivers: ['gameday'] })
      .notificationCounters(82, [{ integration: 'webhook', notifications: 6, failed: 1, requests: 8, requestsFailed: 3 }])
      .webhook(84, [{ labels: primary, startsAt: 75 }]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('receiver-failed');
    expect(primaryDown.delivery.explanation).toMatch(
      /^the webhook came 9 s after firing: Alertmanager's first tries failed \(webhook notifications failed 3 times/,
    );
  });

  it('says "not sent" only when none of these explains it, and what was checked', () => {
    const j = polled(journal(), 75, 125, { state: 'active', inhibitedBy: [], silencedBy: [], receivers: ['gameday'] })
      .silences(70, [{ id: 'other', matchers: [{ name: 'alertname', value: 'Unrelated', isRegex: false, isEqual: true }] }])
      .notificationCounters(110, [
        { integration: 'email', notifications: 0, failed: 0, requests: 0, requestsFailed: 0 },
        { integration: 'webhook', notifications: 4, failed: 0, requests: 4, requestsFailed: 0 },
      ]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('not-notified');
    expect(primaryDown.delivery.checked).toEqual([
      'Alertmanager had it in 51 polls from 02:01:15Z, never inhibited or silenced',
      'no silence matched it',
      'its route route leads to receiver "gameday", which calls gameday\'s webhook',
      'no notification to receiver "gameday" failed (Alertmanager\'s counters)',
      "gameday's webhook received nothing in the whole run",
    ]);
    expect(primaryDown.delivery.explanation).toMatch(/^not sent, and Alertmanager gave no reason: the alert stayed firing for 5\d s/);
  });

  it('reads journals written before the status was recorded as before: no reason invented', () => {
    const j = journal();
    for (let s = 75; s <= 125; s++) j.alertmanagerPoll(s, [{ labels: primary, startsAt: 75 }]);
    const { primaryDown } = analyze(j);
    expect(primaryDown.delivery.status).toBe('not-notified');
    expect(primaryDown.delivery.checked?.[0]).toBe('Alertmanager had it in 51 polls (this journal does not record inhibition or silences)');
  });
});

describe('delivery in the reports', () => {
  it('says who held the notification back, and never "not notified", in the console and the markdown', () => {
    const j = polled(journal(), 75, 100, { state: 'suppressed', inhibitedBy: ['f-cluster'], silencedBy: [], receivers: ['gameday'] }, [
      clusterDownSighting,
    ]);
    const { events } = analyze(j);
    const report = toReportJson(analyzeRun(events));
    const consoleText = toConsoleTable(report);
    expect(consoleText).toContain('kill-primary / PrimaryDown: notification held back: inhibited by ClusterDown{severity="critical"}');
    const markdown = toMarkdown(report, { reportDir: '/runs/r', planDir: '/repo', docsDir: '/repo/docs' });
    expect(markdown).toMatch(/\| kill-primary \| `PrimaryDown` \| .* \| inhibited \| — \|/);
    expect(markdown).toContain(
      '- kill-primary / PrimaryDown: not sent: Alertmanager inhibited it while ClusterDown{severity="critical"} fired',
    );
    expect(`${consoleText}${markdown}`).not.toMatch(/not notified/);
  });
});

describe('delivery in a recorded run against the real Alertmanager (test/delivery.int.test.ts)', () => {
  const events = parseJournal(
    readFileSync(fileURLToPath(new URL('./fixtures/delivery-five-reasons.journal.jsonl', import.meta.url)), 'utf8'),
  );
  const analysis = analyzeRun(events);
  const statuses = analysis.faults.flatMap((fault) => fault.expectations.map((e) => `${fault.name}/${e.alert} ${e.delivery.status}`));

  it('names each reason from what Alertmanager said at the time', () => {
    expect(statuses).toEqual([
      'replicas-cut/ReplicasDown on-time',
      'replicas-cut/ReadsDegraded inhibited',
      'queue-host-unreachable/QueueUnreachable silenced',
      'queue-host-unreachable/QueueWritesFailing not-routed-to-gameday',
      'cache-broken/CacheErrors receiver-failed',
    ]);
  });
});
