// The top of report.html: the headline with the verdict counts and the run's facts, then the
// timeline with a legend of its marks.

import { formatPercent, NONE } from '../format.ts';
import type { ReportJson } from '../report-json.ts';
import { timelineSvg } from '../timeline/svg.ts';
import type { TraceRecord } from '../trace-record.ts';
import { joinHtml, markup, type SafeHtml } from './template.ts';
import { verdictColor, verdictColors, verdictWord } from './verdict.ts';

export function header(report: ReportJson): SafeHtml {
  const { run, summary } = report;
  const counts = Object.entries(summary.verdicts)
    .filter(([, count]) => count > 0)
    .map(
      ([verdict, count]) => markup`<span class="badge" style="background:${verdictColor(verdict)}">${count} ${verdictWord(verdict)}</span>`,
    );
  const status =
    run.status === 'completed'
      ? ''
      : markup`<p class="warning">Run ${run.status}${run.reason ? markup`: ${run.reason}` : ''}. Figures cover what was recorded.</p>`;
  return markup`<header>
<h1>Game day: ${report.plan.name}</h1>
<p class="headline ${summary.exitCode === 0 ? 'pass' : 'fail'}" id="headline">${summary.headline}</p>
<p>${joinHtml(counts, ' ')}</p>
${status}
<dl class="facts">
<dt>Run</dt><dd><code>${run.id}</code>, ${run.status}, ${run.startedAt} → ${run.endedAt ?? 'no end recorded'}</dd>
<dt>Window</dt><dd>${run.windowStartedAt ?? NONE} → ${run.windowEndedAt ?? NONE} (UTC)</dd>
<dt>Plan</dt><dd><code>${report.plan.file}</code></dd>
<dt>Trace</dt><dd>${report.trace.totalRequests} requests in the window, ${report.trace.failedRequests} failed, ${formatPercent(report.trace.successRatio)} success</dd>
</dl>
</header>`;
}

export function timelineSection(report: ReportJson, trace: TraceRecord): SafeHtml {
  return markup`<section id="timeline"><h2>Timeline</h2>\n<div class="chart">${timelineSvg(report, trace)}</div>\n${legend()}</section>`;
}

function legend(): SafeHtml {
  const item = (svg: SafeHtml, text: string) =>
    markup`<span class="legend-item"><svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">${svg}</svg>${text}</span>`;
  return markup`<p class="legend">${[
    item(markup`<rect class="fault-band" x="0" y="0" width="22" height="14"/>`, 'fault in place'),
    item(markup`<rect class="burst" x="0" y="3" width="22" height="8"/>`, 'burst'),
    item(markup`<rect class="target-span" x="0" y="3" width="22" height="8"/>`, 'detection target'),
    item(markup`<circle class="mark mark-pending" cx="11" cy="7" r="5"/>`, 'pending'),
    item(markup`<circle class="mark" cx="11" cy="7" r="4" style="fill:${verdictColors.detected}"/>`, 'firing (colour: verdict)'),
    item(markup`<path class="mark mark-notified" d="M11 1 L16 10 L6 10 Z"/>`, 'notification received'),
    item(markup`<rect class="mark mark-resolved" x="9.5" y="2" width="3" height="10"/>`, 'resolved'),
    item(markup`<rect class="blind-interval" x="0" y="0" width="22" height="14"/>`, 'monitoring blind'),
    item(markup`<path class="mark mark-unexpected" d="M11 1 L17 7 L11 13 L5 7 Z"/>`, 'unexpected alert'),
    item(markup`<rect class="trace-failure" x="10" y="2" width="2" height="10"/>`, 'failed request'),
  ]}</p>`;
}
