// The audit in words: a terminal table, Markdown, JSON for tools, and JUnit so CI can gate an
// alerting change (one test case per alerting rule; a failure when it has a problem). Pure.

import { type AuditFinding, type AuditReport, problems, SEVERITY_RANK } from './model.ts';

export type AuditFormat = 'table' | 'json' | 'md';

export function formatAudit(report: AuditReport, format: AuditFormat): string {
  if (format === 'json') return JSON.stringify(toAuditJson(report), null, 2);
  return format === 'md' ? toMarkdown(report) : toTable(report);
}

export function toAuditJson(report: AuditReport) {
  return {
    source: report.source,
    from: report.from,
    rules: report.rules.length,
    findings: report.findings.map(({ alert, check, severity, message, hint, file, group, line }) => ({
      alert,
      check,
      severity,
      message,
      hint,
      ...(file === undefined ? {} : { file }),
      ...(group === undefined ? {} : { group }),
      ...(line === undefined ? {} : { line }),
    })),
    coverage: report.coverage,
    runs: report.runs === null ? null : { folder: report.runs.folder, runs: report.runs.runs, exercised: report.runs.exercised },
    untested: report.runs?.untested ?? null,
    notes: report.notes,
  };
}

export function headline(report: AuditReport): string {
  const found = problems(report);
  const count = (severity: 'error' | 'warning') => found.filter((finding) => finding.severity === severity).length;
  const what =
    found.length === 0
      ? 'no problems'
      : `${plural(found.length, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')})`;
  return `gameday audit: ${plural(report.rules.length, 'alerting rule')} from ${report.from.join(', ')}: ${what}`;
}

function toTable(report: AuditReport): string {
  const rows = report.findings.map((finding) => [finding.severity, finding.alert, finding.check, finding.message]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length), ['SEVERITY', 'ALERT', 'CHECK'][column]?.length ?? 0),
  );
  const line = (cells: string[]) => cells.map((cell, index) => (index < 3 ? cell.padEnd(widths[index] ?? 0) : cell)).join('  ');
  const out = [headline(report), ''];
  if (rows.length > 0) {
    out.push(line(['SEVERITY', 'ALERT', 'CHECK', 'WHAT']));
    report.findings.forEach((finding, index) => {
      out.push(line(rows[index] ?? []));
      if (finding.hint !== '') out.push(`${' '.repeat((widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0) + 6)}→ ${finding.hint}`);
    });
  }
  if (report.coverage !== null) out.push('', ...coverageLines(report, (cells) => cells.join('  ')));
  if (report.runs !== null) out.push('', ...runsLines(report));
  if (report.notes.length > 0) out.push('', ...report.notes.map((note) => `note: ${note}`));
  return out.join('\n');
}

function toMarkdown(report: AuditReport): string {
  const out = [`# ${headline(report)}`, ''];
  out.push(
    table(
      ['severity', 'alert', 'check', 'what', 'what to do', 'where'],
      report.findings.map((finding) => [
        finding.severity,
        code(finding.alert),
        finding.check,
        finding.message,
        finding.hint,
        where(finding),
      ]),
    ),
  );
  if (report.coverage !== null) {
    out.push('', '## Coverage', '');
    out.push(
      table(
        ['', 'alert on failure', 'alert on absence of success'],
        report.coverage.map((row) => [`${row.kind} ${code(row.name)}`, names(row.failureAlerts), names(row.absenceAlerts)]),
      ),
    );
  }
  if (report.runs !== null) out.push('', '## Past game days', '', ...runsLines(report).map((line) => `- ${line}`));
  if (report.notes.length > 0) out.push('', ...report.notes.map((note) => `> ${note}`));
  return `${out.join('\n')}\n`;
}

function coverageLines(report: AuditReport, join: (cells: string[]) => string): string[] {
  const rows = (report.coverage ?? []).map((row) => [`${row.kind} ${row.name}`, names(row.failureAlerts), names(row.absenceAlerts)]);
  const header = ['COVERAGE', 'ON FAILURE', 'ON ABSENCE OF SUCCESS'];
  const widths = [0, 1].map((column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)));
  const pad = (row: string[]) => join(row.map((cell, index) => (index < 2 ? cell.padEnd(widths[index] ?? 0) : cell)));
  return rows.length === 0 ? ['coverage: no scrape job or trace journey found'] : [pad(header), ...rows.map(pad)];
}

function runsLines(report: AuditReport): string[] {
  const runs = report.runs;
  if (runs === null) return [];
  const exercised = runs.exercised.map(({ alert, verdicts }) => {
    const counts = Object.entries(verdicts)
      .filter(([, n]) => n > 0)
      .map(([verdict, n]) => `${n} ${verdict === 'detected' ? 'in time' : verdict}`);
    return `${alert} (${counts.join(', ')})`;
  });
  return [
    `past game days in ${runs.folder}: ${plural(runs.runs, 'run')}`,
    `exercised: ${exercised.length > 0 ? exercised.join(', ') : 'none'}`,
    `untested alerts: ${runs.untested.length > 0 ? runs.untested.join(', ') : 'none'}`,
  ];
}

/** JUnit XML: one test case per alerting rule, failing when it has an error or a warning. */
export function toAuditJunit(report: AuditReport): string {
  const cases = report.rules.map((rule) => {
    const own = report.findings.filter((finding) => finding.alert === rule.alert && (finding.group ?? rule.group) === rule.group);
    const failing = own
      .filter((finding) => finding.severity !== 'info')
      .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    const body = own
      .map((finding) => `${finding.severity} ${finding.check}: ${finding.message}${finding.hint ? ` (${finding.hint})` : ''}`)
      .join('\n');
    const first = failing[0];
    const inner =
      first === undefined
        ? body === ''
          ? ''
          : `\n      <system-out>${text(body)}</system-out>\n    `
        : `\n      <failure type="${attr(first.check)}" message="${attr(first.message)}">${text(body)}</failure>\n    `;
    return `    <testcase classname="${attr(`${rule.file} ${rule.group}`.trim())}" name="${attr(rule.alert)}">${inner}</testcase>`;
  });
  const failures = report.rules.filter((rule) =>
    report.findings.some((finding) => finding.alert === rule.alert && finding.severity !== 'info'),
  ).length;
  const counts = `tests="${report.rules.length}" failures="${failures}" errors="0" skipped="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="gameday audit" ${counts}>
  <testsuite name="gameday audit" ${counts}>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

function where(finding: AuditFinding): string {
  if (finding.file === undefined || finding.file === '') return '';
  return `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}${finding.group ? ` (${finding.group})` : ''}`;
}

function names(alerts: string[]): string {
  return alerts.length === 0 ? '—' : alerts.join(', ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function table(headings: string[], rows: string[][]): string {
  const cell = (value: string) => value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return [headings, headings.map(() => '---'), ...rows.map((row) => row.map(cell))].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

function code(value: string): string {
  return `\`${value}\``;
}

const invalidXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(invalidXml, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
