// What analyzeRun finds in a journal. Times are epoch milliseconds and durations seconds (rounded
// to 3 decimals); the report renderers turn times into ISO strings. Every figure here can be traced
// to the journal events it came from, and `sources` says which ones.

import type { DetectionInput, GamedayCost } from '../journal/events.ts';
import type { ClockEstimate } from './clock.ts';
import type { PeerSighting } from './alertmanager-peers.ts';
import type { Labels } from '../alerting/labels.ts';
import type { EpochMs } from './time.ts';
import type { FaultImpact } from './impact-model.ts';
import type { TeamClock } from './team-clock.ts';

export type { ClockFigure, ClockSource, TeamClock } from './team-clock.ts';

export type { FaultImpact, ImpactKind, JourneyImpact, LatencyFigures, LatencyImpact, TraceImpact } from './impact-model.ts';

/**
 * The outcome of one expectation. A `Record<Verdict, …>` wherever verdicts are counted or shown,
 * so a new verdict does not compile until every renderer handles it. `inconclusive`: the pipeline
 * was blind while the verdict was being decided (or the alert was already active): never a pass
 * or a fail on no evidence.
 */
export type Verdict = 'detected' | 'late' | 'missed' | 'inconclusive' | 'not-injected';

export const verdicts: readonly Verdict[] = ['detected', 'late', 'missed', 'inconclusive', 'not-injected'];

/** Why the pipeline was blind; see blind.ts. */
export type BlindCause =
  'prometheus-unreachable' | 'alertmanager-unreachable' | 'watchdog-missing' | 'rules-not-evaluated' | 'rule-unhealthy' | 'trace-stale';

/** A stretch of the run during which part of the monitoring pipeline could not be seen working. */
export interface BlindInterval {
  cause: BlindCause;
  from: EpochMs;
  /** null: not seen working again before the record ends. */
  to: EpochMs | null;
  /** `rule-unhealthy`: the alert whose rule failed; null when it concerns every alert. */
  alert: string | null;
  detail: string;
  /** False when only gameday's view was interrupted and Prometheus's own record covers the stretch. */
  affectsVerdicts: boolean;
}

/**
 * Where a figure came from: Prometheus's own record (`ALERTS`, `ALERTS_FOR_STATE`), a poll of its
 * `/api/v1/alerts`, a poll of Alertmanager's `/api/v2/alerts`, or a webhook Alertmanager sent.
 */
export type EvidenceSource = 'ALERTS' | 'prometheus-api' | 'alertmanager-api' | 'webhook';

export type RunStatus = 'completed' | 'aborted' | 'failed' | 'incomplete';

export interface TimedEvidence {
  at: EpochMs;
  source: EvidenceSource;
}

/** One continuous stretch during which Prometheus held an alert (one label set) pending or firing. */
export interface AlertEpisode {
  alertname: string;
  /** The alert's labels, alertname included, `alertstate` excluded. */
  labels: Labels;
  /** When the rule first saw the condition (`activeAt`); equals `firing` for `for: 0` rules. */
  pending: TimedEvidence | null;
  /** When the alert fired (Prometheus `FiredAt` = Alertmanager `startsAt`); null if it never did. */
  firing: TimedEvidence | null;
  /** The earlier of pending and firing. */
  startedAt: EpochMs;
  /** The latest moment it is known to have been active. */
  lastSeenAt: EpochMs;
  /** By when it was seen gone (the next evaluation or poll); null if still active when the record ends. */
  endedBy: EpochMs | null;
  /** Where `endedBy` came from: the evaluation after the last ALERTS sample, a poll, a resolved webhook. */
  endedBySource: EvidenceSource | null;
  annotations: Labels;
  /** `ALERTS` when Prometheus's record holds the episode; `polls` when only the API polls saw it. */
  record: 'ALERTS' | 'polls';
  /** Disagreements between sources, in words, for the report. */
  notes: string[];
}

export interface RunAnalysis {
  plan: PlanSummary;
  run: RunInfo;
  faults: FaultAnalysis[];
  bursts: BurstAnalysis[];
  trace: TraceTotals;
  unexpectedAlerts: UnexpectedAlert[];
  monitoring: MonitoringEvidence;
  /** The offset between gameday's clock and Prometheus's; null when it was never read. */
  clock: ClockEstimate | null;
  /** When the pipeline was blind, in time order; those that affect verdicts make them inconclusive. */
  blindIntervals: BlindInterval[];
}

export interface PlanSummary {
  name: string;
  file: string;
  graceSeconds: number;
  watchdog: string | null;
}

export interface RunInfo {
  id: string;
  gamedayVersion: string;
  startedAt: EpochMs;
  endedAt: EpochMs | null;
  /** `incomplete` when the journal has no `run.ended`: gameday crashed or was killed. */
  status: RunStatus;
  reason: string | null;
  windowStartedAt: EpochMs | null;
  windowEndedAt: EpochMs | null;
  /** gameday's own CPU and peak RSS over the run; null when not recorded (no run.ended, or an older journal). */
  gameday: GamedayCost | null;
}

/** not-injected: a manual injection no one marked (expectations inconclusive, never missed). */
export type InjectionStatus = 'injected' | 'inject-failed' | 'never-injected' | 'not-injected';

export interface FaultAnalysis {
  name: string;
  description: string | null;
  injection: InjectionStatus;
  /** When the fault was in place (the injector completed). */
  injectedAt: EpochMs | null;
  injectError: string | null;
  revertedAt: EpochMs | null;
  revertError: string | null;
  /** The origin of every figure: the injection, or the start of the burst that exposes the fault. */
  measuredFrom: EpochMs | null;
  /** The burst whose start is the origin, when it is. */
  measuredFromBurst: string | null;
  /** The last moment an alert still counts for this fault: revert + grace, or the end of the record. */
  deadline: EpochMs | null;
  expectations: ExpectationAnalysis[];
  impact: FaultImpact | null;
  /** The team's time to detect, acknowledge and restore; null when the fault was not in place. */
  clock: TeamClock | null;
  /** What a reader should know about how this fault was measured, in words. */
  notes: string[];
}

export interface ExpectationAnalysis {
  alert: string;
  /** The plan's extra label matchers. */
  labels: Labels;
  withinSeconds: number;
  verdict: Verdict;
  pendingAfterSeconds: number | null;
  firingAfterSeconds: number | null;
  notifiedAfterSeconds: number | null;
  pendingAt: EpochMs | null;
  firingAt: EpochMs | null;
  notifiedAt: EpochMs | null;
  sources: FigureSources;
  /** Full labels of the episode the figures come from. */
  alertLabels: Labels | null;
  runbookUrl: string | null;
  /** Matching episodes already active at injection: reported, never a detection. */
  preExisting: PreExistingEpisode[];
  /** Why the verdict is inconclusive; empty for every other verdict. */
  inconclusive: InconclusiveReason[];
  /** When the alert resolved, and how long after the revert. */
  recovery: Recovery;
  /** Whether, when and why (not) a notification reached gameday's webhook. */
  delivery: Delivery;
  /** The measured latency beside its floor from the configuration; null without the preflight's inputs. */
  timing: LatencyBreakdown | null;
  notes: string[];
}

export interface FigureSources {
  pending: EvidenceSource | null;
  firing: EvidenceSource | null;
  notified: 'webhook' | null;
  resolved: EvidenceSource | null;
}

export interface InconclusiveReason {
  cause: BlindCause | 'pre-existing' | 'cut-short' | 'not-injected';
  from: EpochMs | null;
  to: EpochMs | null;
  detail: string;
}

/**
 * resolved: after the revert; resolved-before-revert: it stopped while the fault was still in place
 * (flapping, or the burst that exposed it ended); never-resolved: still active when the record ends.
 */
export type RecoveryStatus = 'resolved' | 'resolved-before-revert' | 'never-resolved' | 'not-reverted' | 'not-fired';

export interface Recovery {
  status: RecoveryStatus;
  resolvedAt: EpochMs | null;
  /** resolvedAt − revertedAt; negative when it resolved before the revert. */
  resolvedAfterRevertSeconds: number | null;
}

/**
 * on-time: within group_wait of firing; delayed-by-grouping: later, within group_interval (an
 * existing aggregation group's next tick, docs/detection-time.md#grouping); late: later still;
 * suppressed-by-grouping: never sent, the alert fired and resolved within one group_interval;
 * inhibited / silenced: Alertmanager said so (`status.inhibitedBy` / `silencedBy`) when the
 * notification was due; receiver-failed: Alertmanager tried and the receiver's integration failed
 * (its notification counters); alertmanager-blind: Alertmanager or the watchdog was down;
 * not-routed-to-gameday: its receiver does not call gameday's webhook; not-notified: not sent, and
 * none of these explains it (`checked` says what was looked at); not-observed: gameday did not
 * listen, or the record ended before a notification was due.
 */
export type DeliveryStatus =
  | 'on-time'
  | 'delayed-by-grouping'
  | 'late'
  | 'suppressed-by-grouping'
  | 'inhibited'
  | 'silenced'
  | 'receiver-failed'
  | 'alertmanager-blind'
  | 'not-routed-to-gameday'
  | 'not-notified'
  | 'not-observed'
  | 'not-fired';

export interface Delivery {
  status: DeliveryStatus;
  /** notifiedAt − firingAt. */
  afterFiringSeconds: number | null;
  groupWaitSeconds: number | null;
  groupIntervalSeconds: number | null;
  explanation: string;
  /** What was looked at before saying so, in words (Alertmanager's polls, silences, counters, routes). */
  checked?: string[];
  /** The alerts that inhibited it when the notification was due, and the rule that let them. */
  inhibitedBy?: InhibitingAlert[];
  /** The silences that silenced it when the notification was due. */
  silencedBy?: SilenceFacts[];
  /** The receivers Alertmanager said it routes the alert to (`receivers` of /api/v2/alerts). */
  receivers?: string[];
  /** Failed notifications of the receiver's integrations while the notification was due. */
  receiverFailures?: ReceiverFailure[];
  /** With an Alertmanager cluster: which peers had the firing, when, and which did not answer. */
  peers?: PeerSighting[];
}

/** An alert that inhibited an expected one. Times in these Alertmanager facts are ISO strings, as Alertmanager gave them. */
export interface InhibitingAlert {
  fingerprint: string;
  /** Null when no poll showed the alert with this fingerprint. */
  labels: Labels | null;
  /** The inhibit rule, e.g. `inhibit_rules[0]: alertname="ApiDown" mutes severity="warning" (equal: service)`; null when none matches or the configuration was not read. */
  rule: string | null;
}

export interface SilenceFacts {
  id: string;
  /** e.g. `{alertname="QueueUnreachable", env=~"prod|staging"}`; empty when the silence was not seen. */
  matchers: string;
  createdBy: string;
  comment: string;
  startsAt: string | null;
  endsAt: string | null;
}

export interface ReceiverFailure {
  integration: string;
  /** Null when Alertmanager counts per integration only (0.25): any receiver using it may have failed. */
  receiver: string | null;
  /** Requests that failed (retries counted), or failed notifications when requests are not counted. */
  failed: number;
  /** Requests (or notifications) that went through in the same span. */
  succeeded: number;
  /** The counter reads the figures come from (ISO). */
  from: string;
  to: string;
}

/** Where the seconds went: each stretch of the alerting chain, measured and as the configuration bounds it. */
export interface LatencyBreakdown {
  /** The journaled inputs of the chain (R and its stretches left out for journals that did not record them). */
  inputs: Pick<
    DetectionInput,
    | 'scrapeSeconds'
    | 'scrapeSource'
    | 'evalSeconds'
    | 'forSeconds'
    | 'windowSeconds'
    | 'rangeWindowSeconds'
    | 'rangeWindows'
    | 'groupWaitSeconds'
  >;
  /** The best case from the configuration: the fastest this alert can fire after the fault. */
  floorSeconds: number | null;
  /** The worst case the configuration allows. */
  worstSeconds: number | null;
  /** firingAfterSeconds − floorSeconds. */
  aboveFloorSeconds: number | null;
  segments: LatencySegment[];
}

export interface LatencySegment {
  /** condition: fault → pending (scrape, evaluation, window); for: pending → firing; notification: firing → webhook. */
  name: 'condition' | 'for' | 'notification';
  measuredSeconds: number | null;
  expectedMinSeconds: number | null;
  expectedMaxSeconds: number | null;
}

export interface PreExistingEpisode {
  labels: Labels;
  startedAt: EpochMs;
  firingAt: EpochMs | null;
  endedBy: EpochMs | null;
}

export interface TraceTotals {
  totalRequests: number;
  failedRequests: number;
  /** Null when the trace recorded nothing. */
  successRatio: number | null;
}

export type BurstStatus = 'completed' | 'failed' | 'running' | 'not-started';

export interface BurstAnalysis {
  name: string;
  status: BurstStatus;
  startedAt: EpochMs | null;
  endedAt: EpochMs | null;
  requestedRate: number;
  durationSeconds: number;
  vus: number | null;
  achievedRate: number | null;
  iterations: number | null;
  droppedIterations: number | null;
  /** Dropped iterations over the iterations k6 was asked to start. */
  droppedRatio: number | null;
  httpReqFailedRate: number | null;
  p95Ms: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

export interface UnexpectedAlert {
  alertname: string;
  labels: Labels;
  episodes: number;
  firstStartedAt: EpochMs;
  /** Whether any of its episodes fired (or only went pending). */
  fired: boolean;
  /** Faults one of its episodes overlapped, from injection to revert (see UNEXPECTED_ATTRIBUTION in unexpected.ts). */
  duringFaults: string[];
  /** Whether one of its episodes was still active when the record ends. */
  stillActiveAtEnd: boolean;
}

/** How well gameday could see the monitoring, for judging the evidence. */
export interface MonitoringEvidence {
  /** Did the journal hold Prometheus's own record (`alerts.reconciled`)? */
  reconciled: boolean;
  prometheusPolls: number;
  alertmanagerPolls: number;
  webhooks: number;
  observeFailures: { prometheus: number; alertmanager: number; webhook: number };
}
