// The timeline's fault and burst lanes, and the bands drawn behind every lane: each fault's window
// shaded, each blind stretch of monitoring hatched.

import { joinHtml, markup, type SafeHtml } from '../html/template.ts';
import type { ReportFault, ReportJson } from '../report-json.ts';
import { rowLabel, sectionLabel } from './labels.ts';
import { clock, LEFT, parse, ROW, round, type Span, type XScale } from './scales.ts';

export function faultBands(faults: readonly ReportFault[], x: XScale, span: Span, top: number, bottom: number): SafeHtml {
  const out = [markup`<g class="fault-bands">`];
  for (const fault of faults) {
    const window = faultWindow(fault, span);
    if (!window) continue;
    out.push(
      markup`<rect class="fault-band" data-fault="${fault.name}" x="${round(x(window.from))}" y="${top}" width="${round(Math.max(1, x(window.to) - x(window.from)))}" height="${bottom - top}"/>`,
    );
  }
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}

/** Stretches when the monitoring pipeline could not be seen working: hatched, with the reason on hover. */
export function blindBands(report: ReportJson, x: XScale, span: Span, top: number, bottom: number): SafeHtml {
  const out = [markup`<g class="blind-intervals">`];
  for (const interval of report.blindIntervals ?? []) {
    const from = Math.max(span.from, parse(interval.from) ?? span.from);
    const to = Math.min(span.to, parse(interval.to) ?? span.to);
    if (to <= from) continue;
    const title = `blind (${interval.cause}${interval.alert ? `, ${interval.alert}` : ''}): ${interval.detail}${interval.affectsVerdicts ? '' : ' (affects no verdict)'}`;
    out.push(
      markup`<rect class="blind-interval${interval.affectsVerdicts ? '' : ' minor'}" data-cause="${interval.cause}" x="${round(x(from))}" y="${top}" width="${round(Math.max(1, x(to) - x(from)))}" height="${bottom - top}"><title>${title}</title></rect>`,
    );
  }
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}

function faultWindow(fault: ReportFault, span: Span): Span | null {
  const from = parse(fault.injectedAt);
  if (from === null) return null;
  return { from, to: parse(fault.revertedAt) ?? parse(fault.deadline) ?? span.to };
}

export function faultLane(faults: readonly ReportFault[], x: XScale, span: Span, top: number): SafeHtml {
  const out = [markup`<g class="lane lane-faults">`, sectionLabel('faults', top)];
  faults.forEach((fault, row) => {
    const y = top + row * ROW;
    out.push(rowLabel(fault.name, y, fault.description ?? fault.name));
    const window = faultWindow(fault, span);
    if (!window) {
      out.push(
        markup`<text class="row-note" x="${LEFT + 4}" y="${y + 14}">not injected${fault.injectError ? `: ${fault.injectError}` : ''}</text>`,
      );
      return;
    }
    const title = `${fault.name}: in place ${clock(window.from, true)} → ${fault.revertedAt ? clock(window.to, true) : 'never reverted'}`;
    out.push(
      markup`<rect class="fault-window" data-fault="${fault.name}" x="${round(x(window.from))}" y="${y + 4}" width="${round(Math.max(2, x(window.to) - x(window.from)))}" height="${ROW - 8}" rx="2"><title>${title}</title></rect>`,
    );
    const measured = parse(fault.measuredFrom);
    if (fault.measuredFromBurst && measured !== null) {
      out.push(
        markup`<line class="measured-from" x1="${round(x(measured))}" y1="${y + 1}" x2="${round(x(measured))}" y2="${y + ROW - 1}"><title>measured from the start of burst ${fault.measuredFromBurst}, which exposes it</title></line>`,
      );
    }
  });
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}

export function burstLane(report: ReportJson, x: XScale, span: Span, top: number, chartTop: number, chartBottom: number): SafeHtml {
  const out = [markup`<g class="lane lane-bursts">`, sectionLabel('bursts', top)];
  report.bursts.forEach((burst, row) => {
    const y = top + row * ROW;
    out.push(rowLabel(burst.name, y, `${burst.name}: ${burst.requestedRate}/s for ${burst.durationSeconds} s`));
    const from = parse(burst.startedAt);
    if (from === null) {
      out.push(markup`<text class="row-note" x="${LEFT + 4}" y="${y + 14}">never started</text>`);
      return;
    }
    const to = parse(burst.endedAt) ?? Math.min(span.to, from + burst.durationSeconds * 1000);
    const achieved = burst.achievedRate === null ? '' : `, achieved ${burst.achievedRate.toFixed(1)}/s`;
    const dropped = burst.droppedIterations ? `, ${burst.droppedIterations} dropped iterations` : '';
    out.push(markup`<line class="burst-mark" x1="${round(x(from))}" y1="${chartTop}" x2="${round(x(from))}" y2="${chartBottom}"/>`);
    out.push(
      markup`<rect class="burst" data-burst="${burst.name}" x="${round(x(from))}" y="${y + 4}" width="${round(Math.max(2, x(to) - x(from)))}" height="${ROW - 8}" rx="2"><title>${burst.name}: ${burst.requestedRate}/s requested${achieved}${dropped}</title></rect>`,
    );
  });
  if (report.bursts.length === 0) out.push(markup`<text class="row-note" x="${LEFT + 4}" y="${top + 14}">no bursts in this plan</text>`);
  out.push(markup`</g>`);
  return joinHtml(out, '\n');
}
