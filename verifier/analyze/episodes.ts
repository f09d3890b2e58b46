// One list of alert episodes from everything the journal holds. Prometheus's own record (ALERTS)
// is the backbone: exact evaluation timestamps, every episode, even those between two polls. The
// polls and webhooks then add what the record lacks: annotations (runbook links), Alertmanager's
// `startsAt` (preferred for the firing time when it agrees), and whole episodes the record does not
// cover (no reconcile after a crash, or a reconcile that failed).

import { episodesFromRecord } from './alert-record.ts';
import { alertSightingsOf, type Sighting } from './alert-sightings.ts';
import type { JournalIndex } from './journal-index.ts';
import { alertnameOf, sameAlert } from '../alerting/labels.ts';
import type { AlertEpisode, EvidenceSource, TimedEvidence } from './model.ts';
import { secondsBetween, toIso } from './time.ts';

/** Two times from different sources within this are the same instant (integer-second activeAt). */
export const SAME_INSTANT_MS = 1000;

export function buildEpisodes(index: JournalIndex): AlertEpisode[] {
  const episodes = episodesFromRecord(index.reconciled);
  for (const sighting of alertSightingsOf(index)) {
    const episode = findEpisode(episodes, sighting);
    if (episode) enrich(episode, sighting);
    else episodes.push(episodeFromSighting(sighting));
  }
  return episodes.sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * The episode a sighting belongs to, trying the strictest evidence first:
 * 1. its start is the episode's start (activeAt = pending; startsAt = firing), within a second;
 * 2. its start falls inside the episode: in Prometheus's record, two instances merged across a
 *    short gap; in an episode only the Prometheus polls saw, the firing that Alertmanager timed;
 * 3. it started before a recorded episode and was still seen during it: the record began
 *    mid-episode, or Alertmanager kept an older `startsAt` when it merged a re-fired alert.
 * A Prometheus sighting with another `activeAt` than a polled episode is another instance.
 */
function findEpisode(episodes: readonly AlertEpisode[], sighting: Sighting): AlertEpisode | undefined {
  const candidates = episodes.filter((episode) => sameAlert(episode.labels, sighting.labels));
  const fromPrometheus = sighting.source === 'prometheus-api';
  const startsAt = sighting.startsAt;

  const sameStart = (episode: AlertEpisode) => {
    const anchor = fromPrometheus ? episode.pending?.at : episode.firing?.at;
    return anchor !== undefined && Math.abs(anchor - startsAt) <= SAME_INSTANT_MS;
  };
  const inside = (episode: AlertEpisode) => {
    if (startsAt < episode.startedAt - SAME_INSTANT_MS) return false;
    if (episode.record === 'ALERTS') return startsAt <= episode.lastSeenAt + SAME_INSTANT_MS;
    // Polls are written on change: the alert lasted until the first poll without it.
    const firingUnknown = episode.firing === null || episode.firing.source === 'prometheus-api';
    const until = Math.min(episode.endedBy ?? Infinity, episode.firing?.at ?? Infinity);
    return !fromPrometheus && firingUnknown && startsAt <= until + SAME_INSTANT_MS;
  };
  const olderThanRecord = (episode: AlertEpisode) =>
    episode.record === 'ALERTS' &&
    startsAt < episode.startedAt &&
    sighting.lastSeenAt >= episode.startedAt &&
    (episode.endedBy === null || sighting.firstSeenAt <= episode.endedBy);

  for (const tier of [sameStart, inside, olderThanRecord]) {
    const found = candidates.filter(tier).sort((a, b) => Math.abs(a.startedAt - startsAt) - Math.abs(b.startedAt - startsAt));
    if (found[0]) return found[0];
  }
  return undefined;
}

function episodeFromSighting(sighting: Sighting): AlertEpisode {
  const start: TimedEvidence = { at: sighting.startsAt, source: sighting.source };
  const notes: string[] = [];
  let pending: TimedEvidence | null = null;
  let firing: TimedEvidence | null = null;
  if (sighting.source === 'prometheus-api') {
    pending = start;
    if (sighting.firingSeenAt !== null) {
      firing = { at: sighting.firingSeenAt, source: 'prometheus-api' };
      notes.push(firingFromPollNote);
    }
  } else {
    firing = start;
  }
  return {
    alertname: alertnameOf(sighting.labels),
    labels: sighting.labels,
    pending,
    firing,
    startedAt: sighting.startsAt,
    lastSeenAt: Math.max(sighting.lastSeenAt, sighting.startsAt),
    endedBy: sighting.endedBy,
    endedBySource: sighting.endedBy === null ? null : sighting.source,
    annotations: sighting.annotations,
    record: 'polls',
    notes,
  };
}

const firingFromPollNote =
  'firing time is the first poll that saw the alert firing (an upper bound: the Prometheus API has no fired-at time)';

/** Where two sources give one figure, the more exact wins. */
const firingRank: Record<EvidenceSource, number> = {
  'alertmanager-api': 3, // startsAt is Prometheus's FiredAt, to the nanosecond
  ALERTS: 2, // the first firing evaluation, to the millisecond
  webhook: 1, // the same startsAt as Alertmanager's, but only if a notification went out
  'prometheus-api': 0, // a poll time: an upper bound
};

function enrich(episode: AlertEpisode, sighting: Sighting): void {
  episode.annotations = { ...sighting.annotations, ...episode.annotations };
  // A recorded episode's last sample bounds which later sightings can join it; polls do not move it.
  if (episode.record === 'polls') episode.lastSeenAt = Math.max(episode.lastSeenAt, sighting.lastSeenAt);
  if (episode.endedBy === null && sighting.endedBy !== null && sighting.endedBy >= episode.lastSeenAt) {
    episode.endedBy = sighting.endedBy;
    episode.endedBySource = sighting.source;
  } else if (
    sighting.source === 'webhook' &&
    sighting.endedBy !== null &&
    episode.endedBySource !== 'ALERTS' &&
    episode.endedBySource !== 'webhook' &&
    sighting.endedBy >= episode.startedAt
  ) {
    // A resolved notification's endsAt is Prometheus's ResolvedAt; a poll only bounds it.
    episode.endedBy = sighting.endedBy;
    episode.endedBySource = 'webhook';
  }
  if (sighting.source === 'prometheus-api') enrichPending(episode, sighting);
  else enrichFiring(episode, { at: sighting.startsAt, source: sighting.source });
}

function enrichPending(episode: AlertEpisode, sighting: Sighting): void {
  const pending = episode.pending;
  if (pending === null || sighting.startsAt < pending.at - SAME_INSTANT_MS) {
    if (pending !== null) {
      episode.notes.push(
        `Prometheus activeAt ${toIso(sighting.startsAt)} is ${secondsBetween(sighting.startsAt, pending.at)} s ` +
          `before the first ${pending.source} sign of the alert: it was active before the record began`,
      );
    }
    episode.pending = { at: sighting.startsAt, source: 'prometheus-api' };
    episode.startedAt = Math.min(episode.startedAt, sighting.startsAt);
  }
  if (episode.firing === null && sighting.firingSeenAt !== null) {
    episode.firing = { at: sighting.firingSeenAt, source: 'prometheus-api' };
    episode.notes.push(firingFromPollNote);
  }
}

function enrichFiring(episode: AlertEpisode, candidate: TimedEvidence): void {
  const firing = episode.firing;
  const pending = episode.pending;
  if (pending !== null && candidate.at < pending.at - SAME_INSTANT_MS) {
    // An alert fires after it goes pending; an older startsAt is one Alertmanager kept on merging.
    addNote(
      episode,
      `${candidate.source} startsAt ${toIso(candidate.at)} predates the episode ` +
        `(Alertmanager keeps the earliest startsAt when it merges a re-fired alert); not used`,
    );
    return;
  }
  if (firing === null) {
    episode.firing = candidate;
    episode.startedAt = Math.min(episode.startedAt, candidate.at);
    return;
  }
  const agree = Math.abs(firing.at - candidate.at) <= SAME_INSTANT_MS;
  if (agree) {
    if (firingRank[candidate.source] > firingRank[firing.source]) episode.firing = candidate;
    return;
  }
  if (firing.source === 'prometheus-api' && candidate.at < firing.at) {
    // The poll time was only an upper bound; startsAt is the real firing time.
    episode.firing = candidate;
    episode.notes = episode.notes.filter((note) => note !== firingFromPollNote);
    return;
  }
  const difference = secondsBetween(firing.at, candidate.at);
  addNote(
    episode,
    `${candidate.source} startsAt ${toIso(candidate.at)} is ${Math.abs(difference)} s ` +
      `${difference > 0 ? 'after' : 'before'} the ${firing.source} firing time; kept ${firing.source}`,
  );
}

function addNote(episode: AlertEpisode, note: string): void {
  if (!episode.notes.includes(note)) episode.notes.push(note);
}
