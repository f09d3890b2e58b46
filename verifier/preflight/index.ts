// `gameday check`: the public entry of the dry run.

export { type AlertmanagerApi, type CheckDeps, type CheckFs, checkPlan, type PrometheusApi } from './check.ts';
export {
  type DetectionChain,
  type DetectionTimes,
  detectionTimes,
  type Feasibility,
  judgeFeasibility,
} from '../alerting/detection-bounds.ts';
export { formatCheckReport, summaryLine } from './format.ts';
export { type CheckFinding, type CheckName, type CheckReport, type CheckStatus, checkExitCode, countFindings } from './findings.ts';
