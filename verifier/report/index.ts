// Pure renderers of an analysis: report.json (the contract), report.md (for people), and the
// console table printed at the end of a run.

export { toConsoleTable } from './console-table.ts';
export { toMarkdown } from './markdown.ts';
export {
  type IsoTime,
  REPORT_VERSION,
  type ReportBurst,
  type ReportExpectation,
  type ReportFault,
  type ReportImpact,
  type ReportJson,
  type ReportRun,
  type ReportSummary,
  type ReportUnexpectedAlert,
  toReportJson,
} from './report-json.ts';
export { reportSchemaErrors } from './report-schema.ts';
export { type LinkBase, runbookHref } from './runbook-link.ts';
