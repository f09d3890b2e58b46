// The timeline's alert lane: per expected alert its target span and its pending, firing, notified
// and resolved moments (the firing mark in the verdict's colour), then the unexpected alerts.

import { formatSeconds, formatSelector } from '../format.ts';
import { joinHtml, markup, type SafeHtml } from '../html/template.ts';
import { verdictColor } from '../html/verdict.ts';
import type { ReportExpectation, ReportFault, ReportJson } from '../report-json.ts';
import { rowLabel, sectionLabel } from './labels.ts';
import { clock, parse, ROW, round, type Span, type XScale } from './scales.ts';

export interface ExpectationRow {
  fault: ReportFault;
  expectation: ReportExpectation;
}

export function alertLane(report: ReportJson, expectations: readonly ExpectationRow[], x: XScale, span: Span, top: number): SafeHtml {
  const out = [markup`<g class="lane lane-alerts">`, sectionLabel('expected alerts', top)];
  expectations.forEach((row, index) => out.push(expectationRow(row, x, span, top + index * ROW)));
  report.unexpectedAlerts.forEach((alert, index) => {
    const y = top + (expectations.length + index) * ROW;
    const selector = formatSelector(alert.alertname, alert.labels);
    out.push(markup`<g class="alert-row unexpected" data-alert="${alert.alertname}">`);
    out.push(rowLabel(`unexpected: ${alert.alertname}`, y, `unexpected: ${selector}`, '#57606a'));
    const at = parse(alert.firstStartedAt);
    if (at !== null) {
      const px = round(x(at));
      out.push(
        markup`<path class="mark mark-unexpected" d="M${px} ${y + 4} L${px + 6} ${y + ROW / 2} L${px} ${y + ROW - 4} L${px - 6} ${y + ROW / 2} Z"><title>${selector} first started at ${clock(at, true)}${alert.fired ? '' : ' (pending only)'}</title></path>`,
      );
    }
    out.push(markup`</g>`);
  });
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}

function expectationRow({ fault, expectation }: ExpectationRow, x: XScale, span: Span, y: number): SafeHtml {
  const mid = y + ROW / 2;
  const selector = formatSelector(expectation.alert, expectation.labels);
  const color = verdictColor(expectation.verdict);
  const out = [
    markup`<g class="alert-row" data-fault="${fault.name}" data-alert="${expectation.alert}" data-verdict="${expectation.verdict}">`,
  ];
  out.push(rowLabel(selector, y, `${fault.name} / ${selector}: ${expectation.verdict}`, color));
  const origin = parse(fault.measuredFrom);
  if (origin !== null) {
    const end = Math.min(span.to, origin + expectation.withinSeconds * 1000);
    out.push(
      markup`<rect class="target-span" x="${round(x(origin))}" y="${y + 6}" width="${round(Math.max(1, x(end) - x(origin)))}" height="${ROW - 12}"><title>target: fire within ${formatSeconds(expectation.withinSeconds)} of ${clock(origin, true)}</title></rect>`,
    );
  }
  const pending = parse(expectation.pendingAt);
  const firing = parse(expectation.firingAt);
  if (pending !== null && firing !== null && firing > pending) {
    out.push(markup`<line class="pending-span" x1="${round(x(pending))}" y1="${mid}" x2="${round(x(firing))}" y2="${mid}"/>`);
  }
  if (pending !== null) {
    out.push(
      markup`<circle class="mark mark-pending" cx="${round(x(pending))}" cy="${mid}" r="5.5"><title>${expectation.alert} pending at ${clock(pending, true)} (+${formatSeconds(expectation.pendingAfterSeconds)})</title></circle>`,
    );
  }
  const resolved = parse(expectation.resolvedAt);
  if (firing !== null && resolved !== null && resolved > firing) {
    out.push(
      markup`<line class="active-span" x1="${round(x(firing))}" y1="${mid}" x2="${round(x(resolved))}" y2="${mid}" style="stroke:${color}"/>`,
    );
  }
  if (resolved !== null) {
    const after = expectation.resolvedAfterRevertSeconds ?? null;
    const when =
      after === null ? '' : after < 0 ? ` (${formatSeconds(-after)} before the revert)` : ` (${formatSeconds(after)} after the revert)`;
    out.push(
      markup`<rect class="mark mark-resolved" x="${round(x(resolved)) - 1.5}" y="${y + 4}" width="3" height="${ROW - 8}"><title>${expectation.alert} resolved at ${clock(resolved, true)}${when}</title></rect>`,
    );
  }
  if (firing !== null) {
    out.push(
      markup`<circle class="mark mark-firing" cx="${round(x(firing))}" cy="${mid}" r="4" style="fill:${color}"><title>${expectation.alert} firing at ${clock(firing, true)} (+${formatSeconds(expectation.firingAfterSeconds)}): ${expectation.verdict}</title></circle>`,
    );
  }
  const notified = parse(expectation.notifiedAt);
  if (notified !== null) {
    const px = round(x(notified));
    out.push(
      markup`<path class="mark mark-notified" d="M${px} ${mid - 6} L${px + 5} ${mid + 3} L${px - 5} ${mid + 3} Z"><title>notification received at ${clock(notified, true)} (+${formatSeconds(expectation.notifiedAfterSeconds)})</title></path>`,
    );
  }
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}
