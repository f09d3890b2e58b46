// The few lines printed at the end of a run: a headline and one row per expectation, aligned in
// plain text (no colour, no emoji) so it reads the same in a terminal, a CI log or a pasted chat.

import type { Verdict } from '../analyze/index.ts';
import { alignColumns, deliveryWords, formatSeconds, formatSelector, peerWords, verdictWords } from './format.ts';
import type { ReportJson } from './report-json.ts';

/** Upper case for what fails the run: the eye finds it without colour. */
function verdictCell(verdict: Verdict): string {
  const word = verdictWords[verdict];
  return verdict === 'detected' ? word : word.toUpperCase();
}

/** A notification that did not go out at once, in one line a person would say; null when there is nothing to say. */
function deliveryLine(delivery: ReportJson['faults'][number]['expectations'][number]['delivery']): string | null {
  switch (delivery.status) {
    case 'delayed-by-grouping':
    case 'suppressed-by-grouping':
    case 'late':
      return `notification ${deliveryWords[delivery.status]}`;
    case 'inhibited': {
      const by = (delivery.inhibitedBy ?? []).map((alert) =>
        alert.labels ? formatSelector(alert.labels.alertname ?? '', alert.labels) : alert.fingerprint,
      );
      return `notification held back: inhibited${by.length > 0 ? ` by ${[...new Set(by)].join(', ')}` : ''}`;
    }
    case 'silenced': {
      const by = (delivery.silencedBy ?? []).map((silence) => `${silence.id}${silence.createdBy ? ` (${silence.createdBy})` : ''}`);
      return `notification held back: silenced${by.length > 0 ? ` by silence ${by.join(', ')}` : ''}`;
    }
    case 'receiver-failed': {
      const receivers = delivery.receivers ?? [];
      return `notification failed at the receiver${receivers.length > 0 ? ` (${receivers.join(', ')})` : ''}`;
    }
    case 'not-routed-to-gameday': {
      const receivers = delivery.receivers ?? [];
      return `notification routed elsewhere${receivers.length > 0 ? ` (to ${receivers.join(', ')})` : ''}`;
    }
    case 'not-notified':
      return 'no notification sent, and Alertmanager gave no reason';
    default:
      return null;
  }
}

export function toConsoleTable(report: ReportJson): string {
  const { run, summary } = report;
  const status = run.status === 'completed' ? '' : ` [${run.status}${run.reason ? `: ${run.reason}` : ''}]`;
  const rows = report.faults.flatMap((fault) =>
    fault.expectations.map((expectation) => [
      fault.name,
      formatSelector(expectation.alert, expectation.labels),
      formatSeconds(expectation.withinSeconds),
      formatSeconds(expectation.pendingAfterSeconds),
      formatSeconds(expectation.firingAfterSeconds),
      formatSeconds(expectation.notifiedAfterSeconds),
      verdictCell(expectation.verdict),
    ]),
  );
  const lines = [`${report.plan.name} · run ${run.id}${status}`, summary.headline];
  if (rows.length > 0) {
    lines.push(
      '',
      ...alignColumns([['FAULT', 'ALERT', 'TARGET', 'PENDING', 'FIRING', 'NOTIFIED', 'VERDICT'], ...rows], new Set([2, 3, 4, 5])),
    );
  }
  const extras: string[] = [];
  if (summary.unexpectedAlerts > 0) {
    const names = report.unexpectedAlerts.map((alert) => formatSelector(alert.alertname, alert.labels));
    extras.push(`unexpected alerts: ${names.join(', ')}`);
  }
  for (const burst of report.bursts) {
    if (burst.status !== 'completed' || (burst.droppedIterations ?? 0) > 0) {
      const dropped = burst.droppedIterations === null ? '' : `, ${burst.droppedIterations} iterations dropped`;
      extras.push(`burst ${burst.name}: ${burst.status}${dropped}`);
    }
  }
  if (!report.monitoring.reconciled) extras.push("Prometheus's ALERTS record missing: figures come from the polls");
  for (const fault of report.faults) {
    for (const expectation of fault.expectations) {
      const where = `${fault.name} / ${expectation.alert}`;
      const causes = [...new Set(expectation.inconclusive.map((reason) => reason.cause))];
      if (causes.length > 0) extras.push(`${where}: inconclusive (${causes.join(', ')})`);
      if (expectation.recovery === 'never-resolved') extras.push(`${where}: never resolved after the revert`);
      const delivery = deliveryLine(expectation.delivery);
      if (delivery !== null) extras.push(`${where}: ${delivery}`);
      if (expectation.delivery.peers !== undefined) extras.push(`${where}: ${peerWords(expectation.delivery.peers)}`);
    }
  }
  const blind = report.blindIntervals.filter((interval) => interval.affectsVerdicts);
  if (blind.length > 0) {
    const span = (interval: (typeof blind)[number]) => (interval.seconds === null ? 'to the end' : `for ${interval.seconds} s`);
    extras.push(
      `blind intervals: ${blind.map((interval) => `${interval.cause} from ${interval.from.slice(11, 19)}Z ${span(interval)}`).join(', ')}`,
    );
  }
  if (report.clock && Math.abs(report.clock.offsetMs) >= 100) {
    extras.push(`clock: Prometheus ${report.clock.offsetMs > 0 ? 'ahead' : 'behind'} by ${Math.abs(report.clock.offsetMs)} ms (corrected)`);
  }
  if (extras.length > 0) lines.push('', ...extras);
  if (run.gameday) lines.push('', `gameday itself: ${run.gameday.cpuSeconds} CPU s over the run, peak RSS ${run.gameday.peakRssMb} MB`);
  return `${lines.join('\n')}\n`;
}
