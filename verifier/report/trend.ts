// The trend across game days of one plan, from their report.json files: detection latency per
// expectation, coverage (the share of faults detected in time) and time to restore, run by run.
// Pure; `gameday compare` prints it with formatTrend and report.html draws it.

import type { ImpactKind, Verdict } from '../analyze/index.ts';
import { UsageError } from '../errors.ts';
import { alignColumns, formatMilliseconds, formatSeconds, formatSelector, NONE } from './format.ts';
import { impactKindWords } from './impact-words.ts';
import type { ReportJson } from './report-json.ts';
import { formatTeamClockTrend, type TeamClockTrendRow, teamClockTrend } from './team-clock.ts';

export interface RunTrend {
  plan: string;
  /** Oldest first. */
  runs: TrendRun[];
  /** Every expectation any of the runs had, in plan order of the newest run that had it. */
  expectations: TrendExpectation[];
  /** Every fault any of the runs had: user-visible impact after its revert. */
  faults: TrendFault[];
  /** The team's time to detect, acknowledge and restore, per fault and run, with the change in percent. */
  teamClock: TeamClockTrendRow[];
}

export interface TrendRun {
  id: string;
  startedAt: string;
  status: string;
  expectations: number;
  detectedInTime: number;
  coverage: Coverage;
  /** Mean firing latency over the expectations that fired (detected or late); null if none did. */
  meanDetectionSeconds: number | null;
  /** The longest time to restore after a revert, over the faults that were restored. */
  worstTimeToRestoreSeconds: number | null;
}

/**
 * A fault is covered when every one of its expectations was detected in time, and failed when one
 * was late or missed. Faults that were neither (not injected, or inconclusive) are left out of the
 * ratio: a game day that could not judge a fault says nothing about the monitoring.
 */
export interface Coverage {
  covered: number;
  judged: number;
  notJudged: number;
  /** covered / judged; null when nothing was judged. */
  ratio: number | null;
}

export interface TrendExpectation {
  fault: string;
  alert: string;
  labels: Record<string, string>;
  /** `fault / Alert{labels}`: how the terminal and the page name the row. */
  key: string;
  /** One per run, oldest first; null when that run's plan did not have this expectation. */
  cells: Array<TrendCell | null>;
  /** Newest firing latency minus the oldest, over the runs where it fired; null with fewer than two. */
  changeSeconds: number | null;
}

export interface TrendCell {
  verdict: Verdict;
  firingAfterSeconds: number | null;
  withinSeconds: number;
}

export interface TrendFault {
  fault: string;
  /** One per run: seconds from the revert until the trace succeeded again; null if not measured, undefined if absent. */
  timeToRestoreSeconds: Array<number | null | undefined>;
  /** One per run: how long users saw failures or slowness, and the p95 during the fault; undefined if absent. */
  impact: Array<TrendImpact | null | undefined>;
}

export interface TrendImpact {
  impactSeconds: number | null;
  /** Null in report.json files from before latency counted as impact. */
  kind: ImpactKind | null;
  p95Ms: number | null;
}

/** Throws UsageError when there is nothing to compare or the runs come from different plans. */
export function compareRuns(reports: readonly ReportJson[]): RunTrend {
  if (reports.length === 0) throw new UsageError('no runs to compare');
  const plans = [...new Set(reports.map((report) => report.plan.name))];
  if (plans.length > 1) {
    const byPlan = plans.map(
      (plan) =>
        `${plan}: ${reports
          .filter((r) => r.plan.name === plan)
          .map((r) => r.run.id)
          .join(', ')}`,
    );
    throw new UsageError(`the runs come from ${plans.length} different plans (${byPlan.join('; ')}); compare runs of one plan`);
  }
  const ordered = [...reports].sort((a, b) => Date.parse(a.run.startedAt) - Date.parse(b.run.startedAt));

  const expectations = new Map<string, TrendExpectation>();
  const faults = new Map<string, TrendFault>();
  // Newest first, so rows follow the newest plan's order and older-only rows come last.
  for (const [fromNewest, report] of [...ordered].reverse().entries()) {
    const index = ordered.length - 1 - fromNewest;
    for (const fault of report.faults) {
      let faultRow = faults.get(fault.name);
      if (!faultRow) {
        faultRow = { fault: fault.name, timeToRestoreSeconds: ordered.map(() => undefined), impact: ordered.map(() => undefined) };
        faults.set(fault.name, faultRow);
      }
      faultRow.timeToRestoreSeconds[index] = fault.impact?.timeToRestoreSeconds ?? null;
      faultRow.impact[index] = fault.impact && {
        impactSeconds: fault.impact.impactSeconds,
        kind: fault.impact.kind ?? null,
        p95Ms: fault.impact.latency?.during?.p95Ms ?? null,
      };
      for (const expectation of fault.expectations) {
        const key = `${fault.name} / ${formatSelector(expectation.alert, expectation.labels)}`;
        let row = expectations.get(key);
        if (!row) {
          row = {
            fault: fault.name,
            alert: expectation.alert,
            labels: { ...expectation.labels },
            key,
            cells: ordered.map(() => null),
            changeSeconds: null,
          };
          expectations.set(key, row);
        }
        row.cells[index] = {
          verdict: expectation.verdict,
          firingAfterSeconds: expectation.firingAfterSeconds,
          withinSeconds: expectation.withinSeconds,
        };
      }
    }
  }
  for (const row of expectations.values()) {
    const fired = row.cells.filter((cell): cell is TrendCell & { firingAfterSeconds: number } => cell?.firingAfterSeconds != null);
    const first = fired[0];
    const last = fired[fired.length - 1];
    row.changeSeconds = fired.length >= 2 && first && last ? round(last.firingAfterSeconds - first.firingAfterSeconds) : null;
  }

  return {
    plan: plans[0] ?? '',
    runs: ordered.map(trendRun),
    expectations: [...expectations.values()],
    faults: [...faults.values()],
    teamClock: teamClockTrend(ordered),
  };
}

function trendRun(report: ReportJson): TrendRun {
  const all = report.faults.flatMap((fault) => fault.expectations);
  const latencies = all.map((e) => e.firingAfterSeconds).filter((s): s is number => s !== null);
  const restores = report.faults.map((f) => f.impact?.timeToRestoreSeconds ?? null).filter((s): s is number => s !== null);
  return {
    id: report.run.id,
    startedAt: report.run.startedAt,
    status: report.run.status,
    expectations: all.length,
    detectedInTime: all.filter((e) => e.verdict === 'detected').length,
    coverage: coverage(report),
    meanDetectionSeconds: latencies.length > 0 ? round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
    worstTimeToRestoreSeconds: restores.length > 0 ? Math.max(...restores) : null,
  };
}

function coverage(report: ReportJson): Coverage {
  let covered = 0;
  let failed = 0;
  let notJudged = 0;
  for (const fault of report.faults) {
    const verdicts = fault.expectations.map((e) => e.verdict);
    if (verdicts.length === 0) continue;
    if (verdicts.some((v) => v === 'late' || v === 'missed')) failed++;
    else if (verdicts.every((v) => v === 'detected')) covered++;
    else notJudged++;
  }
  const judged = covered + failed;
  return { covered, judged, notJudged, ratio: judged > 0 ? round(covered / judged) : null };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Words for a cell; what did not pass is in capitals, as in the console table. */
const cellWords: Record<Verdict, (cell: TrendCell) => string> = {
  detected: (cell) => formatSeconds(cell.firingAfterSeconds),
  late: (cell) => `${formatSeconds(cell.firingAfterSeconds)} LATE`,
  missed: () => 'MISSED',
  'not-injected': () => 'NOT INJECTED',
  inconclusive: (cell) => (cell.firingAfterSeconds === null ? 'INCONCLUSIVE' : `${formatSeconds(cell.firingAfterSeconds)} INCONCLUSIVE`),
};

export function trendCellText(cell: TrendCell | null): string {
  if (cell === null) return NONE;
  return (cellWords[cell.verdict] ?? (() => cell.verdict))(cell);
}

export function formatCoverage(coverage: Coverage): string {
  if (coverage.ratio === null) return `none judged${coverage.notJudged ? ` (${coverage.notJudged} not judged)` : ''}`;
  const main = `${coverage.covered} of ${coverage.judged} (${Math.round(coverage.ratio * 100)} %)`;
  return coverage.notJudged > 0 ? `${main}, ${coverage.notJudged} not judged` : main;
}

export function formatChange(seconds: number | null): string {
  if (seconds === null) return NONE;
  if (seconds === 0) return '±0 s';
  return `${seconds > 0 ? '+' : '−'}${formatSeconds(Math.abs(seconds))}`;
}

/** The trend as plain aligned text for a terminal or a CI log. */
export function formatTrend(trend: RunTrend): string {
  const n = trend.runs.length;
  const labels = trend.runs.map((_, index) => `#${index + 1}`);
  const lines = [`trend of plan ${trend.plan} across ${n} run${n === 1 ? '' : 's'}, oldest first`, ''];
  lines.push(
    ...alignColumns(
      [
        ['RUN', 'ID', 'STARTED', 'STATUS', 'DETECTED IN TIME', 'COVERAGE (FAULTS)', 'MEAN DETECTION', 'WORST RESTORE'],
        ...trend.runs.map((run, index) => [
          labels[index] ?? '',
          run.id,
          formatClockDate(run.startedAt),
          run.status,
          `${run.detectedInTime} of ${run.expectations}`,
          formatCoverage(run.coverage),
          formatSeconds(run.meanDetectionSeconds),
          formatSeconds(run.worstTimeToRestoreSeconds),
        ]),
      ],
      new Set([6, 7]),
    ),
  );
  lines.push('', 'detection latency: seconds from injection to firing (LATE past the target)', '');
  lines.push(
    ...alignColumns(
      [
        ['FAULT / ALERT', 'TARGET', ...labels, 'CHANGE'],
        ...trend.expectations.map((row) => [
          row.key,
          formatSeconds(latestCell(row)?.withinSeconds ?? null),
          ...row.cells.map(trendCellText),
          formatChange(row.changeSeconds),
        ]),
      ],
      new Set([1, ...labels.map((_, i) => i + 2), labels.length + 2]),
    ),
  );
  lines.push('', 'time to restore: seconds from the revert until the trace succeeded again', '');
  lines.push(
    ...alignColumns(
      [
        ['FAULT', ...labels],
        ...trend.faults.map((row) => [row.fault, ...row.timeToRestoreSeconds.map((s) => (s === undefined ? NONE : formatSeconds(s)))]),
      ],
      new Set(labels.map((_, i) => i + 1)),
    ),
  );
  lines.push('', 'user impact: seconds of failed or slow trace requests (p95 latency during the fault)', '');
  lines.push(
    ...alignColumns(
      [['FAULT', ...labels], ...trend.faults.map((row) => [row.fault, ...row.impact.map(trendImpactText)])],
      new Set(labels.map((_, i) => i + 1)),
    ),
  );
  lines.push(...formatTeamClockTrend(trend.teamClock ?? [], labels));
  return `${lines.join('\n')}\n`;
}

/** `12 s slow (p95 128.8 ms)`, `0 s (p95 3 ms)`, or — when the run did not have the fault. */
export function trendImpactText(cell: TrendImpact | null | undefined): string {
  if (cell == null) return NONE;
  const kind = cell.kind === null || cell.kind === 'none' ? '' : ` ${impactKindWords[cell.kind]}`;
  const p95 = cell.p95Ms === null ? '' : ` (p95 ${formatMilliseconds(cell.p95Ms)})`;
  return `${formatSeconds(cell.impactSeconds)}${kind}${p95}`;
}

export function latestCell(row: TrendExpectation): TrendCell | null {
  for (let i = row.cells.length - 1; i >= 0; i--) {
    const cell = row.cells[i];
    if (cell) return cell;
  }
  return null;
}

/** 2026-11-23 02:46:58Z */
function formatClockDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}
