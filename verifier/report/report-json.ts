// report.json: the contract for CI and other tools, described by report.schema.json. Versioned;
// times are ISO 8601 (UTC), durations are seconds with 3 decimals, missing figures are null.
// A change that breaks a consumer bumps `version`.

import type {
  BlindCause,
  BurstStatus,
  ClockEstimate,
  Delivery,
  EvidenceSource,
  ExpectationAnalysis,
  FaultAnalysis,
  FaultImpact,
  ImpactKind,
  InjectionStatus,
  LatencyBreakdown,
  LatencyImpact,
  MonitoringEvidence,
  RecoveryStatus,
  RunAnalysis,
  RunStatus,
  TraceImpact,
  TraceTotals,
  Verdict,
} from '../analyze/index.ts';
import { exitCodeFor, type VerdictExitCode, verdicts } from '../analyze/index.ts';
import { type ReportTeamClock, toReportTeamClock } from './team-clock.ts';
import type { GamedayCost } from '../journal/events.ts';

export const REPORT_VERSION = 1;

/** An ISO 8601 time in UTC, e.g. 2026-11-23T02:01:15.418Z. */
export type IsoTime = string;

export interface ReportJson {
  version: typeof REPORT_VERSION;
  plan: { name: string; file: string };
  run: ReportRun;
  summary: ReportSummary;
  faults: ReportFault[];
  bursts: ReportBurst[];
  /** The trace over the whole window. */
  trace: TraceTotals;
  unexpectedAlerts: ReportUnexpectedAlert[];
  monitoring: MonitoringEvidence;
  /** Prometheus's clock minus gameday's; Prometheus's times were moved by it. Null when never read. */
  clock: ClockEstimate | null;
  /** When the monitoring pipeline was blind; those that affect verdicts make them inconclusive. */
  blindIntervals: ReportBlindInterval[];
}

export interface ReportBlindInterval {
  cause: BlindCause;
  from: IsoTime;
  /** null: not seen working again before the record ends. */
  to: IsoTime | null;
  seconds: number | null;
  alert: string | null;
  detail: string;
  affectsVerdicts: boolean;
}

export interface ReportRun {
  id: string;
  gamedayVersion: string;
  startedAt: IsoTime;
  endedAt: IsoTime | null;
  status: RunStatus;
  reason: string | null;
  windowStartedAt: IsoTime | null;
  windowEndedAt: IsoTime | null;
  /** gameday's own process over the run (absent when the journal has no run.ended). */
  gameday?: GamedayCost;
}

export interface ReportSummary {
  /** One line for people, e.g. "5 of 6 expectations detected in time (1 late)". */
  headline: string;
  expectations: number;
  verdicts: Record<Verdict, number>;
  unexpectedAlerts: number;
  /** 0 when every expectation was detected in time; 1 when one was late, missed or not injected; 5 when none failed but one was inconclusive. */
  exitCode: VerdictExitCode;
}

export interface ReportFault {
  name: string;
  description: string | null;
  injection: InjectionStatus;
  injectedAt: IsoTime | null;
  revertedAt: IsoTime | null;
  /** The origin of the figures: the injection, or the start of `measuredFromBurst`. */
  measuredFrom: IsoTime | null;
  measuredFromBurst: string | null;
  /** Alerts starting later are not counted: revert + grace, or the end of the record. */
  deadline: IsoTime | null;
  injectError: string | null;
  revertError: string | null;
  expectations: ReportExpectation[];
  impact: ReportImpact | null;
  /** The team's time to detect, acknowledge and restore; null when the fault was not in place (absent in older reports). */
  clock: ReportTeamClock | null;
  notes: string[];
}

export interface ReportExpectation {
  alert: string;
  labels: Record<string, string>;
  withinSeconds: number;
  verdict: Verdict;
  pendingAfterSeconds: number | null;
  firingAfterSeconds: number | null;
  notifiedAfterSeconds: number | null;
  pendingAt: IsoTime | null;
  firingAt: IsoTime | null;
  notifiedAt: IsoTime | null;
  sources: {
    pending: EvidenceSource | null;
    firing: EvidenceSource | null;
    notified: 'webhook' | null;
    resolved: EvidenceSource | null;
  };
  /** All labels of the alert the figures come from. */
  alertLabels: Record<string, string> | null;
  runbookUrl: string | null;
  preExisting: Array<{
    labels: Record<string, string>;
    startedAt: IsoTime;
    firingAt: IsoTime | null;
    endedBy: IsoTime | null;
  }>;
  /** Why the verdict is inconclusive; empty otherwise. */
  inconclusive: Array<{
    cause: BlindCause | 'pre-existing' | 'cut-short' | 'not-injected';
    from: IsoTime | null;
    to: IsoTime | null;
    detail: string;
  }>;
  recovery: RecoveryStatus;
  /** When the alert resolved (the episode followed after the revert). */
  resolvedAt: IsoTime | null;
  /** resolvedAt − revertedAt; negative when it resolved while the fault was still in place. */
  resolvedAfterRevertSeconds: number | null;
  delivery: Delivery;
  /** Where the seconds went: the measured latency beside its floor from the configuration. */
  timing: LatencyBreakdown | null;
  notes: string[];
}

export interface ReportImpact extends ReportTraceImpact {
  from: IsoTime;
  to: IsoTime;
  /** Per named journey; empty for an unnamed trace. */
  journeys?: Array<ReportTraceImpact & { journey: string }>;
}

export interface ReportTraceImpact {
  totalRequests: number;
  failedRequests: number;
  // firstFailureAt, kind, latency and journeys are absent in report.json files written before
  // latency counted as impact (read by `gameday compare` from CI artifacts).
  firstFailureAt?: IsoTime | null;
  /** The first failed request, or the first slow one when the fault counts as slow. */
  impactStartedAt: IsoTime | null;
  restoredAt: IsoTime | null;
  impactSeconds: number | null;
  timeToRestoreSeconds: number | null;
  kind?: ImpactKind;
  latency?: ReportLatencyImpact | null;
}

export interface ReportLatencyImpact extends Omit<LatencyImpact, 'slowStartedAt' | 'slowEndedAt'> {
  slowStartedAt: IsoTime | null;
  slowEndedAt: IsoTime | null;
}

export interface ReportBurst {
  name: string;
  status: BurstStatus;
  startedAt: IsoTime | null;
  endedAt: IsoTime | null;
  requestedRate: number;
  durationSeconds: number;
  vus: number | null;
  achievedRate: number | null;
  iterations: number | null;
  droppedIterations: number | null;
  droppedRatio: number | null;
  httpReqFailedRate: number | null;
  p95Ms: number | null;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

export interface ReportUnexpectedAlert {
  alertname: string;
  labels: Record<string, string>;
  episodes: number;
  firstStartedAt: IsoTime;
  fired: boolean;
  duringFaults: string[];
  stillActiveAtEnd: boolean;
}

export function toReportJson(analysis: RunAnalysis): ReportJson {
  return {
    version: REPORT_VERSION,
    plan: { name: analysis.plan.name, file: analysis.plan.file },
    run: {
      id: analysis.run.id,
      gamedayVersion: analysis.run.gamedayVersion,
      startedAt: iso(analysis.run.startedAt),
      endedAt: isoOrNull(analysis.run.endedAt),
      status: analysis.run.status,
      reason: analysis.run.reason,
      windowStartedAt: isoOrNull(analysis.run.windowStartedAt),
      windowEndedAt: isoOrNull(analysis.run.windowEndedAt),
      ...(analysis.run.gameday ? { gameday: { ...analysis.run.gameday } } : {}),
    },
    summary: summarize(analysis),
    faults: analysis.faults.map(toReportFault),
    bursts: analysis.bursts.map((burst) => ({
      ...burst,
      startedAt: isoOrNull(burst.startedAt),
      endedAt: isoOrNull(burst.endedAt),
    })),
    trace: { ...analysis.trace },
    unexpectedAlerts: analysis.unexpectedAlerts.map((alert) => ({
      alertname: alert.alertname,
      labels: { ...alert.labels },
      episodes: alert.episodes,
      firstStartedAt: iso(alert.firstStartedAt),
      fired: alert.fired,
      duringFaults: [...alert.duringFaults],
      stillActiveAtEnd: alert.stillActiveAtEnd,
    })),
    monitoring: { ...analysis.monitoring, observeFailures: { ...analysis.monitoring.observeFailures } },
    clock: analysis.clock ? { ...analysis.clock } : null,
    blindIntervals: analysis.blindIntervals.map((interval) => ({
      cause: interval.cause,
      from: iso(interval.from),
      to: isoOrNull(interval.to),
      seconds: interval.to === null ? null : Math.round(interval.to - interval.from) / 1000,
      alert: interval.alert,
      detail: interval.detail,
      affectsVerdicts: interval.affectsVerdicts,
    })),
  };
}

function summarize(analysis: RunAnalysis): ReportSummary {
  const counts = Object.fromEntries(verdicts.map((verdict) => [verdict, 0])) as Record<Verdict, number>;
  const all = analysis.faults.flatMap((fault) => fault.expectations);
  for (const expectation of all) counts[expectation.verdict] += 1;
  return {
    headline: headline(all.length, counts),
    expectations: all.length,
    verdicts: counts,
    unexpectedAlerts: analysis.unexpectedAlerts.length,
    exitCode: exitCodeFor(analysis),
  };
}

/** How each verdict reads in the headline's parenthesis. */
const verdictPhrase: Record<Verdict, string> = {
  detected: 'detected',
  late: 'late',
  missed: 'missed',
  inconclusive: 'inconclusive',
  'not-injected': 'not injected',
};

function headline(total: number, counts: Record<Verdict, number>): string {
  if (total === 0) return 'the plan expects no alerts';
  const others = verdicts
    .filter((verdict) => verdict !== 'detected' && counts[verdict] > 0)
    .map((verdict) => `${counts[verdict]} ${verdictPhrase[verdict]}`);
  const noun = total === 1 ? 'expectation' : 'expectations';
  const main = `${counts.detected} of ${total} ${noun} detected in time`;
  return others.length > 0 ? `${main} (${others.join(', ')})` : main;
}

function toReportFault(fault: FaultAnalysis): ReportFault {
  return {
    name: fault.name,
    description: fault.description,
    injection: fault.injection,
    injectedAt: isoOrNull(fault.injectedAt),
    revertedAt: isoOrNull(fault.revertedAt),
    measuredFrom: isoOrNull(fault.measuredFrom),
    measuredFromBurst: fault.measuredFromBurst,
    deadline: isoOrNull(fault.deadline),
    injectError: fault.injectError,
    revertError: fault.revertError,
    expectations: fault.expectations.map(toReportExpectation),
    impact: fault.impact ? toReportImpact(fault.impact) : null,
    clock: toReportTeamClock(fault.clock),
    notes: [...fault.notes],
  };
}

function toReportExpectation(expectation: ExpectationAnalysis): ReportExpectation {
  return {
    alert: expectation.alert,
    labels: { ...expectation.labels },
    withinSeconds: expectation.withinSeconds,
    verdict: expectation.verdict,
    pendingAfterSeconds: expectation.pendingAfterSeconds,
    firingAfterSeconds: expectation.firingAfterSeconds,
    notifiedAfterSeconds: expectation.notifiedAfterSeconds,
    pendingAt: isoOrNull(expectation.pendingAt),
    firingAt: isoOrNull(expectation.firingAt),
    notifiedAt: isoOrNull(expectation.notifiedAt),
    sources: { ...expectation.sources },
    alertLabels: expectation.alertLabels ? { ...expectation.alertLabels } : null,
    runbookUrl: expectation.runbookUrl,
    preExisting: expectation.preExisting.map((episode) => ({
      labels: { ...episode.labels },
      startedAt: iso(episode.startedAt),
      firingAt: isoOrNull(episode.firingAt),
      endedBy: isoOrNull(episode.endedBy),
    })),
    inconclusive: expectation.inconclusive.map((reason) => ({
      cause: reason.cause,
      from: isoOrNull(reason.from),
      to: isoOrNull(reason.to),
      detail: reason.detail,
    })),
    recovery: expectation.recovery.status,
    resolvedAt: isoOrNull(expectation.recovery.resolvedAt),
    resolvedAfterRevertSeconds: expectation.recovery.resolvedAfterRevertSeconds,
    delivery: { ...expectation.delivery },
    timing: expectation.timing
      ? {
          ...expectation.timing,
          inputs: { ...expectation.timing.inputs },
          segments: expectation.timing.segments.map((segment) => ({ ...segment })),
        }
      : null,
    notes: [...expectation.notes],
  };
}

function toReportImpact(impact: FaultImpact): ReportImpact {
  return {
    ...toReportTraceImpact(impact),
    from: iso(impact.from),
    to: iso(impact.to),
    journeys: impact.journeys.map((journey) => ({ journey: journey.journey, ...toReportTraceImpact(journey) })),
  };
}

function toReportTraceImpact(impact: TraceImpact): ReportTraceImpact {
  const { latency } = impact;
  return {
    totalRequests: impact.totalRequests,
    failedRequests: impact.failedRequests,
    firstFailureAt: isoOrNull(impact.firstFailureAt),
    impactStartedAt: isoOrNull(impact.impactStartedAt),
    restoredAt: isoOrNull(impact.restoredAt),
    impactSeconds: impact.impactSeconds,
    timeToRestoreSeconds: impact.timeToRestoreSeconds,
    kind: impact.kind,
    latency:
      latency === null
        ? null
        : {
            ...latency,
            baseline: latency.baseline && { ...latency.baseline },
            during: latency.during && { ...latency.during },
            slowStartedAt: isoOrNull(latency.slowStartedAt),
            slowEndedAt: isoOrNull(latency.slowEndedAt),
          },
  };
}

function iso(at: number): IsoTime {
  return new Date(at).toISOString();
}

function isoOrNull(at: number | null): IsoTime | null {
  return at === null ? null : iso(at);
}
