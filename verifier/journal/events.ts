// Everything a run does or sees is one of these events, appended to runs/<id>/journal.jsonl.
// The report is a pure function of the journal, so a crash loses nothing and every figure
// can be traced back to the events it came from. Times are ISO 8601 strings (gameday's clock).

import type { Plan } from '../plan/types.ts';
import type { Base } from './base.ts';
import type {
  PrometheusAlertsPolled,
  AlertmanagerAlertsPolled,
  AlertmanagerSilencesPolled,
  AlertmanagerNotificationsPolled,
  WebhookReceived,
  ObserveFailed,
  ObserveRecovered,
  RulesHealth,
  ClockSampled,
  DetectionInputs,
  AlertsReconciled,
  TraceSeries,
  TraceSamples,
} from './observations.ts';

export type {
  PromAlert,
  AmAlert,
  PrometheusAlertsPolled,
  AlertmanagerAlertsPolled,
  AmSilence,
  AmSilenceMatcher,
  AlertmanagerSilencesPolled,
  AlertmanagerNotificationsPolled,
  NotificationCounter,
  WebhookAlert,
  WebhookReceived,
  ObserveFailed,
  ObserveRecovered,
  RulesHealth,
  UnhealthyRule,
  ClockSampled,
  ClockSample,
  DetectionInputs,
  DetectionInput,
  ReceiverInput,
  InhibitRuleInput,
  MatcherInput,
  SeriesSamples,
  AlertsReconciled,
  TraceSeries,
  TraceSamples,
} from './observations.ts';

export type JournalEvent =
  | ScheduleDrawn
  | RunStarted
  | PreflightPassed
  | LoadStarted
  | LoadEnded
  | LoadApplied
  | LoadDeleted
  | WindowStarted
  | FaultInjecting
  | FaultInjected
  | FaultInjectFailed
  | FaultReverted
  | FaultRevertFailed
  | FaultAwaitingMark
  | FaultMarked
  | FaultNotInjected
  | FaultRestored
  | StopConditionTriggered
  | PrometheusAlertsPolled
  | AlertmanagerAlertsPolled
  | AlertmanagerSilencesPolled
  | AlertmanagerNotificationsPolled
  | WebhookReceived
  | ObserveFailed
  | ObserveRecovered
  | RulesHealth
  | ClockSampled
  | DetectionInputs
  | AlertsReconciled
  | TraceSeries
  | TraceSamples
  | WindowEnded
  | RunEnded
  | ToxiproxyStarted
  | ToxiproxyStopped
  | ToxiproxyProxyCreated
  | ToxiproxyProxyDeleted;

export type JournalEventKind = JournalEvent['kind'];

export interface RunStarted extends Base {
  kind: 'run.started';
  runId: string;
  plan: Plan;
  gamedayVersion: string;
  pid: number;
}

export interface PreflightPassed extends Base {
  kind: 'preflight.passed';
  /** Alertmanagers Prometheus had discovered. */
  alertmanagers: string[];
  /** The alerting rules Prometheus had loaded: runbook links and timings even for alerts that never fired. */
  rules: RuleSnapshot[];
}

export interface RuleSnapshot {
  name: string;
  query: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  forSeconds: number;
  intervalSeconds: number;
}

export type LoadRole = 'trace' | 'burst';

export interface LoadStarted extends Base {
  kind: 'load.started';
  role: LoadRole;
  name: string;
  pid: number;
  requestedRate: number;
  durationSeconds: number;
  vus: number;
  /** Set on a trace started again after its k6 died mid-window: the restart's number (1). */
  restart?: number;
  /** A burst split over k6 processes (execution segments): each one's instance_id tag and pid. */
  processes?: LoadProcess[];
  /** Such a burst: between the first and the last process acknowledging its release, in ms. */
  releaseSkewMs?: number;
}

export interface LoadProcess {
  instanceId: number;
  pid: number;
}

/** One process of a burst split over several: its own exit and figures (the burst's result merges them). */
export interface LoadProcessEnded {
  instanceId: number;
  exitCode: number | null;
  signal: string | null;
  result?: LoadResult;
  error?: string;
}

export interface LoadEnded extends Base {
  kind: 'load.ended';
  role: LoadRole;
  name: string;
  exitCode: number | null;
  signal: string | null;
  /** Only for bursts: figures from k6's end-of-test summary (merged over the processes of a split burst). */
  result?: LoadResult;
  error?: string;
  /** A burst split over k6 processes: each one's own end. */
  processes?: LoadProcessEnded[];
}

/**
 * A k6-operator burst's ConfigMap and TestRun, journaled before `kubectl apply` so that
 * `gameday revert` can delete them after a crash. Its load.started comes at stage `started`
 * (with pid -1: the load runs in the cluster's runner pods, not in a local process).
 */
export interface LoadApplied extends Base {
  kind: 'load.applied';
  /** The burst. */
  name: string;
  namespace: string;
  /** The TestRun's (and ConfigMap's) name. */
  testRun: string;
  /** The manifests in the run folder: applied and deleted with `kubectl … -f` it. */
  manifestsFile: string;
  /** kubectl and its leading arguments (`--context …`), as the plan gave them. */
  kubectl: string[];
}

/** What load.applied created was deleted (or nothing had been created); `error` when the deletion failed. */
export interface LoadDeleted extends Base {
  kind: 'load.deleted';
  name: string;
  detail: string;
  error?: string;
}

export interface LoadResult {
  requestedRate: number;
  durationSeconds: number;
  iterations: number;
  achievedRate: number;
  droppedIterations: number;
  httpReqs: number;
  httpReqFailedRate: number;
  httpReqDurationP95Ms: number | null;
  /**
   * `prometheus` when k6 died before its summary, or for a k6-operator burst (its runners are pods):
   * the figures are what k6 pushed by remote write up to its end (no p95). Absent: k6's own
   * end-of-test summary.
   */
  source?: 'prometheus';
}

/** Fault times drawn from ranges when the run started, and the seed that replays them. */
export interface ScheduleDrawn extends Base {
  kind: 'schedule.drawn';
  seed: number;
  /** Whether the run was sealed: nothing the team sees named a fault or its time before the window ended. */
  sealed: boolean;
  faults: Array<{ fault: string; atSeconds: number }>;
}

export interface WindowStarted extends Base {
  kind: 'window.started';
}

/** Written before the injector runs: after a crash, a fault may be in place from this moment on. */
export interface FaultInjecting extends Base {
  kind: 'fault.injecting';
  fault: string;
}

export interface FaultInjected extends Base {
  kind: 'fault.injected';
  fault: string;
  /** When the injector started; `at` is when it completed, i.e. the fault is in place. */
  startedAt: string;
  detail?: string;
}

export interface FaultInjectFailed extends Base {
  kind: 'fault.inject-failed';
  fault: string;
  error: string;
}

export interface FaultReverted extends Base {
  kind: 'fault.reverted';
  fault: string;
  startedAt: string;
  /** `max-duration`: the fault's maxDuration elapsed before any other revert took it out. */
  reason: 'scheduled' | 'aborted' | 'recovery' | 'max-duration';
  detail?: string;
}

export interface FaultRevertFailed extends Base {
  kind: 'fault.revert-failed';
  fault: string;
  error: string;
}

/**
 * A manual step (`inject: { manual }` or `revert: { manual }`) is shown to the facilitator: gameday
 * waits for `gameday mark <run> <fault> <mark>` (or Enter on its own terminal) until `deadline`.
 */
export interface FaultAwaitingMark extends Base {
  kind: 'fault.awaiting-mark';
  fault: string;
  mark: 'injected' | 'restored';
  instructions: string;
  deadline: string;
}

/**
 * Someone marked a moment of a fault by hand. `markedAt` is the moment the mark claims (`--at`,
 * or when it was made); `at` is when gameday journaled it.
 */
export interface FaultMarked extends Base {
  kind: 'fault.marked';
  fault: string;
  mark: 'injected' | 'acknowledged' | 'restored';
  markedAt: string;
  note?: string;
  /** `cli`: `gameday mark` from any terminal; `terminal`: Enter on gameday's own terminal. */
  by: 'cli' | 'terminal';
}

/** A manual injection whose mark never came: the fault's expectations are inconclusive, never missed. */
export interface FaultNotInjected extends Base {
  kind: 'fault.not-injected';
  fault: string;
  reason: string;
}

/**
 * A `revert: responders` fault was restored by the team: the trace (or the fault's journeys)
 * succeeded again for `iterations` consecutive iterations from `restoredAt`, or someone marked it.
 */
export interface FaultRestored extends Base {
  kind: 'fault.restored';
  fault: string;
  restoredAt: string;
  source: 'trace' | 'mark';
  iterations?: number;
}

/** A stop condition was true for its `for`: the game day is aborted and every fault reverted. */
export interface StopConditionTriggered extends Base {
  kind: 'stop-condition.triggered';
  name: string;
  expr: string;
  forSeconds: number;
  /** The first evaluation of the run of true evaluations that triggered. */
  trueSince: string;
  /** What the expression returned (a scalar as one sample without labels); at most a few series. */
  samples: StopConditionSample[];
}

export interface StopConditionSample {
  labels: Record<string, string>;
  value: number;
}

export interface WindowEnded extends Base {
  kind: 'window.ended';
}

export interface RunEnded extends Base {
  kind: 'run.ended';
  status: 'completed' | 'aborted' | 'failed';
  reason?: string;
  /** gameday's own process from run.started to here (k6, the target and the stack are other processes). */
  gameday?: GamedayCost;
}

export interface GamedayCost {
  /** User and system CPU seconds. */
  cpuSeconds: number;
  /** The process's peak resident set size (its whole life, so the run's peak). */
  peakRssMb: number;
}

/** A toxiproxy-server gameday started for the run (`toxiproxy.managed`): `gameday revert` stops it after a crash. */
export interface ToxiproxyStarted extends Base {
  kind: 'toxiproxy.started';
  pid: number;
  url: string;
}

export interface ToxiproxyStopped extends Base {
  kind: 'toxiproxy.stopped';
  pid: number;
  url: string;
  detail: string;
}

/** A proxy gameday created (not one that was already there): deleted at the end, or by `gameday revert`. */
export interface ToxiproxyProxyCreated extends Base {
  kind: 'toxiproxy.proxy-created';
  url: string;
  name: string;
  listen: string;
  upstream: string;
}

export interface ToxiproxyProxyDeleted extends Base {
  kind: 'toxiproxy.proxy-deleted';
  url: string;
  name: string;
  detail: string;
}
