// The words of live progress, from the live state and the latest load rates: a few lines for the
// block redrawn on a terminal, one line for a CI log. Pure.

import { type LiveState, phaseAt, windowElapsedSeconds } from './live-state.ts';

/** Load as Prometheus saw it over the last seconds; null where it did not say. */
export interface LoadRates {
  /** Trace iterations per second. */
  traceRate: number | null;
  /** Share of trace iterations that passed every check. */
  traceSuccess: number | null;
  /** Burst requests per second, all bursts together. */
  burstRate: number | null;
}

export const noRates: LoadRates = { traceRate: null, traceSuccess: null, burstRate: null };

const NONE = '—';

/** The status block: a title line and one line per subject, each at most `width` columns. */
export function statusBlock(state: LiveState, rates: LoadRates, now: number, width = 100): string[] {
  const lines = [
    `gameday ${state.plan ?? ''}${state.runId ? ` · run ${state.runId}` : ''}`,
    `phase    ${phaseLine(state, now)}`,
    `trace    ${traceLine(rates)}`,
    `bursts   ${burstLine(state, rates, now)}`,
    `faults   ${faultLine(state, now)}`,
    `alerts   ${alertLine(state)}`,
  ];
  return lines.map((line) => fit(line, width));
}

/** One line for logs that are not a terminal: the same facts, separated by ` · `. */
export function statusLine(state: LiveState, rates: LoadRates, now: number): string {
  return [
    `progress: ${phaseLine(state, now)}`,
    `trace ${traceLine(rates)}`,
    `bursts ${burstLine(state, rates, now)}`,
    `faults ${faultLine(state, now)}`,
    alertLine(state),
  ].join(' · ');
}

function phaseLine(state: LiveState, now: number): string {
  const phase = phaseAt(state, now);
  const sinceStart = state.startedAt === null ? 0 : (now - state.startedAt) / 1000;
  const elapsed = windowElapsedSeconds(state, now);
  switch (phase) {
    case 'starting':
      return 'starting';
    case 'preflight':
      return `preflight: waiting for Prometheus and Alertmanager (${duration(sinceStart)})`;
    case 'baseline':
      return `baseline: trace running, waiting until no expected alert is active (${duration(sinceStart)} since start)`;
    case 'window': {
      const left = state.windowSeconds - (elapsed ?? 0);
      return `window t+${duration(elapsed ?? 0)} of ${duration(state.windowSeconds)} (${duration(left)} left, then ${duration(state.graceSeconds)} grace)`;
    }
    case 'grace': {
      const left = state.windowSeconds + state.graceSeconds - (elapsed ?? 0);
      return `grace t+${duration(elapsed ?? 0)}: watching for late alerts and recovery (${duration(Math.max(0, left))} left)`;
    }
    case 'cleanup':
      return 'cleanup: reverting what is in place, stopping load, reading Prometheus’s record';
    case 'ended':
      return `ended: ${state.ended?.status ?? ''}`;
  }
}

function traceLine(rates: LoadRates): string {
  if (rates.traceRate === null) return NONE;
  const success = rates.traceSuccess === null ? '' : `, ${percent(rates.traceSuccess)} ok`;
  return `${rates.traceRate.toFixed(1)} req/s${success}`;
}

function burstLine(state: LiveState, rates: LoadRates, now: number): string {
  if (state.runningBursts.size === 0) return NONE;
  const names = [...state.runningBursts].map(([name, { since, rate }]) => `${name} (${rate}/s asked, ${duration((now - since) / 1000)})`);
  const achieved = rates.burstRate === null ? '' : `: ${Math.round(rates.burstRate)} req/s`;
  return `${names.join(', ')}${achieved}`;
}

function faultLine(state: LiveState, now: number): string {
  const names = new Set([...state.activeFaults.keys(), ...state.awaitingMarks.keys()]);
  if (names.size === 0) return NONE;
  return [...names]
    .map((name) => {
      const awaiting = state.awaitingMarks.get(name);
      if (awaiting) return `${name}: waiting for the mark ${awaiting.mark} (${duration((awaiting.until - now) / 1000)} left)`;
      return `${name} (${duration((now - (state.activeFaults.get(name) ?? now)) / 1000)})`;
    })
    .join(', ');
}

function alertLine(state: LiveState): string {
  const list = (alerts: Map<string, number>) =>
    [...alerts]
      .filter(([name]) => name !== state.watchdog)
      .map(([name, count]) => (count > 1 ? `${name} ×${count}` : name))
      .join(', ') || NONE;
  const parts = [`firing ${list(state.alerts.firing)}`, `pending ${list(state.alerts.pending)}`];
  if (state.watchdog && state.prometheusPolls > 0) parts.push(`watchdog ${state.alerts.firing.has(state.watchdog) ? 'ok' : 'NOT FIRING'}`);
  if (state.blind.size > 0) parts.push(`BLIND: ${[...state.blind].join(', ')} not answering`);
  return parts.join(' · ');
}

/** 45s, 3m05s */
function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio >= 0.999 || ratio === 0 ? 0 : 1)} %`;
}

/** Cut to `width` code points: a wrapped line would break the redraw's line count. */
function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}
