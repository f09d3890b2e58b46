// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) for the
// people at the retrospective: the timeline on top, the per-fault table with verdicts, figures and
// runbook links below, then impact, bursts, unexpected alerts and the evidence. Everything comes
// from report.json, except the per-request trace the timeline draws (report.json keeps totals).
// Pure; an optional trend across runs (`gameday compare`) adds a section.

import type { ReportJson } from '../report-json.ts';
import type { LinkBase } from '../runbook-link.ts';
import type { TraceRecord } from '../trace-record.ts';
import type { RunTrend } from '../trend.ts';
import { detectionSection, impactSection } from './detection.ts';
import { header, timelineSection } from './overview.ts';
import { burstsSection, evidenceSection, notesSection, unexpectedSection } from './sections.ts';
import { styles } from './styles.ts';
import { teamClockSection } from './team-clock-section.ts';
import { joinHtml, markup } from './template.ts';
import { trendSection } from './trend-section.ts';

export interface HtmlOptions {
  /** Where runbook paths resolve from and to (as for report.md). */
  links: LinkBase;
  /** The trace's per-request record from the journal; the timeline is empty without it. */
  trace?: TraceRecord;
  /** Runs of the same plan to show the trend across (`gameday compare`). */
  trend?: RunTrend;
}

export function toHtml(report: ReportJson, options: HtmlOptions): string {
  const trace = options.trace ?? { samples: [], latencies: [] };
  const body = [
    header(report),
    timelineSection(report, trace),
    detectionSection(report, options.links),
    teamClockSection(report),
    impactSection(report),
    burstsSection(report.bursts),
    unexpectedSection(report),
    notesSection(report),
    evidenceSection(report),
    options.trend ? trendSection(options.trend, report.run.id) : '',
  ].filter(Boolean);
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Game day: ${report.plan.name} — run ${report.run.id}</title>
<style>${styles}</style>
</head>
<body>
<main>
${joinHtml(body, '\n')}
<footer>gameday ${report.run.gamedayVersion} · report version ${report.version} · computed from the run's journal.jsonl; report.json holds every figure on this page.</footer>
</main>
</body>
</html>
`.toString();
}
