// What Alertmanager itself said about one firing, from the journal: each poll's `status` of the
// alert (inhibited by which alerts, silenced by which silences, routed to which receivers), the
// silences it held, and its notification counters. The delivery diagnosis names a reason only
// from these; nothing here guesses after the fact.

import type {
  AlertmanagerAlertsPolled,
  AlertmanagerNotificationsPolled,
  AlertmanagerSilencesPolled,
  AmSilence,
  InhibitRuleInput,
  MatcherInput,
  ReceiverInput,
} from '../journal/events.ts';
import { inhibits } from '../alerting/routes.ts';
import { formatSilenceMatchers } from '../alerting/silences.ts';
import { type Labels, sameAlert } from '../alerting/labels.ts';
import { SAME_INSTANT_MS } from './episodes.ts';
import type { InhibitingAlert, ReceiverFailure, SilenceFacts } from './model.ts';
import { type EpochMs, parseInstant, toIso } from './time.ts';

/** Alertmanager's side of the journal. `inhibitRules` / `receivers` are null when its configuration was not read. */
export interface AlertmanagerRecord {
  polls: readonly AlertmanagerAlertsPolled[];
  silencePolls: readonly AlertmanagerSilencesPolled[];
  notificationPolls: readonly AlertmanagerNotificationsPolled[];
  inhibitRules: readonly InhibitRuleInput[] | null;
  receivers: readonly ReceiverInput[] | null;
}

export const NO_ALERTMANAGER_RECORD: AlertmanagerRecord = {
  polls: [],
  silencePolls: [],
  notificationPolls: [],
  inhibitRules: null,
  receivers: null,
};

/** One poll's account of the alert. */
export interface Sighting {
  at: EpochMs;
  state: string;
  /** Undefined in journals written before gameday recorded the status. */
  inhibitedBy: readonly string[] | undefined;
  silencedBy: readonly string[] | undefined;
  receivers: readonly string[] | undefined;
  peer: string | null;
  poll: AlertmanagerAlertsPolled;
}

/** The polls that saw this firing (same alert, same startsAt), in time order. */
export function sightingsOf(labels: Labels, firingAt: EpochMs, polls: readonly AlertmanagerAlertsPolled[]): Sighting[] {
  const out: Sighting[] = [];
  for (const poll of polls) {
    const alert = poll.alerts.find(
      (candidate) => sameAlert(labels, candidate.labels) && Math.abs(parseInstant(candidate.startsAt) - firingAt) <= SAME_INSTANT_MS,
    );
    if (!alert) continue;
    out.push({
      at: parseInstant(poll.at),
      state: alert.state,
      inhibitedBy: alert.inhibitedBy,
      silencedBy: alert.silencedBy,
      receivers: alert.receivers,
      peer: poll.peer ?? null,
      poll,
    });
  }
  return out;
}

export interface Suppression {
  kind: 'inhibited' | 'silenced';
  /** The first poll that saw it muted, and the first after that saw it active again (null: never). */
  from: EpochMs;
  to: EpochMs | null;
  /** The last poll of the stretch. */
  lastSeenAt: EpochMs;
  inhibitedBy: InhibitingAlert[];
  silencedBy: SilenceFacts[];
}

/**
 * The stretch of polls that saw the alert muted, if one began by `dueBy` (when the notification
 * should have gone out, plus a poll): inhibition wins the name when both applied, as Alertmanager
 * checks inhibition first.
 */
export function suppressionBy(
  sightings: readonly Sighting[],
  dueBy: EpochMs,
  record: AlertmanagerRecord,
  labels: Labels,
): Suppression | null {
  const muted = (sighting: Sighting) => (sighting.inhibitedBy?.length ?? 0) > 0 || (sighting.silencedBy?.length ?? 0) > 0;
  const first = sightings.find(muted);
  if (!first || first.at > dueBy) return null;
  const after = sightings.find((sighting) => sighting.at > first.at && !muted(sighting));
  const inhibitedBy = [...new Set(first.inhibitedBy ?? [])].map((fingerprint) => inhibitorOf(fingerprint, first.poll, record, labels));
  const silencedBy = [...new Set(first.silencedBy ?? [])].map((id) => silenceOf(id, record.silencePolls, first.at));
  const stretch = sightings.filter((sighting) => sighting.at >= first.at && (after === undefined || sighting.at < after.at));
  return {
    kind: inhibitedBy.length > 0 ? 'inhibited' : 'silenced',
    from: first.at,
    to: after?.at ?? null,
    lastSeenAt: stretch.at(-1)?.at ?? first.at,
    inhibitedBy,
    silencedBy,
  };
}

function inhibitorOf(fingerprint: string, poll: AlertmanagerAlertsPolled, record: AlertmanagerRecord, target: Labels): InhibitingAlert {
  const source = poll.alerts.find((alert) => alert.fingerprint === fingerprint)?.labels ?? null;
  const rule = source === null ? undefined : record.inhibitRules?.find((candidate) => inhibits(candidate, source, target));
  return { fingerprint, labels: source, rule: rule ? describeInhibitRule(rule) : null };
}

/** `inhibit_rules[0]: alertname="ApiDown" mutes alertname="TraceSuccessAbsent" (equal: service)`. */
export function describeInhibitRule(rule: InhibitRuleInput): string {
  const side = (matchers: readonly MatcherInput[]) =>
    matchers.length === 0 ? 'any alert' : matchers.map((m) => `${m.name}${m.operator}${JSON.stringify(m.value)}`).join(', ');
  const equal = rule.equal.length > 0 ? ` (equal: ${rule.equal.join(', ')})` : '';
  return `${rule.path}: ${side(rule.source)} mutes ${side(rule.target)}${equal}`;
}

/** The silence as the last read at or before `at` showed it (or the first after, for one created between two reads). */
function silenceOf(id: string, polls: readonly AlertmanagerSilencesPolled[], at: EpochMs): SilenceFacts {
  let found: AmSilence | undefined;
  for (const poll of polls) {
    const silence = poll.silences.find((candidate) => candidate.id === id);
    if (!silence) continue;
    if (parseInstant(poll.at) <= at || found === undefined) found = silence;
    if (parseInstant(poll.at) > at) break;
  }
  if (!found) return { id, matchers: '', createdBy: '', comment: '', startsAt: null, endsAt: null };
  return {
    id,
    matchers: formatSilenceMatchers(found),
    createdBy: found.createdBy,
    comment: found.comment,
    startsAt: found.startsAt,
    endsAt: found.endsAt,
  };
}

/**
 * Failed notifications of the integrations these receivers use, between two reads of the
 * counters: the last at or before `from` (or the first read) and the last at or before `to`.
 * With counters per integration only, any receiver using the integration may be the one failing.
 */
export function receiverFailures(
  polls: readonly AlertmanagerNotificationsPolled[],
  receivers: readonly string[],
  record: AlertmanagerRecord,
  from: EpochMs,
  to: EpochMs,
): ReceiverFailure[] {
  if (polls.length === 0) return [];
  const before = [...polls].reverse().find((poll) => parseInstant(poll.at) <= from) ?? polls[0];
  const after = [...polls].reverse().find((poll) => parseInstant(poll.at) <= to);
  if (!before || !after || parseInstant(after.at) <= parseInstant(before.at)) return [];
  const known = record.receivers?.filter((receiver) => receivers.includes(receiver.name));
  const integrations = known && known.length > 0 ? new Set(known.flatMap((receiver) => receiver.integrations)) : null;
  const out: ReceiverFailure[] = [];
  for (const counter of after.counters) {
    if (integrations !== null && !integrations.has(counter.integration)) continue;
    if (counter.receiver !== undefined && !receivers.includes(counter.receiver)) continue;
    const base = before.counters.find((c) => c.integration === counter.integration && c.receiver === counter.receiver);
    const byRequests = counter.requestsFailed !== undefined && counter.requests !== undefined;
    const failed = byRequests ? (counter.requestsFailed ?? 0) - (base?.requestsFailed ?? 0) : counter.failed - (base?.failed ?? 0);
    const total = byRequests ? (counter.requests ?? 0) - (base?.requests ?? 0) : counter.notifications - (base?.notifications ?? 0);
    if (failed <= 0) continue;
    out.push({
      integration: counter.integration,
      receiver: counter.receiver ?? null,
      failed,
      succeeded: Math.max(0, total - failed),
      from: toIso(parseInstant(before.at)),
      to: toIso(parseInstant(after.at)),
    });
  }
  return out;
}
