// The check report as a person reads it in a terminal: status first, columns aligned, long
// details wrapped under their own column, a hint under the detail, and a one-line summary.

import { type CheckReport, type CheckStatus, countFindings } from './findings.ts';

const STATUS_WORD: Record<CheckStatus, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL' };
const HEADER = { status: '', check: 'check', subject: 'subject', detail: 'detail' };

export interface FormatOptions {
  /** Wrap details to this many columns. Default 120. */
  width?: number;
}

export function formatCheckReport(report: CheckReport, options: FormatOptions = {}): string {
  const width = options.width ?? 120;
  const rows = report.findings;
  const statusWidth = 4;
  const checkWidth = Math.max(HEADER.check.length, ...rows.map((row) => row.check.length));
  // A very long subject overflows its column rather than pushing every detail far right.
  const subjectWidth = Math.min(44, Math.max(HEADER.subject.length, ...rows.map((row) => row.subject.length)));
  const indent = statusWidth + checkWidth + subjectWidth + 6;
  const detailWidth = Math.max(40, width - indent);

  const lines: string[] = [
    `${pad(HEADER.status, statusWidth)}  ${pad(HEADER.check, checkWidth)}  ${pad(HEADER.subject, subjectWidth)}  ${HEADER.detail}`,
  ];
  for (const row of rows) {
    const lead = `${pad(STATUS_WORD[row.status], statusWidth)}  ${pad(row.check, checkWidth)}  `;
    const overflow = row.subject.length > subjectWidth;
    const detail = wrap(row.detail, detailWidth);
    const hint = row.hint === undefined ? [] : wrap(`→ ${row.hint}`, detailWidth);
    if (overflow) {
      lines.push(`${lead}${row.subject}`);
      for (const line of [...detail, ...hint]) lines.push(`${' '.repeat(indent)}${line}`);
      continue;
    }
    const [first = '', ...rest] = detail;
    lines.push(`${lead}${pad(row.subject, subjectWidth)}  ${first}`.trimEnd());
    for (const line of [...rest, ...hint]) lines.push(`${' '.repeat(indent)}${line}`);
  }
  lines.push('', summaryLine(report));
  return lines.join('\n');
}

/** `check: 14 ok, 1 warning, 2 problems` */
export function summaryLine(report: CheckReport): string {
  const counts = countFindings(report);
  return `check: ${counts.ok} ok, ${plural(counts.warn, 'warning')}, ${plural(counts.fail, 'problem')}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

/** Greedy word wrap; a word longer than the width (a URL, a path) gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}
