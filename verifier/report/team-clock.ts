// The team's clock in the reports: per fault its time to detect, acknowledge and restore (from the
// injection, and restore from the first alert too: Zalando's "first alert to service
// restoration"), each with its source; and across game days of one plan, each figure's trend with
// the change in percent from the oldest run that had it to the newest.

import type { ClockFigure, ClockSource, TeamClock } from '../analyze/index.ts';
import { alignColumns, formatSeconds, NONE } from './format.ts';

/** What of a report.json this reads (report-json.ts imports this file, so not its types). */
interface ClockReport {
  faults: ReadonlyArray<{ name: string; clock?: ReportTeamClock | null }>;
}

export interface ReportClockFigure {
  /** ISO 8601. */
  at: string;
  afterInjectionSeconds: number;
  afterFirstAlertSeconds: number | null;
  source: ClockSource;
  detail: string;
}

export interface ReportTeamClock {
  detect: ReportClockFigure | null;
  acknowledge: ReportClockFigure | null;
  restore: ReportClockFigure | null;
}

export function toReportTeamClock(clock: TeamClock | null): ReportTeamClock | null {
  if (clock === null) return null;
  const figure = (value: ClockFigure | null): ReportClockFigure | null => value && { ...value, at: new Date(value.at).toISOString() };
  return { detect: figure(clock.detect), acknowledge: figure(clock.acknowledge), restore: figure(clock.restore) };
}

/** `12.3 s (alert)`, or — when there is no such figure. */
export function clockFigureText(figure: ReportClockFigure | null, from: 'injection' | 'first-alert' = 'injection'): string {
  if (figure === null) return NONE;
  const seconds = from === 'injection' ? figure.afterInjectionSeconds : figure.afterFirstAlertSeconds;
  return seconds === null ? NONE : `${formatSeconds(seconds)} (${figure.source})`;
}

export const TEAM_CLOCK_COLUMNS = ['fault', 'detect', 'acknowledge', 'restore', 'restore from first alert', 'sources'] as const;

/** One row per fault that was in place: the cells of TEAM_CLOCK_COLUMNS. */
export function teamClockRows(report: ClockReport): string[][] {
  return report.faults.flatMap((fault) => {
    const clock = fault.clock ?? null;
    if (clock === null) return [];
    const sources = (['detect', 'acknowledge', 'restore'] as const)
      .flatMap((name) => (clock[name] ? [`${name}: ${clock[name].detail}`] : []))
      .join('; ');
    return [
      [
        fault.name,
        clockFigureText(clock.detect),
        clockFigureText(clock.acknowledge),
        clockFigureText(clock.restore),
        clockFigureText(clock.restore, 'first-alert'),
        sources || NONE,
      ],
    ];
  });
}

/** The markdown section; empty when no fault was in place. */
export function teamClockMarkdown(report: ClockReport): string {
  const rows = teamClockRows(report);
  if (rows.length === 0) return '';
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    "## The team's clock",
    '',
    'Seconds from the injection (restore also from the first alert firing): detect is the first expected alert firing; acknowledge the first silence created during the fault that mutes its alert, or a `gameday mark … acknowledged`; restore the team marking or the trace seeing the service restored, else the revert.',
    '',
    `| ${TEAM_CLOCK_COLUMNS.join(' | ')} |`,
    `|${TEAM_CLOCK_COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export type ClockFigureName = 'detect' | 'acknowledge' | 'restore' | 'restore from first alert';

export interface TeamClockTrendRow {
  fault: string;
  figure: ClockFigureName;
  /** One per run, oldest first: seconds; null when the run had the fault without this figure, undefined without the fault. */
  cells: Array<number | null | undefined>;
  /** (newest − oldest) / oldest over the runs with the figure, in percent; null with fewer than two or an oldest of 0. */
  changePercent: number | null;
}

const FIGURES: ReadonlyArray<[ClockFigureName, (clock: ReportTeamClock) => number | null]> = [
  ['detect', (clock) => clock.detect?.afterInjectionSeconds ?? null],
  ['acknowledge', (clock) => clock.acknowledge?.afterInjectionSeconds ?? null],
  ['restore', (clock) => clock.restore?.afterInjectionSeconds ?? null],
  ['restore from first alert', (clock) => clock.restore?.afterFirstAlertSeconds ?? null],
];

/** The team's clock across runs (oldest first), fault by fault, figure by figure. */
export function teamClockTrend(ordered: readonly ClockReport[]): TeamClockTrendRow[] {
  const faults: string[] = [];
  for (const report of [...ordered].reverse()) for (const fault of report.faults) if (!faults.includes(fault.name)) faults.push(fault.name);
  return faults
    .flatMap((name) =>
      FIGURES.map(([figure, read]) => {
        const cells = ordered.map((report) => {
          const fault = report.faults.find((candidate) => candidate.name === name);
          if (fault === undefined) return undefined;
          return fault.clock ? read(fault.clock) : null;
        });
        return { fault: name, figure, cells, changePercent: changePercent(cells) };
      }),
    )
    .filter((row) => row.cells.some((cell) => cell != null));
}

/** Zalando's 56 → 27 minutes is −52 %. */
export function changePercent(cells: ReadonlyArray<number | null | undefined>): number | null {
  const measured = cells.filter((cell): cell is number => cell != null);
  const first = measured[0];
  const last = measured[measured.length - 1];
  if (measured.length < 2 || first === undefined || last === undefined || first === 0) return null;
  return Math.round(((last - first) / first) * 1000) / 10;
}

export function formatChangePercent(percent: number | null): string {
  if (percent === null) return NONE;
  if (percent === 0) return '±0 %';
  return `${percent > 0 ? '+' : '−'}${Math.abs(percent)} %`;
}

/** The terminal lines of the trend: one row per fault and figure, a column per run, the change. */
export function formatTeamClockTrend(rows: readonly TeamClockTrendRow[], labels: readonly string[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    "the team's clock: seconds from injection to detect, acknowledge and restore (and first alert to restore)",
    '',
    ...alignColumns(
      [
        ['FAULT', 'FIGURE', ...labels, 'CHANGE'],
        ...rows.map((row) => [
          row.fault,
          row.figure,
          ...row.cells.map((cell) => (cell === undefined ? NONE : formatSeconds(cell))),
          formatChangePercent(row.changePercent),
        ]),
      ],
      new Set([...labels.map((_, i) => i + 2), labels.length + 2]),
    ),
  ];
}
