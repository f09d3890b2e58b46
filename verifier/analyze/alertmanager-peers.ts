// An Alertmanager cluster as the analysis sees it. Prometheus sends every alert to every peer, and
// the peers gossip; an alert is in Alertmanager as soon as any peer has it. So the polls of all the
// peers merge into one stream of what the cluster held (a peer that stops answering drops out of it
// until it answers again), and every figure that reads Alertmanager reads that stream. Which peer
// had the alert, when, and which did not answer, is kept beside it for the report.

import { labelKey, sameAlert, type Labels } from '../alerting/labels.ts';
import type { AlertmanagerAlertsPolled, AmAlert, ObserveFailed, ObserveRecovered } from '../journal/events.ts';
import type { AlertmanagerSpec } from '../plan/types.ts';
import { type EpochMs, parseInstant, secondsBetween } from './time.ts';

/** Alertmanager's startsAt is Prometheus's FiredAt: the same firing has the same start on every peer (to the ms; 1 s of slack). */
const SAME_FIRING_MS = 1000;

/** What one peer of the cluster saw of an expected alert's firing. */
export interface PeerSighting {
  /** The peer's base URL, as the plan names it. */
  peer: string;
  /** The first poll of this peer that showed the firing (ISO, like the other Alertmanager facts); null if none did. */
  seenAt: string | null;
  /** seenAt − firing time. */
  afterFiringSeconds: number | null;
  /** When this peer did not answer gameday between the firing and the end of the record, in words; null if it answered throughout. */
  unreachable: string | null;
}

/** The raw per-peer record the sightings are read from. */
export interface PeerRecord {
  /** Every peer, the plan's url first. */
  peers: readonly string[];
  polls: readonly AlertmanagerAlertsPolled[];
  failures: readonly ObserveFailed[];
  recoveries: readonly ObserveRecovered[];
}

/** The cluster's peers, the plan's url first; empty for a single Alertmanager (nothing to say per peer). */
export function clusterPeers(alertmanager: AlertmanagerSpec): string[] {
  const peers = alertmanager.peers ?? [];
  return peers.length === 0 ? [] : [alertmanager.url, ...peers];
}

/**
 * One stream of what the cluster held: at each poll (and each peer's failure), the union of every
 * answering peer's latest answer. An alert two peers hold appears once; where their accounts differ,
 * an active one wins over a suppressed one (a peer that did notify is what reached people).
 * Polls that name no peer (a single Alertmanager) are returned as they are.
 */
export function mergePeerPolls(polls: readonly AlertmanagerAlertsPolled[], failures: readonly ObserveFailed[]): AlertmanagerAlertsPolled[] {
  if (!polls.some((poll) => poll.peer !== undefined)) return [...polls];
  type Step = { at: EpochMs; iso: string; peer: string; alerts: readonly AmAlert[] | null };
  const steps: Step[] = [
    ...polls.map((poll) => ({ at: parseInstant(poll.at), iso: poll.at, peer: poll.peer ?? '', alerts: poll.alerts })),
    ...failures
      .filter((failure) => failure.source === 'alertmanager' && failure.peer !== undefined)
      .map((failure) => ({ at: parseInstant(failure.at), iso: failure.at, peer: failure.peer ?? '', alerts: null })),
  ].sort((a, b) => a.at - b.at);
  const latest = new Map<string, readonly AmAlert[]>();
  const merged: AlertmanagerAlertsPolled[] = [];
  for (const step of steps) {
    if (step.alerts === null) latest.delete(step.peer);
    else latest.set(step.peer, step.alerts);
    const union = new Map<string, AmAlert>();
    for (const alerts of latest.values()) {
      for (const alert of alerts) {
        const key = `${labelKey(alert.labels)}@${parseInstant(alert.startsAt)}`;
        const held = union.get(key);
        if (held === undefined || (held.state !== 'active' && alert.state === 'active')) union.set(key, alert);
      }
    }
    merged.push({ kind: 'alerts.alertmanager', at: step.iso, alerts: [...union.values()] });
  }
  return merged;
}

/** Per peer: when it first showed the firing of `labels` that started at `firingAt`, and whether it stopped answering before `until`. */
export function peerSightings(record: PeerRecord, labels: Labels, firingAt: EpochMs, until: EpochMs): PeerSighting[] {
  return record.peers.map((peer) => {
    const seen = record.polls.find(
      (poll) =>
        poll.peer === peer &&
        poll.alerts.some((alert) => sameAlert(labels, alert.labels) && Math.abs(parseInstant(alert.startsAt) - firingAt) <= SAME_FIRING_MS),
    );
    return {
      peer,
      seenAt: seen?.at ?? null,
      afterFiringSeconds: seen === undefined ? null : secondsBetween(firingAt, parseInstant(seen.at)),
      unreachable: unreachableBetween(record, peer, firingAt, until),
    };
  });
}

function unreachableBetween(record: PeerRecord, peer: string, from: EpochMs, to: EpochMs): string | null {
  for (const failure of record.failures) {
    if (failure.source !== 'alertmanager' || failure.peer !== peer || (failure.phase ?? 'poll') !== 'poll') continue;
    const failedAt = parseInstant(failure.at);
    const start = failure.lastSuccessAt === undefined ? failedAt : parseInstant(failure.lastSuccessAt);
    const recovery = record.recoveries.find((event) => event.peer === peer && parseInstant(event.at) >= failedAt);
    const end = recovery === undefined ? null : parseInstant(recovery.at);
    if (start > to || (end !== null && end < from)) continue;
    const span = end === null ? `from ${clock(start)} on` : `from ${clock(start)} to ${clock(end)}`;
    return `did not answer ${span} (${failure.error})`;
  }
  return null;
}

/** Wall-clock time of day, UTC, as the reports write it. */
function clock(at: EpochMs): string {
  return new Date(at).toISOString().slice(11, 19);
}

/** The delivery with which peers had the firing, when the plan names a cluster. */
export function withPeers<D extends object>(
  delivery: D,
  record: PeerRecord | undefined,
  labels: Labels | null,
  firingAt: EpochMs | null,
  until: EpochMs,
): D & { peers?: PeerSighting[] } {
  if (record === undefined || record.peers.length === 0 || labels === null || firingAt === null) return delivery;
  return { ...delivery, peers: peerSightings(record, labels, firingAt, until) };
}
