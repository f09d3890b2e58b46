// The analysis: journal in, verdicts out. Pure; the renderers in ../report/ take it from here.

export { analyzeRun } from './analyze-run.ts';
export type { ClockEstimate } from './clock.ts';
export { exitCodeFor, type VerdictExitCode } from './exit-code.ts';
export type { Labels } from '../alerting/labels.ts';
export {
  type AlertEpisode,
  type BlindCause,
  type BlindInterval,
  type Delivery,
  type DeliveryStatus,
  type BurstAnalysis,
  type BurstStatus,
  type ClockFigure,
  type ClockSource,
  type EvidenceSource,
  type ExpectationAnalysis,
  type FaultAnalysis,
  type FaultImpact,
  type FigureSources,
  type ImpactKind,
  type InconclusiveReason,
  type InjectionStatus,
  type JourneyImpact,
  type LatencyBreakdown,
  type LatencyFigures,
  type LatencyImpact,
  type LatencySegment,
  type MonitoringEvidence,
  type PlanSummary,
  type PreExistingEpisode,
  type Recovery,
  type RecoveryStatus,
  type RunAnalysis,
  type RunInfo,
  type RunStatus,
  type TeamClock,
  type TimedEvidence,
  type TraceImpact,
  type TraceTotals,
  type UnexpectedAlert,
  type Verdict,
  verdicts,
} from './model.ts';
export type { EpochMs } from './time.ts';
