// Did a page go out? Whether a notification for the detecting firing reached gameday's webhook,
// and when not, or not at once, whose doing it was. Alertmanager flushes a new aggregation group
// after group_wait, but an alert that joins a group that already exists waits for the group's
// next tick (up to group_interval), and one that fires and resolves between two ticks is never
// sent at all (docs/detection-time.md#grouping): that is grouping, not a slow rule.

import type { DetectionInput } from '../journal/events.ts';
import type { AlertEpisode, BlindInterval, Delivery } from './model.ts';
import { type EpochMs, secondsBetween } from './time.ts';

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
}

export function deliveryOf(facts: DeliveryFacts): Delivery {
  const { firingAt, notifiedAt, input } = facts;
  const groupWait = input?.groupWaitSeconds ?? null;
  const groupInterval = input?.groupIntervalSeconds ?? null;
  const base = { groupWaitSeconds: groupWait, groupIntervalSeconds: groupInterval };
  const result = (status: Delivery['status'], explanation: string, afterFiringSeconds: number | null = null): Delivery => ({
    status,
    afterFiringSeconds,
    ...base,
    explanation,
  });
  if (firingAt === null) return result('not-fired', 'the alert did not fire, so there was nothing to notify');
  if (!facts.listening) return result('not-observed', 'gameday did not listen for webhooks (monitoring.webhookListen is not set)');

  const G = groupWait ?? DEFAULT_GROUP_WAIT;
  const I = groupInterval ?? DEFAULT_GROUP_INTERVAL;
  const assumed = groupWait === null || groupInterval === null ? " (Alertmanager's configuration was not read: its defaults assumed)" : '';
  const waitText = `group_wait ${seconds(G)}`;
  const intervalText = `group_interval ${seconds(I)}`;
  const pipelineBlind = (to: EpochMs) =>
    facts.blindIntervals.filter(
      (interval) =>
        (interval.cause === 'alertmanager-unreachable' || interval.cause === 'watchdog-missing') &&
        interval.from <= to &&
        (interval.to ?? Infinity) >= firingAt,
    );

  if (notifiedAt !== null) {
    const delay = secondsBetween(firingAt, notifiedAt);
    if (delay <= G + DELIVERY_SLACK_SECONDS) {
      return result('on-time', `the webhook came ${seconds(delay)} after firing, within ${waitText}${assumed}`, delay);
    }
    const blind = pipelineBlind(notifiedAt);
    if (blind.length > 0) {
      return result(
        'alertmanager-blind',
        `the webhook came ${seconds(delay)} after firing; in between, ${blind[0]?.detail}: the delay is not the rule's`,
        delay,
      );
    }
    if (delay <= G + I + DELIVERY_SLACK_SECONDS) {
      return result(
        'delayed-by-grouping',
        `the webhook came ${seconds(delay)} after firing, later than ${waitText} but within ${intervalText}${assumed}: the alert joined an ` +
          "aggregation group that already existed and waited for the group's next tick (see docs/detection-time.md#grouping); the rule was not slow",
        delay,
      );
    }
    return result(
      'late',
      `the webhook came ${seconds(delay)} after firing, later than ${waitText} + ${intervalText}${assumed}: Alertmanager or the receiver was slow`,
      delay,
    );
  }

  const dueBy = firingAt + (G + DELIVERY_SLACK_SECONDS) * 1000;
  const blind = pipelineBlind(dueBy);
  if (blind.length > 0) return result('alertmanager-blind', `no webhook came; ${blind[0]?.detail}`);
  if (input?.receiverCallsGameday === false) {
    return result(
      'not-routed-to-gameday',
      `no webhook came: Alertmanager routes the alert (${input.route}) to receiver "${input.receiver}", which does not call gameday's webhook`,
    );
  }
  const endedBy = facts.episode?.endedBy ?? null;
  if (endedBy !== null && endedBy - firingAt <= (I + DELIVERY_SLACK_SECONDS) * 1000) {
    return result(
      'suppressed-by-grouping',
      `no webhook came: the alert fired and resolved ${seconds(secondsBetween(firingAt, endedBy))} later, within one ${intervalText}${assumed}. ` +
        'When its aggregation group already existed, Alertmanager found nothing firing at the next tick and sent nothing (see docs/detection-time.md#grouping): grouping, not the rule',
    );
  }
  if (dueBy > facts.endOfRecord) return result('not-observed', `the record ends before a notification was due (${waitText} after firing)`);
  const activeFor = secondsBetween(firingAt, endedBy ?? facts.endOfRecord);
  return result(
    'not-notified',
    `no webhook came although the alert stayed firing for ${seconds(activeFor)}, longer than ${waitText}${assumed}` +
      (input?.receiver
        ? `: check the route (${input.route}, receiver "${input.receiver}") and the receiver`
        : ': check the route and the receiver'),
  );
}

function seconds(value: number): string {
  return `${Number(value.toFixed(3))} s`;
}
