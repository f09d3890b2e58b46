// What is going on in a run right now, folded from the journal's events as they are written: the
// phase, the faults in place, the bursts running, the alerts pending and firing. Live progress and
// gameday's own metrics both read it. Pure: events in, state out; time comes in as an argument.

import type { JournalEvent } from '../journal/events.ts';

export type Phase = 'starting' | 'preflight' | 'baseline' | 'window' | 'grace' | 'cleanup' | 'ended';

export const phases: readonly Phase[] = ['starting', 'preflight', 'baseline', 'window', 'grace', 'cleanup', 'ended'];

export interface LiveState {
  runId: string | null;
  plan: string | null;
  windowSeconds: number;
  graceSeconds: number;
  watchdog: string | null;
  /** The plan's faults and bursts, in plan order: metrics publish every one, active or not. */
  faults: string[];
  bursts: Array<{ name: string; rate: number }>;
  /** The plan's expectations: fault, alert and target. */
  expectations: Array<{ fault: string; alert: string; labels: Record<string, string>; withinSeconds: number }>;
  startedAt: number | null;
  preflightPassed: boolean;
  windowStartedAt: number | null;
  windowEnded: boolean;
  ended: { status: string; at: number } | null;
  /** Fault → when it was in place (ms). A fault being injected counts from `fault.injecting`. */
  activeFaults: Map<string, number>;
  /** Manual steps shown to the facilitator: fault → the mark awaited and until when (ms). */
  awaitingMarks: Map<string, { mark: 'injected' | 'restored'; until: number }>;
  /** Burst → when it started (ms) and its requested rate. */
  runningBursts: Map<string, { since: number; rate: number }>;
  /** From the latest Prometheus poll: alertnames with how many label sets are in each state. */
  alerts: { pending: Map<string, number>; firing: Map<string, number> };
  /** Sources whose last observation failed. */
  blind: Set<'prometheus' | 'alertmanager' | 'webhook'>;
  /** Snapshots of Prometheus's alerts seen (they are journaled when the set changes). */
  prometheusPolls: number;
  webhooks: number;
}

export function initialLiveState(): LiveState {
  return {
    runId: null,
    plan: null,
    windowSeconds: 0,
    graceSeconds: 0,
    watchdog: null,
    faults: [],
    bursts: [],
    expectations: [],
    startedAt: null,
    preflightPassed: false,
    windowStartedAt: null,
    windowEnded: false,
    ended: null,
    activeFaults: new Map(),
    awaitingMarks: new Map(),
    runningBursts: new Map(),
    alerts: { pending: new Map(), firing: new Map() },
    blind: new Set(),
    prometheusPolls: 0,
    webhooks: 0,
  };
}

/** Folds one event into the state (in place) and returns it. */
export function applyEvent(state: LiveState, event: JournalEvent): LiveState {
  const at = Date.parse(event.at);
  switch (event.kind) {
    case 'run.started':
      state.runId = event.runId;
      state.plan = event.plan.name;
      state.windowSeconds = event.plan.window.durationSeconds;
      state.graceSeconds = event.plan.window.graceSeconds;
      state.watchdog = event.plan.monitoring.watchdog ?? null;
      state.faults = event.plan.faults.map((fault) => fault.name);
      state.bursts = event.plan.bursts.map((burst) => ({ name: burst.name, rate: burst.rate }));
      state.expectations = event.plan.faults.flatMap((fault) =>
        fault.expect.map((e) => ({ fault: fault.name, alert: e.alert, labels: { ...e.labels }, withinSeconds: e.withinSeconds })),
      );
      state.startedAt = at;
      break;
    case 'preflight.passed':
      state.preflightPassed = true;
      break;
    case 'window.started':
      state.windowStartedAt = at;
      break;
    case 'window.ended':
      state.windowEnded = true;
      break;
    case 'run.ended':
      state.ended = { status: event.status, at };
      state.activeFaults.clear();
      state.awaitingMarks.clear();
      state.runningBursts.clear();
      break;
    case 'fault.injecting':
      state.activeFaults.set(event.fault, at);
      break;
    case 'fault.injected':
      state.activeFaults.set(event.fault, at);
      state.awaitingMarks.delete(event.fault);
      break;
    case 'fault.awaiting-mark':
      state.awaitingMarks.set(event.fault, { mark: event.mark, until: Date.parse(event.deadline) });
      break;
    case 'fault.marked':
      if (state.awaitingMarks.get(event.fault)?.mark === event.mark) state.awaitingMarks.delete(event.fault);
      break;
    // Out of place: reverted, restored by the team (revert: responders), or never put in (a manual
    // injection no one marked).
    case 'fault.reverted':
    case 'fault.restored':
    case 'fault.not-injected':
      state.activeFaults.delete(event.fault);
      state.awaitingMarks.delete(event.fault);
      break;
    case 'load.started':
      if (event.role === 'burst') state.runningBursts.set(event.name, { since: at, rate: event.requestedRate });
      break;
    case 'load.ended':
      if (event.role === 'burst') state.runningBursts.delete(event.name);
      break;
    case 'alerts.prometheus': {
      const pending = new Map<string, number>();
      const firing = new Map<string, number>();
      for (const alert of event.alerts) {
        const name = alert.labels.alertname ?? '?';
        const into = alert.state === 'firing' ? firing : pending;
        into.set(name, (into.get(name) ?? 0) + 1);
      }
      state.alerts = { pending, firing };
      state.prometheusPolls++;
      state.blind.delete('prometheus');
      break;
    }
    case 'alerts.alertmanager':
      state.blind.delete('alertmanager');
      break;
    case 'webhook.received':
      state.webhooks++;
      break;
    case 'observe.failed':
      // Reconciliation after the window is not a poll: it says nothing about being blind now.
      if ((event as { phase?: string }).phase !== 'reconciliation') state.blind.add(event.source);
      break;
    default:
      // Observe recoveries arrive as `observe.recovered` in newer journals.
      if ((event as { kind: string }).kind === 'observe.recovered') {
        state.blind.delete((event as unknown as { source: 'prometheus' | 'alertmanager' }).source);
      }
  }
  return state;
}

/** The phase at `now`: the window turns into grace by the clock, not by an event. */
export function phaseAt(state: LiveState, now: number): Phase {
  if (state.ended) return 'ended';
  if (state.windowEnded) return 'cleanup';
  if (state.windowStartedAt !== null) {
    return now < state.windowStartedAt + state.windowSeconds * 1000 ? 'window' : 'grace';
  }
  if (state.preflightPassed) return 'baseline';
  if (state.startedAt !== null) return 'preflight';
  return 'starting';
}

/** Seconds since the window started (negative before), or null before it did. */
export function windowElapsedSeconds(state: LiveState, now: number): number | null {
  return state.windowStartedAt === null ? null : (now - state.windowStartedAt) / 1000;
}
