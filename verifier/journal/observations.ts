// The events of what gameday observed — Prometheus's and Alertmanager's alerts, silences and
// notification counters, webhooks, failed and recovered sources, rule health, clock reads, the
// inputs that bound each detection, Prometheus's own record, and the trace's samples — with the
// wire types they carry. Part of the journal's event union (events.ts re-exports them).

import type { Base } from './base.ts';

/** An alert as Prometheus's /api/v1/alerts reports it. */
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

/** An alert as Alertmanager's /api/v2/alerts reports it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  fingerprint: string;
  /** `status.state`: active, suppressed (inhibited or silenced) or unprocessed. */
  state: string;
  /** Fingerprints of the alerts that inhibit it (`status.inhibitedBy`); absent in older journals. */
  inhibitedBy?: string[];
  /** Ids of the silences that silence it (`status.silencedBy`); absent in older journals. */
  silencedBy?: string[];
  /** The receivers its routes lead to (`receivers[].name`); absent in older journals. */
  receivers?: string[];
}

/** Written when the set of active alerts changed since the previous poll. */
export interface PrometheusAlertsPolled extends Base {
  kind: 'alerts.prometheus';
  alerts: PromAlert[];
}

export interface AlertmanagerAlertsPolled extends Base {
  kind: 'alerts.alertmanager';
  alerts: AmAlert[];
  /** The Alertmanager peer that answered (its base URL) when the plan names several; absent for one. */
  peer?: string;
}

/** A silence as Alertmanager's /api/v2/silences reports it. */
export interface AmSilence {
  id: string;
  /** `status.state`: active, pending (scheduled) or expired. */
  state: string;
  matchers: AmSilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface AmSilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** False for `!=` and `!~`; Alertmanager before 0.22 has no such field (then true). */
  isEqual: boolean;
}

/**
 * Alertmanager's silences, written when they change: every silence that is active or pending,
 * or that expired after the poller started (its details explain a `silencedBy` id).
 */
export interface AlertmanagerSilencesPolled extends Base {
  kind: 'silences.alertmanager';
  silences: AmSilence[];
  peer?: string;
}

/**
 * Alertmanager's notification counters from its /metrics, written when they change. Alertmanager
 * 0.25 counts per integration (webhook, email, …); later versions add the receiver's name.
 */
export interface AlertmanagerNotificationsPolled extends Base {
  kind: 'notifications.alertmanager';
  counters: NotificationCounter[];
  peer?: string;
}

export interface NotificationCounter {
  integration: string;
  /** `receiver_name`, when the Alertmanager labels its counters with it (0.26 and later). */
  receiver?: string;
  /** `alertmanager_notifications_total`: notifications attempted (retries included in one). */
  notifications: number;
  /** `alertmanager_notifications_failed_total`: notifications that failed after every retry. */
  failed: number;
  /** `alertmanager_notification_requests_total`: requests sent to the integration, retries counted. */
  requests?: number;
  /** `alertmanager_notification_requests_failed_total`. */
  requestsFailed?: number;
}

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface WebhookReceived extends Base {
  kind: 'webhook.received';
  receiver: string;
  status: string;
  groupKey: string;
  alerts: WebhookAlert[];
}

/** The first failure of a streak (after retries); `observe.recovered` ends it. */
export interface ObserveFailed extends Base {
  kind: 'observe.failed';
  source: 'prometheus' | 'alertmanager' | 'webhook';
  error: string;
  /** The last answer before the streak: gameday could see nothing from then on. */
  lastSuccessAt?: string;
  /** `reconciliation`: reading Prometheus's record after the window failed (no streak). Absent: a poll. */
  phase?: 'poll' | 'reconciliation';
  /** The Alertmanager peer that did not answer (its base URL) when the plan names several; absent for one. */
  peer?: string;
}

/** The first answer after an `observe.failed` streak: the blind interval ends here. */
export interface ObserveRecovered extends Base {
  kind: 'observe.recovered';
  source: 'prometheus' | 'alertmanager';
  /** When the streak's `observe.failed` was written. */
  failedAt: string;
  failedPolls: number;
  /** The Alertmanager peer that answers again, when the plan names several. */
  peer?: string;
}

/**
 * Alerting rules whose evaluation is not healthy (`/api/v1/rules`: health `err`, or `unknown`
 * before the first evaluation), written when that set changes; an empty list ends every entry.
 */
export interface RulesHealth extends Base {
  kind: 'rules.health';
  unhealthy: UnhealthyRule[];
}

export interface UnhealthyRule {
  name: string;
  group: string;
  health: string;
  lastError: string | null;
}

/**
 * Prometheus's clock read with `time()`, each read bracketed by gameday's clock. Prometheus's
 * timestamps (activeAt, startsAt, ALERTS samples) are on its clock, injections on gameday's.
 */
export interface ClockSampled extends Base {
  kind: 'clock.sampled';
  phase: 'preflight' | 'end';
  samples: ClockSample[];
}

export interface ClockSample {
  /** gameday's clock when the query was sent. */
  sentAt: string;
  /** Prometheus's `time()`: its clock when it evaluated the query (milliseconds). */
  prometheusTime: string;
  /** gameday's clock when the answer arrived. */
  receivedAt: string;
}

/**
 * What bounds each expectation's detection time, read from the configurations at preflight
 * (docs/detection-time.md#bounds): scrape and evaluation intervals, `for`, absence window, and the
 * Alertmanager route's group_wait and group_interval. One entry per distinct expectation.
 */
export interface DetectionInputs extends Base {
  kind: 'detection.inputs';
  expectations: DetectionInput[];
  /** Configurations that could not be read, in words; their inputs are null. */
  problems: string[];
  /** Alertmanager's inhibit rules, to name the one that muted an alert; absent in older journals. */
  inhibitRules?: InhibitRuleInput[];
  /** Alertmanager's receivers; absent in older journals. */
  receivers?: ReceiverInput[];
}

export interface DetectionInput {
  alert: string;
  /** The plan's label matchers. */
  labels: Record<string, string>;
  scrapeSeconds: number | null;
  /** e.g. `job "demo-api"`, `k6 remote write`, `global`. */
  scrapeSource: string | null;
  evalSeconds: number;
  forSeconds: number;
  /** W of absent_over_time(…[W]); the 5m lookback for absent() on pushed series; else 0. */
  windowSeconds: number;
  /** R: range windows on the way to the comparison (rate(…[10s]) and the like); absent in older journals. */
  rangeWindowSeconds?: number;
  /** R stretch by stretch, in words: `window 10s of rate(duration_sum[10s])`. */
  rangeWindows?: string[];
  /** The rule reads k6 series, which only the running trace pushes. */
  readsTrace: boolean;
  groupWaitSeconds: number | null;
  groupIntervalSeconds: number | null;
  /** The Alertmanager route the alert takes, e.g. `route.routes[1]`, and its receiver. */
  route: string | null;
  receiver: string | null;
  /** Whether that receiver calls gameday's webhook (`monitoring.webhookListen`); null when unknown. */
  receiverCallsGameday: boolean | null;
}

/** One of Alertmanager's receivers: what it sends through, and whether that reaches gameday. */
export interface ReceiverInput {
  name: string;
  /** From its `*_configs`: `webhook`, `email`, `slack`, … */
  integrations: string[];
  /** Whether one of its webhooks calls gameday's (`monitoring.webhookListen`); null when unknown. */
  callsGameday: boolean | null;
}

/** One of Alertmanager's `inhibit_rules`: alerts matching `target` are muted while one matching `source` fires with the same `equal` labels. */
export interface InhibitRuleInput {
  /** Where it is in the configuration, e.g. `inhibit_rules[0]`. */
  path: string;
  source: MatcherInput[];
  target: MatcherInput[];
  equal: string[];
}

export interface MatcherInput {
  name: string;
  operator: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Raw samples of one series, [unix seconds, value]. */
export interface SeriesSamples {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

/** Prometheus's own record of alert states over the run (`ALERTS`, `ALERTS_FOR_STATE`). */
export interface AlertsReconciled extends Base {
  kind: 'alerts.reconciled';
  from: string;
  to: string;
  alerts: SeriesSamples[];
  forState: SeriesSamples[];
}

/**
 * When the trace's own series reached Prometheus: the sample times (unix seconds, k6's clock,
 * which is gameday's host) of a series k6 pushes every second while it runs. A gap means the
 * trace was not running or its remote write did not land: alerts on trace series were blind.
 */
export interface TraceSeries extends Base {
  kind: 'trace.series';
  selector: string;
  from: string;
  to: string;
  timestamps: number[];
}

/** Per-request outcome of the trace: [unix milliseconds of the iteration, 1 ok / 0 failed]. */
export interface TraceSamples extends Base {
  kind: 'trace.samples';
  samples: Array<[number, 0 | 1]>;
  /** How long iterations took: [unix milliseconds of the iteration, as in `samples`; milliseconds]. */
  latencies?: Array<[number, number]>;
  /** The named journey these iterations ran (`trace.journeys`); absent for an unnamed trace. */
  journey?: string;
}
