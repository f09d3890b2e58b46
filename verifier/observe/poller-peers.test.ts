// An Alertmanager cluster: every peer is polled on its own, each poll event and each failure names
// its peer, and a peer that stops answering is a streak of its own while the others go on.

import { describe, expect, it, vi } from 'vitest';
import type { AlertmanagerAlertsPolled, AmAlert, ObserveFailed, ObserveRecovered } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import { startPoller } from './poller.ts';

const PRIMARY = 'http://127.0.0.1:19093';
const PEER = 'http://127.0.0.1:19094';

function amAlert(alertname: string): AmAlert {
  return {
    labels: { alertname },
    annotations: {},
    startsAt: '2026-11-23T02:00:00.000Z',
    fingerprint: alertname,
    state: 'active',
    inhibitedBy: [],
    silencedBy: [],
    receivers: ['gameday'],
  };
}

describe('the poller with Alertmanager peers', () => {
  it('polls every peer, names the peer on each event, and follows one peer down and back on its own', async () => {
    const events: EventInput[] = [];
    const state = { primary: [] as AmAlert[], peer: [] as AmAlert[], peerDown: false };
    const poller = startPoller({
      prometheus: { alerts: async () => [], alertingRules: async () => [] },
      alertmanager: { baseUrl: PRIMARY, alerts: async () => state.primary },
      alertmanagerPeers: [
        {
          baseUrl: PEER,
          alerts: async () => {
            if (state.peerDown) throw new Error('connect ECONNREFUSED 127.0.0.1:19094');
            return state.peer;
          },
        },
      ],
      intervalSeconds: 0.01,
      retries: 0,
      record: (event) => events.push(event),
      log: () => {},
    });
    const polls = () => events.filter((event): event is AlertmanagerAlertsPolled => event.kind === 'alerts.alertmanager');
    const ofPeer = (peer: string) => polls().filter((poll) => poll.peer === peer);
    try {
      await vi.waitUntil(() => ofPeer(PRIMARY).length === 1 && ofPeer(PEER).length === 1, { timeout: 3000, interval: 5 });
      // The alert reaches the primary first; the peer has it only later.
      state.primary = [amAlert('Down')];
      await vi.waitUntil(() => ofPeer(PRIMARY).length === 2, { timeout: 3000, interval: 5 });
      expect(ofPeer(PEER).at(-1)?.alerts).toEqual([]);
      state.peer = [amAlert('Down')];
      await vi.waitUntil(() => ofPeer(PEER).length === 2, { timeout: 3000, interval: 5 });
      expect(
        ofPeer(PEER)
          .at(-1)
          ?.alerts.map((alert) => alert.labels.alertname),
      ).toEqual(['Down']);

      state.peerDown = true;
      await vi.waitUntil(() => events.some((event) => event.kind === 'observe.failed'), { timeout: 3000, interval: 5 });
      state.peerDown = false;
      await vi.waitUntil(() => events.some((event) => event.kind === 'observe.recovered'), { timeout: 3000, interval: 5 });
    } finally {
      await poller.stop();
    }
    expect(polls().every((poll) => poll.peer === PRIMARY || poll.peer === PEER)).toBe(true);
    const failed = events.filter((event): event is ObserveFailed => event.kind === 'observe.failed');
    const recovered = events.filter((event): event is ObserveRecovered => event.kind === 'observe.recovered');
    expect(failed.map((event) => [event.source, event.peer, event.error])).toEqual([
      ['alertmanager', PEER, 'connect ECONNREFUSED 127.0.0.1:19094'],
    ]);
    expect(recovered.map((event) => [event.source, event.peer])).toEqual([['alertmanager', PEER]]);
  });

  it('names no peer when there is one Alertmanager (journals stay as they were)', async () => {
    const events: EventInput[] = [];
    const poller = startPoller({
      prometheus: { alerts: async () => [], alertingRules: async () => [] },
      alertmanager: { baseUrl: PRIMARY, alerts: async () => [amAlert('Down')] },
      intervalSeconds: 0.01,
      record: (event) => events.push(event),
      log: () => {},
    });
    await vi.waitUntil(() => events.some((event) => event.kind === 'alerts.alertmanager'), { timeout: 3000, interval: 5 });
    await poller.stop();
    const poll = events.find((event): event is AlertmanagerAlertsPolled => event.kind === 'alerts.alertmanager');
    expect(poll).toBeDefined();
    expect(poll && 'peer' in poll).toBe(false);
  });
});
