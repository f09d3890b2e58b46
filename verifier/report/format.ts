// Small pure formatters shared by the markdown and console renderers.

import type { DeliveryStatus, Verdict } from '../analyze/index.ts';

export const NONE = '—';

/** One Alertmanager peer's sighting of a firing, as report.json carries it. */
interface PeerFacts {
  peer: string;
  afterFiringSeconds: number | null;
  unreachable: string | null;
}

/** Which peers of an Alertmanager cluster had the alert, in one sentence; the alert counts as in Alertmanager when any had it. */
export function peerWords(peers: readonly PeerFacts[]): string {
  const had = peers.filter((peer) => peer.afterFiringSeconds !== null);
  const never = peers.filter((peer) => peer.afterFiringSeconds === null);
  const down = (peer: PeerFacts) => (peer.unreachable === null ? '' : ` (it ${peer.unreachable})`);
  const parts = [
    had.length === 0
      ? 'no Alertmanager peer had it'
      : `Alertmanager peers that had it: ${had.map((peer) => `${peer.peer} ${formatSeconds(peer.afterFiringSeconds)} after firing${down(peer)}`).join(', ')}`,
    ...(never.length === 0 ? [] : [`never on ${never.map((peer) => `${peer.peer}${down(peer)}`).join(', ')}`]),
  ];
  return parts.join('; ');
}

/** Seconds as people read them: the 3 decimals the analysis keeps, trailing zeros dropped (30 s, 12.4 s, 15.218 s). */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return NONE;
  return `${formatNumber(seconds)} s`;
}

function formatNumber(value: number): string {
  return value.toFixed(3).replace(/\.?0+$/, '');
}

/** Milliseconds to a tenth, as k6 reports request durations with float noise (178.45549119999998). */
export function formatMilliseconds(ms: number | null): string {
  if (ms === null) return NONE;
  return `${formatNumber(Math.round(ms * 10) / 10)} ms`;
}

/** A rate in requests per second. */
export function formatRate(rate: number | null): string {
  if (rate === null) return NONE;
  return `${Number.isInteger(rate) ? rate : rate.toFixed(1)}/s`;
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null) return NONE;
  return `${(ratio * 100).toFixed(1)} %`;
}

/** `Name{label="value"}`: the one selector formatter, kept beside the other formatters for the renderers. */
export { formatSelector } from '../alerting/labels.ts';

/** Time of day in UTC, to the second: the date is in the report's header. */
export function formatClock(iso: string | null): string {
  if (iso === null) return NONE;
  return `${iso.slice(11, 19)}Z`;
}

/** Verdict words for people; failures shout in plain text, where there is no colour. */
export const verdictWords: Record<Verdict, string> = {
  detected: 'detected',
  late: 'late',
  missed: 'missed',
  inconclusive: 'inconclusive',
  'not-injected': 'not injected',
};

/** What became of the notification, in a table cell: the words every renderer uses. */
export const deliveryWords: Record<DeliveryStatus, string> = {
  'on-time': 'on time',
  'delayed-by-grouping': 'delayed by grouping',
  late: 'late',
  'suppressed-by-grouping': 'suppressed by grouping',
  inhibited: 'inhibited',
  silenced: 'silenced',
  'receiver-failed': 'receiver failed',
  'alertmanager-blind': 'Alertmanager blind',
  'not-routed-to-gameday': 'routed elsewhere',
  'not-notified': 'not sent',
  'not-observed': 'not observed',
  'not-fired': NONE,
};

/**
 * Aligns rows of cells into columns separated by two spaces. Widths count code points, so a
 * `—` is one column wide (no emoji in plain-text output: terminals disagree on their width).
 */
export function alignColumns(rows: readonly string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const width = (text: string) => [...text].length;
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, width(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const pad = ' '.repeat((widths[column] ?? 0) - width(cell));
        if (rightAligned.has(column)) return pad + cell;
        return column === row.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}
