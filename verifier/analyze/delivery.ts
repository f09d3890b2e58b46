// Did a page go out? Whether a notification for the detecting firing reached gameday's webhook,
// and when not, or not at once, whose doing it was. Alertmanager says why it held one back, and
// the poller wrote down what it said at the time: the alert inhibited by another (and the inhibit
// rule), silenced (and by which silence), routed to a receiver that does not call gameday, or the
// receiver's integration failing (its notification counters). Grouping explains the rest: a new
// aggregation group is flushed after group_wait, but an alert that joins a group that already
// exists waits for the group's next tick (up to group_interval), and one that fires and resolves
// between two ticks is never sent at all (docs/detection-time.md#grouping). Only when none of
// these explains a missing notification is it "not sent", with what was checked.

import type { DetectionInput } from '../journal/events.ts';
import {
  type AlertmanagerRecord,
  receiverFailures,
  type Sighting,
  sightingsOf,
  type Suppression,
  suppressionBy,
} from './alertmanager-account.ts';
import { formatSelector } from '../alerting/labels.ts';
import { silenceMatches } from '../alerting/silences.ts';
import type { AlertEpisode, BlindInterval, Delivery, ReceiverFailure } from './model.ts';
import { type EpochMs, parseInstant, secondsBetween, toIso } from './time.ts';

/** Slack on top of group_wait / group_interval: sending, the receiver, the poll of a flush. */
export const DELIVERY_SLACK_SECONDS = 1.5;
/** Alertmanager's defaults, assumed when its configuration was not read. */
const DEFAULT_GROUP_WAIT = 30;
const DEFAULT_GROUP_INTERVAL = 300;

export interface DeliveryFacts {
  firingAt: EpochMs | null;
  notifiedAt: EpochMs | null;
  /** The episode that fired: its end tells a suppressed notification from a lost one. */
  episode: AlertEpisode | null;
  input: DetectionInput | null;
  /** Did gameday listen for webhooks during the run? */
  listening: boolean;
  blindIntervals: readonly BlindInterval[];
  endOfRecord: EpochMs;
  /** What Alertmanager said during the run; absent: nothing recorded (older journals, unit tests). */
  alertmanager?: AlertmanagerRecord;
  pollIntervalSeconds?: number;
  /** How many webhooks gameday received in the whole run. */
  webhookCount?: number;
}

export function deliveryOf(facts: DeliveryFacts): Delivery {
  const { firingAt, notifiedAt, input } = facts;
  const groupWait = input?.groupWaitSeconds ?? null;
  const groupInterval = input?.groupIntervalSeconds ?? null;
  const base = { groupWaitSeconds: groupWait, groupIntervalSeconds: groupInterval };
  const result = (
    status: Delivery['status'],
    explanation: string,
    afterFiringSeconds: number | null = null,
    extra: Partial<Delivery> = {},
  ): Delivery => ({ status, afterFiringSeconds, ...base, explanation, ...extra });
  if (firingAt === null) return result('not-fired', 'the alert did not fire, so there was nothing to notify');

  const G = groupWait ?? DEFAULT_GROUP_WAIT;
  const I = groupInterval ?? DEFAULT_GROUP_INTERVAL;
  const assumed = groupWait === null || groupInterval === null ? " (Alertmanager's configuration was not read: its defaults assumed)" : '';
  const waitText = `group_wait ${seconds(G)}`;
  const intervalText = `group_interval ${seconds(I)}`;
  const dueBy = firingAt + (G + DELIVERY_SLACK_SECONDS) * 1000;
  const pipelineBlind = (to: EpochMs) =>
    facts.blindIntervals.filter(
      (interval) =>
        (interval.cause === 'alertmanager-unreachable' || interval.cause === 'watchdog-missing') &&
        // One peer of a cluster down while another answered hid nothing.
        interval.affectsVerdicts &&
        interval.from <= to &&
        (interval.to ?? Infinity) >= firingAt,
    );

  const record = facts.alertmanager;
  const labels = facts.episode?.labels ?? null;
  const sightings = record && labels ? sightingsOf(labels, firingAt, record.polls) : [];
  const seenReceivers = [...new Set(sightings.flatMap((sighting) => sighting.receivers ?? []))];
  const receivers = seenReceivers.length > 0 ? seenReceivers : input?.receiver ? [input.receiver] : [];
  const routedTo = seenReceivers.length > 0 ? { receivers: seenReceivers } : {};
  // A poll after the due moment still tells what Alertmanager decided at it.
  const pollSlackMs = ((facts.pollIntervalSeconds ?? 1) + DELIVERY_SLACK_SECONDS) * 1000;
  const failuresUntil = (to: EpochMs) =>
    record && labels ? receiverFailures(record.notificationPolls, receivers, record, firingAt, to) : [];
  const held = (until: EpochMs) => (record && labels ? suppressionBy(sightings, until, record, labels) : null);

  if (notifiedAt !== null) {
    const delay = secondsBetween(firingAt, notifiedAt);
    if (delay <= G + DELIVERY_SLACK_SECONDS) {
      return result('on-time', `the webhook came ${seconds(delay)} after firing, within ${waitText}${assumed}`, delay, routedTo);
    }
    const suppression = held(Math.min(notifiedAt, dueBy + pollSlackMs));
    if (suppression) {
      const span =
        suppression.to === null ? `from ${clock(suppression.from)}` : `from ${clock(suppression.from)} to ${clock(suppression.to)}`;
      return result(
        suppression.kind,
        `Alertmanager held the notification back: ${suppressionWords(suppression)}; polls saw it ${suppression.kind} ${span}. ` +
          `The webhook came ${seconds(delay)} after firing, once that ended`,
        delay,
        { ...suppressionFields(suppression), ...routedTo },
      );
    }
    const blind = pipelineBlind(notifiedAt);
    if (blind.length > 0) {
      return result(
        'alertmanager-blind',
        `the webhook came ${seconds(delay)} after firing; in between, ${blind[0]?.detail}: the delay is not the rule's`,
        delay,
      );
    }
    const failures = failuresUntil(notifiedAt);
    if (failures.length > 0) {
      return result(
        'receiver-failed',
        `the webhook came ${seconds(delay)} after firing: Alertmanager's first tries failed (${failureWords(failures)}), and it retried`,
        delay,
        { receiverFailures: failures, ...routedTo },
      );
    }
    if (delay <= G + I + DELIVERY_SLACK_SECONDS) {
      return result(
        'delayed-by-grouping',
        `the webhook came ${seconds(delay)} after firing, later than ${waitText} but within ${intervalText}${assumed}: the alert joined an ` +
          "aggregation group that already existed and waited for the group's next tick (see docs/detection-time.md#grouping); the rule was not slow",
        delay,
        routedTo,
      );
    }
    return result(
      'late',
      `the webhook came ${seconds(delay)} after firing, later than ${waitText} + ${intervalText}${assumed}: Alertmanager or the receiver was slow`,
      delay,
      routedTo,
    );
  }

  const suppression = held(dueBy + pollSlackMs);
  if (suppression) {
    const span =
      suppression.to === null
        ? `polls saw it ${suppression.kind} from ${clock(suppression.from)} to the last that saw it, at ${clock(suppression.lastSeenAt)}`
        : `polls saw it ${suppression.kind} from ${clock(suppression.from)} to ${clock(suppression.to)}, but no webhook came after`;
    return result(suppression.kind, `not sent: Alertmanager ${suppressionWords(suppression)}; ${span}`, null, {
      ...suppressionFields(suppression),
      ...routedTo,
    });
  }
  if (!facts.listening) return result('not-observed', 'gameday did not listen for webhooks (monitoring.webhookListen is not set)');
  const blind = pipelineBlind(dueBy);
  if (blind.length > 0) return result('alertmanager-blind', `no webhook came; ${blind[0]?.detail}`);

  const endedBy = facts.episode?.endedBy ?? null;
  const failures = failuresUntil(Math.min(facts.endOfRecord, (endedBy ?? facts.endOfRecord) + (I + DELIVERY_SLACK_SECONDS) * 1000));
  if (failures.length > 0) {
    return result('receiver-failed', `not sent: Alertmanager tried, and ${failureWords(failures)}`, null, {
      receiverFailures: failures,
      ...routedTo,
    });
  }
  const elsewhere = routedElsewhere(seenReceivers, record, input);
  if (elsewhere !== null) return result('not-routed-to-gameday', `no webhook came: ${elsewhere}`, null, routedTo);
  if (endedBy !== null && endedBy - firingAt <= (I + DELIVERY_SLACK_SECONDS) * 1000) {
    return result(
      'suppressed-by-grouping',
      `no webhook came: the alert fired and resolved ${seconds(secondsBetween(firingAt, endedBy))} later, within one ${intervalText}${assumed}. ` +
        'When its aggregation group already existed, Alertmanager found nothing firing at the next tick and sent nothing (see docs/detection-time.md#grouping): grouping, not the rule',
      null,
      routedTo,
    );
  }
  if (dueBy > facts.endOfRecord) return result('not-observed', `the record ends before a notification was due (${waitText} after firing)`);
  const activeFor = secondsBetween(firingAt, endedBy ?? facts.endOfRecord);
  const checked = whatWasChecked(facts, sightings, receivers, firingAt);
  return result(
    'not-notified',
    `not sent, and Alertmanager gave no reason: the alert stayed firing for ${seconds(activeFor)}, longer than ${waitText}${assumed}. ` +
      `Checked: ${checked.join('; ')}`,
    null,
    { checked, ...routedTo },
  );
}

/** Routed to receivers none of which calls gameday's webhook: Alertmanager's word first, then the configuration's. */
function routedElsewhere(seen: readonly string[], record: AlertmanagerRecord | undefined, input: DetectionInput | null): string | null {
  if (seen.length > 0 && record?.receivers) {
    const calls = seen.map((name) => record.receivers?.find((receiver) => receiver.name === name)?.callsGameday ?? null);
    if (calls.every((call) => call === false)) {
      return `Alertmanager routed it to ${receiverNames(seen)}, which ${seen.length === 1 ? 'does' : 'do'} not call gameday's webhook`;
    }
    if (calls.some((call) => call === true)) return null;
  }
  if (input?.receiverCallsGameday === false) {
    return `Alertmanager routes the alert (${input.route}) to receiver "${input.receiver}", which does not call gameday's webhook`;
  }
  return null;
}

/** The checks behind "not sent", in words: what Alertmanager's polls, silences, counters and routes showed. */
function whatWasChecked(facts: DeliveryFacts, sightings: readonly Sighting[], receivers: readonly string[], firingAt: EpochMs): string[] {
  const record = facts.alertmanager;
  const checked: string[] = [];
  if (!record || record.polls.length === 0) checked.push("Alertmanager's alerts were not polled");
  else if (sightings.length === 0) checked.push("no poll of Alertmanager's alerts saw this firing");
  else if (sightings.every((sighting) => sighting.inhibitedBy === undefined)) {
    checked.push(`Alertmanager had it in ${sightings.length} polls (this journal does not record inhibition or silences)`);
  } else {
    checked.push(
      `Alertmanager had it in ${sightings.length} polls from ${clock(sightings[0]?.at ?? firingAt)}, never inhibited or silenced`,
    );
  }
  if (record && record.silencePolls.length > 0 && facts.episode) {
    const labels = facts.episode.labels;
    const matching = record.silencePolls
      .flatMap((poll) => poll.silences)
      .filter((silence) => silence.state !== 'expired' && parseInstant(silence.endsAt) >= firingAt && silenceMatches(silence, labels));
    checked.push(
      matching.length === 0
        ? 'no silence matched it'
        : `silences ${[...new Set(matching.map((silence) => silence.id))].join(', ')} matched it, but Alertmanager did not say they silenced it`,
    );
  }
  const input = facts.input;
  if (input?.route) {
    const calls = input.receiverCallsGameday === true ? ", which calls gameday's webhook" : '';
    checked.push(`its route ${input.route} leads to receiver "${input.receiver}"${calls}`);
  } else if (receivers.length === 0) checked.push("its route is unknown (Alertmanager's configuration was not read)");
  if (!record || record.notificationPolls.length === 0) checked.push("Alertmanager's notification counters were not read");
  else
    checked.push(
      `no ${receivers.length > 0 ? `notification to ${receiverNames(receivers)}` : 'notification'} failed (Alertmanager's counters)`,
    );
  const webhooks = facts.webhookCount ?? 0;
  checked.push(
    webhooks === 0
      ? "gameday's webhook received nothing in the whole run"
      : `gameday's webhook received ${webhooks} calls, none carrying this firing`,
  );
  return checked;
}

function suppressionWords(suppression: Suppression): string {
  const parts: string[] = [];
  if (suppression.inhibitedBy.length > 0) {
    const who = suppression.inhibitedBy.map((alert) =>
      alert.labels ? formatSelector(alert.labels.alertname ?? '', alert.labels) : `an alert with fingerprint ${alert.fingerprint}`,
    );
    const rules = [...new Set(suppression.inhibitedBy.map((alert) => alert.rule).filter((rule) => rule !== null))];
    const why = rules.length > 0 ? ` (${rules.join('; ')})` : ' (no inhibit rule in the configuration read at preflight matches them)';
    parts.push(`inhibited it while ${[...new Set(who)].join(' and ')} fired${why}`);
  }
  if (suppression.silencedBy.length > 0) {
    const by = suppression.silencedBy.map((silence) => {
      if (silence.startsAt === null) return `silence ${silence.id}`;
      const who = silence.createdBy ? ` by ${silence.createdBy}` : '';
      const why = silence.comment ? `, "${silence.comment}"` : '';
      return `silence ${silence.id} ${silence.matchers} (created${who}${why}; ${clock(parseInstant(silence.startsAt))} to ${clock(parseInstant(silence.endsAt ?? silence.startsAt))})`;
    });
    parts.push(`${parts.length > 0 ? 'also ' : ''}silenced it: ${by.join(', ')}`);
  }
  return parts.join('; ');
}

function suppressionFields(suppression: Suppression): Partial<Delivery> {
  return {
    ...(suppression.inhibitedBy.length > 0 ? { inhibitedBy: suppression.inhibitedBy } : {}),
    ...(suppression.silencedBy.length > 0 ? { silencedBy: suppression.silencedBy } : {}),
  };
}

function failureWords(failures: readonly ReceiverFailure[]): string {
  return failures
    .map((failure) => {
      const whose = failure.receiver ? `receiver "${failure.receiver}"'s ${failure.integration}` : `${failure.integration} notifications`;
      const caveat = failure.receiver ? '' : ' (Alertmanager counts per integration, not per receiver)';
      const then = failure.succeeded > 0 ? `, ${failure.succeeded} went through` : ', none went through';
      return `${whose} failed ${failure.failed} time${failure.failed === 1 ? '' : 's'} between ${clock(parseInstant(failure.from))} and ${clock(parseInstant(failure.to))}${then}${caveat}`;
    })
    .join('; ');
}

function receiverNames(names: readonly string[]): string {
  return names.length === 1 ? `receiver "${names[0]}"` : `receivers ${names.map((name) => `"${name}"`).join(', ')}`;
}

/** A time of day, as a person reads it beside the timeline: 14:03:07Z. */
function clock(at: EpochMs): string {
  return `${toIso(at).slice(11, 19)}Z`;
}

function seconds(value: number): string {
  return `${Number(value.toFixed(3))} s`;
}
