// gameday's public library: what the CLI, the demo and the tests call. Re-exports only; each
// command's library function lives beside its command in ./commands/.

export { type CompareOutcome, compareRunDirs } from './commands/compare.ts';
export { rebuildReports, type ReportOutcome } from './commands/report.ts';
export { type RunPlanOptions, runPlan, runPlanFile } from './commands/run.ts';
export { EXIT, type ExitCode, GamedayError, PlanError, PreflightError, RevertError, UsageError } from './errors.ts';
export { loadPlan } from './plan/load.ts';
export type { Plan } from './plan/types.ts';
export { type CheckReport, checkExitCode, checkPlan, formatCheckReport } from './preflight/index.ts';
export { reconcileRun, type ReconcileRunOutcome } from './run/reconcile-run.ts';
export { revertFromJournal } from './run/recover.ts';
