// What `gameday audit` reports: findings per alerting rule (a check id, a severity, where the rule
// is, what is wrong and what to do), coverage of scrape jobs and trace journeys, and which rules
// past game days exercised. Plain data; format.ts renders it, the command picks the exit code.

export type AuditCheck =
  'syntax' | 'runbook' | 'routing' | 'absent-for' | 'absent-lookback' | 'rate-zero' | 'impossible' | 'no-series' | 'floor';

/** error and warning are problems (exit 1); info is what the audit read, e.g. the detection floor. */
export type Severity = 'error' | 'warning' | 'info';

export interface AuditFinding {
  alert: string;
  check: AuditCheck;
  severity: Severity;
  message: string;
  /** What to do; empty for info. */
  hint: string;
  /** The rule file, group and line, where known. */
  file?: string;
  group?: string;
  line?: number;
}

/** An alerting rule as the audit reads it, from a rule file or from Prometheus. */
export interface AuditRule {
  name: string;
  group: string;
  /** The rule file; from Prometheus, the path it loaded. */
  file: string;
  /** 1-based line of the rule in its file (offline only). */
  line?: number;
  query: string;
  forSeconds: number;
  /** The evaluation interval of its group. */
  intervalSeconds: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One scrape job or trace journey, and the alerts that watch it. */
export interface CoverageRow {
  kind: 'job' | 'journey';
  name: string;
  /** Alerts that fire on failure: errors, latency, a target down. */
  failureAlerts: string[];
  /** Alerts that fire on the absence of success: absent(), absent_over_time(), a rate that drops to nothing. */
  absenceAlerts: string[];
}

export type RunVerdict = 'detected' | 'late' | 'missed' | 'inconclusive';

/** What past game days (a folder of runs) did with the alerting rules. */
export interface RunsCoverage {
  folder: string;
  runs: number;
  /** Alerts some run expected, with how often each verdict came. */
  exercised: Array<{ alert: string; verdicts: Record<RunVerdict, number> }>;
  /** Alerting rules no run ever expected. */
  untested: string[];
}

export interface AuditReport {
  source: 'files' | 'online';
  /** What was read: the rule files, or the Prometheus URL. */
  from: string[];
  /** Every alerting rule audited, in order. */
  rules: Array<{ alert: string; group: string; file: string }>;
  findings: AuditFinding[];
  coverage: CoverageRow[] | null;
  runs: RunsCoverage | null;
  /** Things the audit could not look at, in words (no Alertmanager configuration, a query that failed). */
  notes: string[];
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The problems: findings that are errors or warnings. */
export function problems(report: AuditReport): AuditFinding[] {
  return report.findings.filter((finding) => finding.severity !== 'info');
}
