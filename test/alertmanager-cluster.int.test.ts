// An Alertmanager cluster against the real binaries: one Prometheus sending to two Alertmanagers
// (without gossip, as the demo stack runs them; ports 27090, 27093, 27094), polled by gameday's
// poller as monitoring.alertmanager { url, peers }. Both peers must report the same firing with
// the same startsAt (the analysis merges the peers on it), each poll names its peer, a stopped
// peer is an unreachable streak of its own, and the merged view keeps the alert while one peer
// still has it.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mergePeerPolls, peerSightings } from '../verifier/analyze/alertmanager-peers.ts';
import type { AlertmanagerAlertsPolled, JournalEvent, ObserveFailed } from '../verifier/journal/events.ts';
import { AlertmanagerClient } from '../verifier/observe/alertmanager.ts';
import { startPoller, type Poller } from '../verifier/observe/poller.ts';
import { PrometheusClient } from '../verifier/observe/prometheus.ts';
import { type MonitoringStack, startMonitoringStack } from '../verifier/stack/monitoring.ts';
import { type ManagedProcess, startProcess } from '../verifier/stack/process.ts';
import { resolveTool } from '../verifier/toolchain/index.ts';

// Below the ephemeral range (see CHECKOUT_PORTS in examples/checkout/stack.ts): 47090 was once
// taken by another test's outgoing connection between the free-port check and Prometheus's bind.
const PROM = '127.0.0.1:27090';
const A = 'http://127.0.0.1:27093';
const B = 'http://127.0.0.1:27094';

let dir: string;
let stack: MonitoringStack;
let peer: ManagedProcess;
let poller: Poller | undefined;
const events: JournalEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-am-cluster-'));
  await writeFile(
    join(dir, 'alertmanager.yml'),
    'route: { receiver: blackhole, group_wait: 1s, group_interval: 5s }\nreceivers: [{ name: blackhole }]\n',
  );
  await writeFile(join(dir, 'rules.yml'), 'groups:\n  - name: cluster\n    rules:\n      - alert: ClusterProbe\n        expr: vector(1)\n');
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'rule_files: [rules.yml]',
      'alerting:',
      '  alertmanagers:',
      "    - static_configs: [{ targets: ['127.0.0.1:27093', '127.0.0.1:27094'] }]",
      '',
    ].join('\n'),
  );
  // The second peer first: Prometheus's notifier should find both at its first discovery.
  peer = await startProcess({
    name: 'alertmanager-b',
    command: await resolveTool('alertmanager'),
    args: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager-b-data')}`,
      '--web.listen-address=127.0.0.1:27094',
      '--cluster.listen-address=',
    ],
    logFile: join(dir, 'alertmanager-b.log'),
    readyUrl: `${B}/-/ready`,
  });
  stack = await startMonitoringStack({
    prometheusConfig: join(dir, 'prometheus.yml'),
    alertmanagerConfig: join(dir, 'alertmanager.yml'),
    dir,
    prometheusListen: PROM,
    alertmanagerListen: '127.0.0.1:27093',
  });
}, 90_000);

afterAll(async () => {
  await poller?.stop();
  await Promise.allSettled([stack?.stop(), peer?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('an Alertmanager cluster of two real peers', () => {
  it('polls both, names each peer, follows the stopped one, and both had the same firing', async () => {
    poller = startPoller({
      prometheus: new PrometheusClient({ baseUrl: `http://${PROM}` }),
      alertmanager: new AlertmanagerClient({ baseUrl: A }),
      alertmanagerPeers: [new AlertmanagerClient({ baseUrl: B })],
      intervalSeconds: 0.5,
      staleAfterSeconds: 3,
      record: (event) => events.push({ at: new Date().toISOString(), ...event } as JournalEvent),
      log: () => {},
    });
    const polls = () => events.filter((event): event is AlertmanagerAlertsPolled => event.kind === 'alerts.alertmanager');
    const probeOn = (url: string) =>
      polls().find((poll) => poll.peer === url && poll.alerts.some((alert) => alert.labels.alertname === 'ClusterProbe'));
    await vi.waitFor(
      () => {
        expect(probeOn(A)).toBeDefined();
        expect(probeOn(B)).toBeDefined();
      },
      { timeout: 45_000, interval: 200 },
    );
    const startsAt = (url: string) => probeOn(url)?.alerts.find((alert) => alert.labels.alertname === 'ClusterProbe')?.startsAt;
    // Prometheus sends each peer the same FiredAt: the merge and the sightings rely on it.
    expect(startsAt(A)).toBe(startsAt(B));

    await peer.stop();
    await vi.waitFor(() => expect(events.some((event) => event.kind === 'observe.failed')).toBe(true), { timeout: 20_000, interval: 200 });
    await poller.stop();
    poller = undefined;

    expect(polls().every((poll) => poll.peer === A || poll.peer === B)).toBe(true);
    const failures = events.filter((event): event is ObserveFailed => event.kind === 'observe.failed');
    expect(failures.map((failure) => [failure.source, failure.peer])).toEqual([['alertmanager', B]]);
    // The merged view still holds the alert after the peer that also had it stopped answering.
    const merged = mergePeerPolls(polls(), failures);
    expect(merged.at(-1)?.alerts.some((alert) => alert.labels.alertname === 'ClusterProbe')).toBe(true);
    const firingAt = Date.parse(startsAt(A) ?? '');
    const sightings = peerSightings(
      { peers: [A, B], polls: polls(), failures, recoveries: [] },
      { alertname: 'ClusterProbe' },
      firingAt,
      Date.now(),
    );
    expect(sightings.map((sighting) => [sighting.peer, sighting.seenAt !== null, sighting.unreachable !== null])).toEqual([
      [A, true, false],
      [B, true, true],
    ]);
  }, 90_000);
});
