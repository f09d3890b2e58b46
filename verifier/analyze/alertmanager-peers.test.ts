// An Alertmanager cluster of three peers on a built journal: the primary has the firing at once,
// the second peer only 15 s later, the third stops answering before the firing and never has it.
// The alert counts as in Alertmanager as soon as any peer has it; the report names which peer had
// it when, and the one that did not answer.

import { describe, expect, it } from 'vitest';
import type { AmAlert } from '../journal/events.ts';
import { toConsoleTable } from '../report/console-table.ts';
import { toMarkdown } from '../report/markdown.ts';
import { toReportJson } from '../report/report-json.ts';
import { reportSchemaErrors } from '../report/report-schema.ts';
import { mergePeerPolls } from './alertmanager-peers.ts';
import { analyzeRun } from './analyze-run.ts';
import type { ExpectationAnalysis } from './model.ts';
import { at, expectAlert, faultSpec, JournalBuilder, testPlan } from './testing/journal-builder.ts';

const A = 'http://127.0.0.1:19093';
const B = 'http://127.0.0.1:19094';
const C = 'http://127.0.0.1:19096';
const primary = { alertname: 'PrimaryDown', instance: 'db-1', severity: 'page' };
const watchdog = { alertname: 'Watchdog', severity: 'none' };

function amAlert(labels: Record<string, string>, startsAt: number): AmAlert {
  return {
    labels,
    annotations: {},
    startsAt: at(startsAt),
    fingerprint: labels.alertname ?? '',
    state: 'active',
    inhibitedBy: [],
    silencedBy: [],
    receivers: ['gameday'],
  };
}

/** A journal where the peers poll every second from -10 to 140; `has(peer, s)` says what each peer holds at s. */
function clusterJournal(options: { webhookAt?: number; cDown?: [number, number] | 'never-back'; bDown?: [number, number] } = {}) {
  const plan = testPlan({
    monitoring: { ...testPlan().monitoring, alertmanager: { url: A, peers: [B, C] } },
    faults: [faultSpec('kill-primary', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('PrimaryDown', 30)] })],
  });
  const j = new JournalBuilder(plan)
    .detectionInputs(-25, [{ alert: 'PrimaryDown', groupWaitSeconds: 1, groupIntervalSeconds: 10 }])
    .windowStarted(0)
    .injected('kill-primary', 60)
    .reverted('kill-primary', 120)
    .alertEpisode({ labels: primary, pending: 65, firing: 75, last: 125 });
  const down = (peer: string, s: number) =>
    (peer === C &&
      options.cDown !== undefined &&
      s >= (options.cDown === 'never-back' ? 70 : options.cDown[0]) &&
      (options.cDown === 'never-back' || s < options.cDown[1])) ||
    (peer === B && options.bDown !== undefined && s >= options.bDown[0] && s < options.bDown[1]);
  for (let s = -10; s <= 140; s++) {
    for (const peer of [A, B, C]) {
      if (down(peer, s)) continue;
      const alerts: AmAlert[] = [];
      // The second peer lost the watchdog for a while (a restart): the first still had it.
      if (!(peer === B && s >= 30 && s < 40)) alerts.push(amAlert(watchdog, -300));
      const firingFrom = peer === A ? 76 : peer === B ? 90 : Infinity;
      if (s >= firingFrom && s <= 126) alerts.push(amAlert(primary, 75));
      j.push({ kind: 'alerts.alertmanager', at: at(s + (peer === A ? 0 : peer === B ? 0.2 : 0.4)), alerts, peer });
    }
  }
  const streak = (peer: string, span: [number, number] | 'never-back') => {
    const [from, to] = span === 'never-back' ? [70, null] : span;
    j.push({
      kind: 'observe.failed',
      at: at(from + 1),
      source: 'alertmanager',
      error: 'connect ECONNREFUSED',
      lastSuccessAt: at(from - 0.6),
      peer,
    });
    if (to !== null)
      j.push({ kind: 'observe.recovered', at: at(to + 0.4), source: 'alertmanager', failedAt: at(from + 1), failedPolls: to - from, peer });
  };
  if (options.cDown !== undefined) streak(C, options.cDown);
  if (options.bDown !== undefined) streak(B, options.bDown);
  if (options.webhookAt !== undefined) j.webhook(options.webhookAt, [{ labels: primary, startsAt: 75 }]);
  return j.reconciled(400).windowEnded(320).runEnded(401).build();
}

function primaryDown(events: ReturnType<typeof clusterJournal>): ExpectationAnalysis {
  return analyzeRun(events).faults[0]?.expectations[0] as ExpectationAnalysis;
}

describe('an Alertmanager cluster', () => {
  it('says which peers had the alert, when, and which did not answer; the alert was in Alertmanager as soon as one had it', () => {
    const events = clusterJournal({ webhookAt: 77, cDown: 'never-back' });
    const analysis = analyzeRun(events);
    const expectation = analysis.faults[0]?.expectations[0] as ExpectationAnalysis;
    expect(expectation.verdict).toBe('detected');
    expect(expectation.delivery.status).toBe('on-time');
    expect(expectation.delivery.peers).toEqual([
      { peer: A, seenAt: at(76), afterFiringSeconds: 1, unreachable: null },
      { peer: B, seenAt: at(90.2), afterFiringSeconds: 15.2, unreachable: null },
      { peer: C, seenAt: null, afterFiringSeconds: null, unreachable: 'did not answer from 02:01:09 on (connect ECONNREFUSED)' },
    ]);
    // One peer down while the others answer is no blindness; the watchdog missing from one peer is none either.
    const blind = analysis.blindIntervals;
    expect(blind.map((interval) => [interval.cause, interval.affectsVerdicts])).toEqual([['alertmanager-unreachable', false]]);
    expect(blind[0]?.detail).toBe(
      `Alertmanager peer ${C} did not answer gameday: connect ECONNREFUSED, never answered again; the other peers answered`,
    );
    expect(analysis.monitoring.alertmanagerPolls).toBe(151 * 2 + 80);
  });

  it('counts the alert as in Alertmanager when only one peer ever had it', () => {
    // The second peer is down from before the firing to after the revert: only the primary has it.
    const expectation = primaryDown(clusterJournal({ bDown: [70, 130] }));
    expect(expectation.delivery.peers?.map((peer) => [peer.peer, peer.afterFiringSeconds])).toEqual([
      [A, 1],
      [B, null],
      [C, null],
    ]);
    // No webhook came: the delivery reasons from the cluster's view, which had the alert at once.
    expect(expectation.delivery.status).toBe('not-notified');
    expect(expectation.delivery.checked?.[0]).toMatch(/^Alertmanager had it in \d+ polls from 02:01:16/);
  });

  it('is blind only when every peer stopped answering', () => {
    const events = clusterJournal({ webhookAt: 77, bDown: [80, 100], cDown: [60, 110] });
    // The primary answers throughout: neither streak blinds the run.
    expect(analyzeRun(events).blindIntervals.every((interval) => !interval.affectsVerdicts)).toBe(true);
  });

  it('merges the peers into one view: an alert one peer holds is in it, a peer that stops answering drops out', () => {
    const merged = mergePeerPolls(
      [
        { kind: 'alerts.alertmanager', at: at(1), alerts: [amAlert(primary, 0)], peer: A },
        { kind: 'alerts.alertmanager', at: at(1.5), alerts: [], peer: B },
        { kind: 'alerts.alertmanager', at: at(2), alerts: [amAlert(primary, 0), amAlert(watchdog, -300)], peer: B },
      ],
      [{ kind: 'observe.failed', at: at(3), source: 'alertmanager', error: 'timeout', peer: B }],
    );
    expect(merged.map((poll) => [poll.at, poll.alerts.map((alert) => alert.labels.alertname)])).toEqual([
      [at(1), ['PrimaryDown']],
      [at(1.5), ['PrimaryDown']],
      [at(2), ['PrimaryDown', 'Watchdog']],
      [at(3), ['PrimaryDown']],
    ]);
  });

  it('puts the peers in report.json (valid against its schema), report.md and the console', () => {
    const report = toReportJson(analyzeRun(clusterJournal({ webhookAt: 77, cDown: 'never-back' })));
    expect(reportSchemaErrors(report)).toEqual([]);
    const sentence =
      `Alertmanager peers that had it: ${A} 1 s after firing, ${B} 15.2 s after firing; ` +
      `never on ${C} (it did not answer from 02:01:09 on (connect ECONNREFUSED))`;
    expect(toConsoleTable(report)).toContain(`kill-primary / PrimaryDown: ${sentence}`);
    const markdown = toMarkdown(report, { reportDir: '/runs/r', planDir: '/repo', docsDir: '/repo/docs' });
    expect(markdown).toContain('**Alertmanager peers** (an alert counts as in Alertmanager as soon as any peer has it):');
    expect(markdown).toContain(`- kill-primary / PrimaryDown: ${sentence}.`);
  });

  it('says nothing of peers for a single Alertmanager', () => {
    const plan = testPlan({
      faults: [faultSpec('kill-primary', { atSeconds: 60, durationSeconds: 60, expect: [expectAlert('PrimaryDown', 30)] })],
    });
    const events = new JournalBuilder(plan)
      .windowStarted(0)
      .injected('kill-primary', 60)
      .reverted('kill-primary', 120)
      .alertEpisode({ labels: primary, pending: 65, firing: 75, last: 125 })
      .alertmanagerPoll(76, [{ labels: primary, startsAt: 75 }])
      .webhook(77, [{ labels: primary, startsAt: 75 }])
      .reconciled(400)
      .windowEnded(320)
      .runEnded(401)
      .build();
    expect(primaryDown(events).delivery).not.toHaveProperty('peers');
  });
});
