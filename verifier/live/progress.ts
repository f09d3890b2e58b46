// Live progress during `gameday run`. On a terminal: a status block at the bottom, redrawn every
// second, with the orchestrator's log lines scrolling above it. Elsewhere (CI logs): the log lines
// as they are, plus one plain status line every `plainIntervalMs`. Fed by the orchestrator's
// `onEvent`; load rates come from Prometheus, where k6 pushes them.

import type { PrometheusClient } from '../observe/prometheus.ts';
import type { JournalEvent } from '../journal/events.ts';
import { applyEvent, initialLiveState, type LiveState, phaseAt } from './live-state.ts';
import { type LoadRates, noRates, statusBlock, statusLine } from './status.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** `tty`: the redrawn block; `plain`: periodic lines. Default: by `stream.isTTY`. */
  mode?: 'tty' | 'plain';
  /** Reads load rates for a run; default: none (the trace and burst lines show —). */
  rates?: (runId: string) => Promise<LoadRates>;
  now?: () => number;
  /** Redraws (tty) and rate reads, default 1 s. */
  tickMs?: number;
  /** Plain status lines, default 15 s. */
  plainIntervalMs?: number;
}

export interface Progress {
  onEvent(event: JournalEvent): void;
  /** Wraps a log function so its lines land above the block instead of through it. */
  around(log: (line: string) => void): (line: string) => void;
  /** One update: read the rates, redraw or maybe print a line. The timer calls it; tests may too. */
  tick(): Promise<void>;
  /** Stops the timer; on a terminal, leaves the last block on screen. */
  stop(): Promise<void>;
  readonly state: LiveState;
}

export function startProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const mode = options.mode ?? (stream.isTTY ? 'tty' : 'plain');
  const now = options.now ?? Date.now;
  const plainInterval = options.plainIntervalMs ?? 15_000;
  const state = initialLiveState();
  let rates: LoadRates = noRates;
  let drawn = 0;
  let lastPlain = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let pending: Promise<void> | undefined;

  const clear = () => {
    // Cursor to the start of the block's first line, then erase to the end of the screen.
    if (drawn > 0) stream.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (mode !== 'tty' || stopped || state.startedAt === null) return;
    // A terminal of unknown size (a pseudo-terminal without one) reports 0 columns.
    const lines = statusBlock(state, rates, now(), Math.max(20, (stream.columns || 100) - 1));
    clear();
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const plainLine = (force = false) => {
    const phase = phaseAt(state, now());
    if (!force && !['baseline', 'window', 'grace'].includes(phase)) return;
    if (!force && now() - lastPlain < plainInterval) return;
    lastPlain = now();
    stream.write(`${statusLine(state, rates, now())}\n`);
  };

  const readRates = async () => {
    const phase = phaseAt(state, now());
    if (!options.rates || state.runId === null || !['baseline', 'window', 'grace'].includes(phase)) return;
    rates = await options.rates(state.runId).catch(() => noRates);
  };

  const tick = async () => {
    if (stopped) return;
    // One read at a time: a slow Prometheus must not pile up queries.
    pending ??= readRates().finally(() => {
      pending = undefined;
    });
    await pending;
    if (mode === 'tty') draw();
    else plainLine();
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? 1000);
  timer.unref();

  return {
    state,
    onEvent(event) {
      applyEvent(state, event);
      if (mode === 'tty') draw();
    },
    around(log) {
      if (mode !== 'tty') return log;
      return (line) => {
        clear();
        log(line);
        draw();
      };
    },
    tick,
    async stop() {
      clearInterval(timer);
      await pending;
      if (mode === 'tty') draw();
      else if (state.startedAt !== null) plainLine(true);
      stopped = true;
    },
  };
}

/**
 * Load rates from the series k6 pushes to Prometheus (tagged with the run id as `testid`): trace
 * iterations and successes over 15 s, burst requests over 5 s.
 */
export function prometheusRates(prometheus: Pick<PrometheusClient, 'instant'>): (runId: string) => Promise<LoadRates> {
  return async (runId) => {
    const id = JSON.stringify(runId);
    const [iterations, successes, bursts] = await Promise.all([
      prometheus.instant(`sum(rate(k6_iterations_total{testid=${id},role="trace"}[15s]))`),
      prometheus.instant(`sum(rate(k6_trace_success_total{testid=${id}}[15s]))`),
      prometheus.instant(`sum(rate(k6_http_reqs_total{testid=${id},role="burst"}[5s]))`),
    ]);
    const traceRate = iterations ?? null;
    return {
      traceRate,
      // No success series while iterations run means none succeeded (the counter stopped growing).
      traceSuccess: traceRate !== null && traceRate > 0 ? Math.min(1, (successes ?? 0) / traceRate) : null,
      burstRate: bursts ?? null,
    };
  };
}
