// Judging one expectation of one fault: find the episode that detected the fault, measure it from
// the fault's origin, and give the verdict, unless the pipeline was blind while the verdict was
// being decided (from the origin to the firing, or to the deadline for a miss), or the alert was
// already active and could not start anew: then it is inconclusive, with the reasons, and the
// figures measured are still reported. Recovery, delivery and the latency's floor come along.

import type { Expectation } from '../plan/types.ts';
import type { AlertmanagerAlertsPolled, DetectionInput, WebhookReceived } from '../journal/events.ts';
import { blindnessFor } from './blind.ts';
import type { AlertmanagerRecord } from './alertmanager-account.ts';
import { type PeerRecord, withPeers } from './alertmanager-peers.ts';
import { deliveryOf } from './delivery.ts';
import { SAME_INSTANT_MS } from './episodes.ts';
import { alertnameOf, formatSelector, matchesExpectation, sameAlert } from '../alerting/labels.ts';
import type { AlertEpisode, BlindInterval, ExpectationAnalysis, InconclusiveReason, PreExistingEpisode, Verdict } from './model.ts';
import { recoveryOf } from './recovery.ts';
import { type EpochMs, parseInstant, secondsBetween, toIso } from './time.ts';
import { latencyBreakdown } from './timing.ts';

/** The moments that bound a fault's detection. */
export interface DetectionWindow {
  /** The fault is in place. Episodes that start earlier are not this fault's detections. */
  injectedAt: EpochMs;
  /** Figures are measured from here: the injection, or the start of the burst that exposes the fault. */
  origin: EpochMs;
  /** An alert that starts later is not counted: revert + grace, or the end of the record. */
  deadline: EpochMs;
  /** The burst whose start is the origin, for explaining a negative figure. */
  exposedBy: string | null;
  /** When the fault was taken out; null if never. */
  revertedAt: EpochMs | null;
}

/** What the run saw besides the alert's own episodes. */
export interface JudgeContext {
  episodes: readonly AlertEpisode[];
  webhooks: readonly WebhookReceived[];
  alertmanagerPolls: readonly AlertmanagerAlertsPolled[];
  pollIntervalSeconds: number;
  blindIntervals: readonly BlindInterval[];
  /** Whether gameday listened for Alertmanager's webhooks. */
  listening: boolean;
  /** Alertmanager's own account: alert status per poll, silences, notification counters, inhibit rules. */
  alertmanager?: AlertmanagerRecord;
  /** Each peer's polls and failures when the plan names an Alertmanager cluster. */
  peers?: PeerRecord;
  endOfRecord: EpochMs;
}

/** Facts about the expectation's rule, from the preflight. */
export interface RuleFacts {
  readsTrace: boolean;
  input: DetectionInput | null;
}

export function judgeExpectation(
  expectation: Expectation,
  window: DetectionWindow,
  context: JudgeContext,
  rule: RuleFacts,
): ExpectationAnalysis {
  const { episodes, webhooks } = context;
  const matching = episodes.filter((episode) => matchesExpectation(episode.labels, expectation));
  const preExisting = matching.filter((episode) => wasActiveAt(episode, window.injectedAt));
  const detecting = detectingEpisode(matching, window);
  const notes: string[] = [];

  for (const episode of preExisting) {
    notes.push(
      `${formatSelector(alertnameOf(episode.labels), episode.labels)} was already ${episode.firing && episode.firing.at <= window.injectedAt ? 'firing' : 'pending'} ` +
        `at injection (since ${toIso(episode.startedAt)}): not counted as a detection`,
    );
  }

  const after = (at: EpochMs | null | undefined) => (at == null ? null : secondsBetween(window.origin, at));
  const pendingAt = detecting?.pending?.at ?? null;
  const firingAt = detecting?.firing?.at ?? null;
  const notification = detecting && firingAt !== null ? firstNotification(detecting, firingAt, webhooks) : null;
  const firingAfterSeconds = after(firingAt);

  let measured: Verdict = 'missed';
  if (firingAt !== null && firingAfterSeconds !== null && firingAt <= window.deadline) {
    measured = firingAfterSeconds <= expectation.withinSeconds ? 'detected' : 'late';
  }
  const delivered = firingAt === null || !detecting ? null : promptDelivery(detecting, firingAt, notification, context, rule);
  const inconclusive = inconclusiveReasons(expectation, window, context, rule, measured, firingAt, preExisting, delivered);
  const verdict: Verdict = inconclusive.length > 0 ? 'inconclusive' : measured;
  if (delivered !== null && firingAt !== null) {
    const span = { from: Math.min(window.origin, firingAt), to: Math.max(window.origin, firingAt) };
    const vouched = blindnessFor(context.blindIntervals, expectation, rule.readsTrace, span).filter(
      (interval) => interval.cause === 'alertmanager-unreachable' || interval.cause === 'watchdog-missing',
    );
    for (const interval of vouched) notes.push(`${interval.detail}, but this alert got through at once (${delivered}): not blind for it`);
  }
  if (inconclusive.length > 0) {
    const figures = measured === 'missed' ? 'no firing by the deadline' : `the alert fired after ${firingAfterSeconds} s`;
    notes.push(
      `measured alone this would be ${measured} (${figures}), but the verdict cannot be trusted: ${inconclusive.map((reason) => reason.detail).join('; ')}`,
    );
  }

  if (detecting) {
    notes.push(...detecting.notes);
    if (firingAt !== null && firingAt > window.deadline) {
      notes.push(`fired at ${toIso(firingAt)}, ${secondsBetween(window.deadline, firingAt)} s after revert + grace`);
    } else if (firingAt === null) {
      notes.push('went pending but never fired');
    }
    if (firingAfterSeconds !== null && firingAfterSeconds < 0 && window.exposedBy !== null) {
      notes.push(`fired before burst ${window.exposedBy}, which exposes the fault, started`);
    }
  }
  if (firingAt !== null && notification === null && webhooks.length > 0) {
    notes.push('no webhook notification carried this firing');
  }

  const { source: resolvedSource, ...recovery } = recoveryOf(detecting, preExisting, window.revertedAt);
  if (recovery.status === 'never-resolved') notes.push('still active when the record ends: it never resolved after the revert');
  if (recovery.status === 'resolved-before-revert' && recovery.resolvedAfterRevertSeconds !== null) {
    notes.push(`resolved ${-recovery.resolvedAfterRevertSeconds} s before the revert, while the fault was still in place`);
  }
  const figures = { pendingAfterSeconds: after(pendingAt), firingAfterSeconds, notifiedAfterSeconds: after(notification) };
  return {
    alert: expectation.alert,
    labels: expectation.labels,
    withinSeconds: expectation.withinSeconds,
    verdict,
    ...figures,
    pendingAt,
    firingAt,
    notifiedAt: notification,
    sources: {
      pending: detecting?.pending?.source ?? null,
      firing: detecting?.firing?.source ?? null,
      notified: notification === null ? null : 'webhook',
      resolved: resolvedSource,
    },
    alertLabels: detecting?.labels ?? null,
    runbookUrl: runbookUrlFor(expectation, detecting, episodes),
    preExisting: preExisting.map(toPreExisting),
    inconclusive,
    recovery,
    delivery: withPeers(
      deliveryOf({
        firingAt: firingAt !== null && firingAt <= window.deadline ? firingAt : null,
        notifiedAt: notification,
        episode: detecting ?? null,
        input: rule.input,
        listening: context.listening,
        blindIntervals: context.blindIntervals,
        endOfRecord: context.endOfRecord,
        ...(context.alertmanager ? { alertmanager: context.alertmanager } : {}),
        pollIntervalSeconds: context.pollIntervalSeconds,
        webhookCount: webhooks.length,
      }),
      context.peers,
      detecting?.labels ?? null,
      firingAt,
      context.endOfRecord,
    ),
    timing: latencyBreakdown(rule.input, figures),
    notes,
  };
}

/**
 * Why the verdict cannot be trusted: the pipeline was blind between the origin and the moment
 * the verdict was decided (the firing; the deadline for a miss), or the alert was already active
 * at injection and still active when the target passed, so no new episode could have started.
 * Blindness that could only have delayed a firing does not undo a detection in time.
 */
function inconclusiveReasons(
  expectation: Expectation,
  window: DetectionWindow,
  context: JudgeContext,
  rule: RuleFacts,
  measured: Verdict,
  firingAt: EpochMs | null,
  preExisting: readonly AlertEpisode[],
  delivered: string | null,
): InconclusiveReason[] {
  const decidedAt = measured === 'missed' || firingAt === null ? window.deadline : firingAt;
  const span = { from: Math.min(window.origin, decidedAt), to: Math.max(window.origin, decidedAt) };
  // The Alertmanager leg is what the watchdog and gameday's view of Alertmanager vouch for; an
  // alert seen arriving there at once needs no voucher (the watchdog may only be awaiting a resend).
  const alertmanagerLeg = new Set(['alertmanager-unreachable', 'watchdog-missing']);
  // Prometheus evaluating late or not at all can only delay a firing: an alert that fired in time
  // despite it was detected in time. A stale trace is another matter: an absence alert on the
  // trace fires when the trace stops, fault or no fault.
  const onlyDelays = new Set(['prometheus-unreachable', 'rules-not-evaluated', 'rule-unhealthy']);
  const blind = blindnessFor(context.blindIntervals, expectation, rule.readsTrace, span).filter(
    (interval) =>
      (delivered === null || !alertmanagerLeg.has(interval.cause)) && !(measured === 'detected' && onlyDelays.has(interval.cause)),
  );
  const reasons: InconclusiveReason[] = blind.map((interval) => ({
    cause: interval.cause,
    from: interval.from,
    to: interval.to,
    detail: `${interval.detail} (${toIso(interval.from)} → ${interval.to === null ? 'the end of the record' : toIso(interval.to)})`,
  }));
  if (measured === 'missed' && context.endOfRecord < window.origin + expectation.withinSeconds * 1000) {
    // An aborted or crashed run: the record stops before the alert's time was up.
    reasons.push({
      cause: 'cut-short',
      from: context.endOfRecord,
      to: null,
      detail:
        `the record ends ${toIso(context.endOfRecord)}, before the ${expectation.withinSeconds} s target passed ` +
        '(the run was aborted or died): whether it would have fired in time cannot be told',
    });
  }
  if (measured !== 'detected') {
    const target = Math.min(window.origin + expectation.withinSeconds * 1000, window.deadline);
    const blocking = preExisting.find((episode) => episode.endedBy === null || episode.endedBy > target);
    if (blocking) {
      reasons.push({
        cause: 'pre-existing',
        from: blocking.startedAt,
        to: blocking.endedBy,
        detail:
          `${formatSelector(alertnameOf(blocking.labels), blocking.labels)} was already active at injection (since ${toIso(blocking.startedAt)}) and still active when ` +
          'the target passed: a new episode could not start, so whether this fault would fire it cannot be told',
      });
    }
  }
  return reasons;
}

/**
 * Proof that this firing got through to Alertmanager at once: seen in an Alertmanager poll within
 * a poll interval (plus slack) of firing, or notified within group_wait. Null without proof.
 */
function promptDelivery(
  episode: AlertEpisode,
  firingAt: EpochMs,
  notifiedAt: EpochMs | null,
  context: JudgeContext,
  rule: RuleFacts,
): string | null {
  const slackMs = 2000;
  const groupWait = rule.input?.groupWaitSeconds ?? null;
  if (notifiedAt !== null && groupWait !== null && notifiedAt - firingAt <= groupWait * 1000 + slackMs) {
    return `notified ${secondsBetween(firingAt, notifiedAt)} s after firing`;
  }
  const seen = context.alertmanagerPolls.find((poll) =>
    poll.alerts.some(
      (alert) => sameAlert(episode.labels, alert.labels) && Math.abs(parseInstant(alert.startsAt) - firingAt) <= SAME_INSTANT_MS,
    ),
  );
  if (seen && parseInstant(seen.at) - firingAt <= context.pollIntervalSeconds * 1000 + slackMs) {
    return `in Alertmanager ${secondsBetween(firingAt, parseInstant(seen.at))} s after firing`;
  }
  return null;
}

/** A fault that was never in place: nothing to measure, but the runbook is still worth a link. */
/**
 * An expectation of a fault that was never in place. `notMarked`: a manual injection no one marked,
 * with the reason; its expectations are inconclusive (the team was not tested), never missed.
 */
export function notInjectedExpectation(
  expectation: Expectation,
  episodes: readonly AlertEpisode[],
  notMarked?: string,
): ExpectationAnalysis {
  return {
    alert: expectation.alert,
    labels: expectation.labels,
    withinSeconds: expectation.withinSeconds,
    verdict: notMarked === undefined ? 'not-injected' : 'inconclusive',
    pendingAfterSeconds: null,
    firingAfterSeconds: null,
    notifiedAfterSeconds: null,
    pendingAt: null,
    firingAt: null,
    notifiedAt: null,
    sources: { pending: null, firing: null, notified: null, resolved: null },
    alertLabels: null,
    runbookUrl: runbookUrlFor(expectation, undefined, episodes),
    preExisting: [],
    inconclusive: notMarked === undefined ? [] : [{ cause: 'not-injected', from: null, to: null, detail: `not injected: ${notMarked}` }],
    recovery: { status: 'not-fired', resolvedAt: null, resolvedAfterRevertSeconds: null },
    delivery: {
      status: 'not-fired',
      afterFiringSeconds: null,
      groupWaitSeconds: null,
      groupIntervalSeconds: null,
      explanation: 'the fault was never in place',
    },
    timing: null,
    notes: [],
  };
}

/** Active at `at`: started before it and not yet seen gone. */
export function wasActiveAt(episode: AlertEpisode, at: EpochMs): boolean {
  return episode.startedAt < at && (episode.endedBy === null || episode.endedBy > at);
}

/**
 * The first episode that started while the fault was in place and fired by the deadline; failing
 * that, the first that started in that span at all (it went pending, or fired too late), so its
 * figures still show in the report.
 */
function detectingEpisode(matching: readonly AlertEpisode[], window: DetectionWindow): AlertEpisode | undefined {
  const started = matching
    .filter((episode) => episode.startedAt >= window.injectedAt && episode.startedAt <= window.deadline)
    .sort((a, b) => a.startedAt - b.startedAt);
  return started.find((episode) => episode.firing !== null && episode.firing.at <= window.deadline) ?? started[0];
}

/** The first webhook that carried this firing: same alert, and its startsAt is the episode's. */
function firstNotification(episode: AlertEpisode, firingAt: EpochMs, webhooks: readonly WebhookReceived[]): EpochMs | null {
  for (const webhook of webhooks) {
    const carries = webhook.alerts.some(
      (alert) =>
        alert.status === 'firing' &&
        sameAlert(episode.labels, alert.labels) &&
        Math.abs(parseInstant(alert.startsAt) - firingAt) <= SAME_INSTANT_MS,
    );
    if (carries) return parseInstant(webhook.at);
  }
  return null;
}

/**
 * The alert's `runbook_url` annotation. ALERTS samples carry no annotations, so they come from
 * the polls and webhooks: the detecting episode's first, then any episode of the same alert.
 */
function runbookUrlFor(expectation: Expectation, detecting: AlertEpisode | undefined, episodes: readonly AlertEpisode[]): string | null {
  const fromEpisode = (episode: AlertEpisode | undefined) => episode?.annotations.runbook_url ?? null;
  return (
    fromEpisode(detecting) ??
    fromEpisode(episodes.find((e) => matchesExpectation(e.labels, expectation) && e.annotations.runbook_url)) ??
    fromEpisode(episodes.find((e) => e.alertname === expectation.alert && e.annotations.runbook_url))
  );
}

function toPreExisting(episode: AlertEpisode): PreExistingEpisode {
  return {
    labels: episode.labels,
    startedAt: episode.startedAt,
    firingAt: episode.firing?.at ?? null,
    endedBy: episode.endedBy,
  };
}
