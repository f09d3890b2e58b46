// What the polls and webhooks saw of each alert instance. An instance is identified by its labels
// and its start: Prometheus keeps `activeAt` for as long as the alert stays active, and Alertmanager
// keeps `startsAt` (Prometheus's FiredAt), so a new start means a new episode even though the
// Alertmanager fingerprint (a hash of the labels) stays the same.
//
// Poll snapshots are written only when the set of active alerts changed, so an instance lasts from
// the first snapshot that shows it until the first later snapshot that does not.

import type { AlertmanagerAlertsPolled, PrometheusAlertsPolled, WebhookReceived } from '../journal/events.ts';
import type { JournalIndex } from './journal-index.ts';
import { type Labels, labelKey } from '../alerting/labels.ts';
import { type EpochMs, parseInstant } from './time.ts';

export type SightingSource = 'prometheus-api' | 'alertmanager-api' | 'webhook';

export interface Sighting {
  source: SightingSource;
  labels: Labels;
  annotations: Labels;
  /** Prometheus API: `activeAt` (pending start). Alertmanager and webhook: `startsAt` (firing start). */
  startsAt: EpochMs;
  /** Prometheus API only: the first poll that saw it firing, an upper bound of the firing time. */
  firingSeenAt: EpochMs | null;
  /** Poll or receipt times. */
  firstSeenAt: EpochMs;
  lastSeenAt: EpochMs;
  /** The first later poll without it, or a resolved webhook's `endsAt`; null if seen to the end. */
  endedBy: EpochMs | null;
}

/** Every sighting, Prometheus's first: they carry the pending start the others lack. */
export function alertSightingsOf(journal: Pick<JournalIndex, 'prometheusPolls' | 'alertmanagerPolls' | 'webhooks'>): Sighting[] {
  return [
    ...prometheusSightings(journal.prometheusPolls),
    ...alertmanagerSightings(journal.alertmanagerPolls),
    ...webhookSightings(journal.webhooks),
  ];
}

export function prometheusSightings(polls: readonly PrometheusAlertsPolled[]): Sighting[] {
  return sightingsFromSnapshots(
    polls.map((poll) => ({
      at: parseInstant(poll.at),
      alerts: poll.alerts.map((alert) => ({
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: parseInstant(alert.activeAt),
        firing: alert.state === 'firing',
      })),
    })),
    'prometheus-api',
  );
}

export function alertmanagerSightings(polls: readonly AlertmanagerAlertsPolled[]): Sighting[] {
  return sightingsFromSnapshots(
    polls.map((poll) => ({
      at: parseInstant(poll.at),
      // Alertmanager only ever holds alerts Prometheus sent as firing.
      alerts: poll.alerts.map((alert) => ({
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: parseInstant(alert.startsAt),
        firing: true,
      })),
    })),
    'alertmanager-api',
  );
}

export function webhookSightings(webhooks: readonly WebhookReceived[]): Sighting[] {
  const byInstance = new Map<string, Sighting>();
  for (const webhook of webhooks) {
    const at = parseInstant(webhook.at);
    for (const alert of webhook.alerts) {
      const startsAt = parseInstant(alert.startsAt);
      const key = `${labelKey(alert.labels)}@${startsAt}`;
      let sighting = byInstance.get(key);
      if (!sighting) {
        sighting = {
          source: 'webhook',
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt,
          firingSeenAt: null,
          firstSeenAt: at,
          lastSeenAt: at,
          endedBy: null,
        };
        byInstance.set(key, sighting);
      }
      sighting.lastSeenAt = at;
      if (alert.status === 'resolved') sighting.endedBy ??= parseInstant(alert.endsAt);
    }
  }
  return [...byInstance.values()];
}

interface Snapshot {
  at: EpochMs;
  alerts: Array<{ labels: Labels; annotations: Labels; startsAt: EpochMs; firing: boolean }>;
}

function sightingsFromSnapshots(snapshots: readonly Snapshot[], source: SightingSource): Sighting[] {
  const done: Sighting[] = [];
  let open = new Map<string, Sighting>();
  for (const snapshot of snapshots) {
    const stillOpen = new Map<string, Sighting>();
    for (const alert of snapshot.alerts) {
      const key = `${labelKey(alert.labels)}@${alert.startsAt}`;
      const sighting = open.get(key) ??
        stillOpen.get(key) ?? {
          source,
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: alert.startsAt,
          firingSeenAt: null,
          firstSeenAt: snapshot.at,
          lastSeenAt: snapshot.at,
          endedBy: null,
        };
      sighting.lastSeenAt = snapshot.at;
      if (alert.firing && source === 'prometheus-api') sighting.firingSeenAt ??= snapshot.at;
      stillOpen.set(key, sighting);
    }
    for (const [key, sighting] of open) {
      if (stillOpen.has(key)) continue;
      sighting.endedBy = snapshot.at;
      done.push(sighting);
    }
    open = stillOpen;
  }
  return [...done, ...open.values()].sort((a, b) => a.startsAt - b.startsAt);
}
