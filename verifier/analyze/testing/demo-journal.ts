// A hand-built journal shaped like a demo game day, with one fault for each verdict and the
// situations the report has to show: a burst that exposes a fault, a notification, a pre-existing
// alert, an unexpected alert, a failed injection. Renderer tests snapshot it; it is not a recording.

import type { JournalEvent } from '../../journal/events.ts';
import { expectAlert, faultSpec, JournalBuilder, testPlan } from './journal-builder.ts';

/** Prometheus evaluates on a fixed phase; real evaluation timestamps never fall on whole seconds. */
const phase = 0.418;

const runbooks = {
  primary: { runbook_url: 'examples/demo/runbooks/primary-down.md', summary: 'primary store down' },
  replica: { runbook_url: 'examples/demo/runbooks/replica-lag.md' },
  pool: { runbook_url: 'https://runbooks.example.com/pool-exhausted' },
};

export function demoJournal(): JournalEvent[] {
  const plan = testPlan({
    name: 'demo',
    file: '/repo/examples/demo/plan.yaml',
    window: { durationSeconds: 600, baselineTimeoutSeconds: 60, graceSeconds: 60 },
    bursts: [{ name: 'peak', atSeconds: 480, rate: 2000, durationSeconds: 60, script: 'loadtests/burst.ts' }],
    faults: [
      faultSpec('kill-primary', {
        atSeconds: 60,
        durationSeconds: 120,
        expect: [expectAlert('PrimaryDown', 30, { role: 'primary' })],
      }),
      faultSpec('cut-replica', {
        atSeconds: 240,
        durationSeconds: 60,
        expect: [expectAlert('ReplicaLag', 60)],
      }),
      faultSpec('break-cache', { atSeconds: 360, durationSeconds: 60, expect: [expectAlert('CacheErrors', 30)] }),
      faultSpec('queue-unreachable', {
        atSeconds: 420,
        durationSeconds: 30,
        expect: [expectAlert('QueueUnreachable', 45)],
      }),
      faultSpec('pool-typo', {
        atSeconds: 450,
        durationSeconds: 100,
        exposedBy: 'peak',
        expect: [expectAlert('PoolExhausted', 30)],
      }),
    ],
  });

  const primary = { alertname: 'PrimaryDown', role: 'primary', instance: 'db-1:5432', severity: 'page' };
  const replica = { alertname: 'ReplicaLag', instance: 'db-2:5432', severity: 'page' };
  const latency = { alertname: 'HighLatency', route: '/api/orders', severity: 'ticket' };
  const pool = { alertname: 'PoolExhausted', severity: 'page' };
  const watchdog = { alertname: 'Watchdog', severity: 'none' };
  const external = { cluster: 'demo' };

  const trace = (s: number) => (s >= 62 && s < 183) || (s >= 481 && s < 497);

  return (
    new JournalBuilder(plan, 'demo-20261123T020000Z')
      .push({ kind: 'preflight.passed', at: '2026-11-23T01:59:40.000Z', alertmanagers: ['http://127.0.0.1:19093'], rules: [] })
      .windowStarted(0)
      .prometheusPoll(0.5, [{ labels: watchdog, activeAt: -200 + phase, state: 'firing' }])
      // kill-primary: detected, notified; Alertmanager agrees with ALERTS.
      .injected('kill-primary', 60.2)
      .prometheusPoll(66, [
        { labels: watchdog, activeAt: -200 + phase, state: 'firing' },
        { labels: primary, activeAt: 65 + phase, state: 'pending', annotations: runbooks.primary },
      ])
      .prometheusPoll(76, [
        { labels: watchdog, activeAt: -200 + phase, state: 'firing' },
        { labels: primary, activeAt: 65 + phase, state: 'firing', annotations: runbooks.primary },
      ])
      .alertmanagerPoll(76, [{ labels: { ...primary, ...external }, startsAt: 75 + phase, annotations: runbooks.primary }])
      .webhook(76.6, [{ labels: { ...primary, ...external }, startsAt: 75 + phase, annotations: runbooks.primary }])
      .reverted('kill-primary', 180.1)
      .alertEpisode({ labels: primary, pending: 65 + phase, firing: 75 + phase, last: 185 + phase })
      // cut-replica: the alert fires 75 s after the injection, past its 60 s target.
      .injected('cut-replica', 240.3)
      .alertEpisode({ labels: replica, pending: 300 + phase, firing: 315 + phase, last: 330 + phase })
      .reverted('cut-replica', 300.2)
      .prometheusPoll(316, [
        { labels: watchdog, activeAt: -200 + phase, state: 'firing' },
        { labels: replica, activeAt: 300 + phase, state: 'firing', annotations: runbooks.replica },
      ])
      // break-cache: nothing fires, but request latency does.
      .injected('break-cache', 360.1)
      .alertEpisode({ labels: latency, pending: 370 + phase, firing: 380 + phase, last: 400 + phase })
      .reverted('break-cache', 420.2)
      // queue-unreachable: the injector could not reach the queue host.
      .injecting('queue-unreachable', 420.3)
      .injectFailed('queue-unreachable', 421.5, 'iptables: exit code 4: permission denied')
      // pool-typo: harmless at 1 req/s, exposed by the burst; for: 0.
      .injected('pool-typo', 450.2)
      .burst('peak', 480, 60, null)
      .alertEpisode({ labels: pool, firing: 485 + phase, last: 500 + phase })
      .alertmanagerPoll(486, [{ labels: { ...pool, ...external }, startsAt: 485 + phase, annotations: runbooks.pool }])
      .webhook(486.5, [{ labels: { ...pool, ...external }, startsAt: 485 + phase, annotations: runbooks.pool }])
      .burstEnded('peak', 541, {
        achievedRate: 1987.4,
        iterations: 119_244,
        droppedIterations: 756,
        httpReqDurationP95Ms: 212.7,
      })
      .reverted('pool-typo', 550.1)
      .alertEpisode({ labels: watchdog, firing: -30 + phase, last: 655 + phase })
      .windowEnded(600)
      .trace(-20, 660, trace)
      .reconciled(661, -30)
      .runEnded(662)
      .build()
  );
}
