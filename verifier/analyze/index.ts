// The analysis: journal in, verdicts out. Pure; the renderers in ../report/ take it from here.

export { analyzeRun } from './analyze-run.ts';
export { exitCodeFor, type VerdictExitCode } from './exit-code.ts';
export type { Labels } from './labels.ts';
export {
  type AlertEpisode,
  type BurstAnalysis,
  type BurstStatus,
  type EvidenceSource,
  type ExpectationAnalysis,
  type FaultAnalysis,
  type FaultImpact,
  type FigureSources,
  type InjectionStatus,
  type MonitoringEvidence,
  type PlanSummary,
  type PreExistingEpisode,
  type RunAnalysis,
  type RunInfo,
  type RunStatus,
  type TimedEvidence,
  type TraceTotals,
  type UnexpectedAlert,
  type Verdict,
  verdicts,
} from './model.ts';
export type { EpochMs } from './time.ts';
