// What `gameday check` found: one line per thing checked, each ok, a warning or a problem.

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** The checks, in the order the report lists them. */
export type CheckName =
  | 'plan'
  | 'k6'
  | 'prometheus'
  | 'alertmanager'
  | 'discovery'
  | 'rule'
  | 'feasibility'
  | 'baseline'
  | 'silence'
  | 'watchdog'
  | 'journey'
  | 'injector'
  | 'k6-operator'
  | 'host';

export interface CheckFinding {
  check: CheckName;
  /** What was checked: an alert, `fault → alert`, `fault inject`, a URL. */
  subject: string;
  status: CheckStatus;
  /** What was found, in a person's words. */
  detail: string;
  /** What to do about it; set for warnings and problems. */
  hint?: string;
}

export interface CheckReport {
  plan: { name: string; file: string };
  checkedAt: string;
  findings: CheckFinding[];
}

export interface CheckCounts {
  ok: number;
  warn: number;
  fail: number;
}

export function countFindings(report: CheckReport): CheckCounts {
  const counts: CheckCounts = { ok: 0, warn: 0, fail: 0 };
  for (const finding of report.findings) counts[finding.status]++;
  return counts;
}

/** 0 when nothing failed (warnings allowed), 1 when something did. Bad input (2) never gets this far. */
export function checkExitCode(report: CheckReport): 0 | 1 {
  return report.findings.some((finding) => finding.status === 'fail') ? 1 : 0;
}
