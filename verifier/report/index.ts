// Pure renderers of an analysis: report.json (the contract), report.md (the post-mortem page),
// report.html (the timeline), junit.xml (for CI), the console table printed at the end of a run,
// and the trend across runs of one plan.

export { toConsoleTable } from './console-table.ts';
export { type HtmlOptions, toHtml } from './html/page.ts';
export { toJunit } from './junit.ts';
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
export { type TraceRecord, traceRecord } from './trace-record.ts';
export { compareRuns, type Coverage, formatTrend, type RunTrend, type TrendExpectation, type TrendRun } from './trend.ts';
