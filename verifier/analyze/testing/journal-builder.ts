// Small builders for journals in tests. Times are seconds after T0, so a test reads like the
// schedule it describes: inject at 60, ALERTS pending from 65, firing from 75, revert at 180.

import type { Plan } from '../../plan/types.ts';
import { at, T0, unix } from './plan-fixtures.ts';
import type {
  AmAlert,
  AmSilence,
  DetectionInput,
  DetectionInputs,
  GamedayCost,
  JournalEvent,
  LoadResult,
  NotificationCounter,
  PromAlert,
  RunEnded,
  SeriesSamples,
  UnhealthyRule,
  WebhookAlert,
} from '../../journal/events.ts';

export { at, expectAlert, faultSpec, T0, testPlan, unix } from './plan-fixtures.ts';

/** One ALERTS episode: evaluations every `every` seconds, pending then firing, up to `last`. */
export interface EpisodeSpec {
  labels: Record<string, string>;
  /** First pending evaluation; omit for a `for: 0` rule (firing at once). */
  pending?: number;
  /** First firing evaluation; null if it never fired. */
  firing: number | null;
  /** Last evaluation that saw it. */
  last: number;
  every?: number;
}

export class JournalBuilder {
  readonly events: JournalEvent[] = [];
  readonly plan: Plan;
  private readonly alertSeries = new Map<string, SeriesSamples>();
  private readonly forStateSeries = new Map<string, SeriesSamples>();

  constructor(plan: Plan, runId = 'run-20261123-020000') {
    this.plan = plan;
    this.events.push({ kind: 'run.started', at: at(-30), runId, plan, gamedayVersion: '0.1.0', pid: 4242 });
  }

  windowStarted(seconds = 0): this {
    return this.push({ kind: 'window.started', at: at(seconds) });
  }

  windowEnded(seconds: number): this {
    return this.push({ kind: 'window.ended', at: at(seconds) });
  }

  runEnded(seconds: number, status: RunEnded['status'] = 'completed', reason?: string): this {
    return this.push({ kind: 'run.ended', at: at(seconds), status, ...(reason ? { reason } : {}) });
  }

  injecting(fault: string, seconds: number): this {
    return this.push({ kind: 'fault.injecting', at: at(seconds), fault });
  }

  injected(fault: string, seconds: number): this {
    return this.push({ kind: 'fault.injected', at: at(seconds), fault, startedAt: at(seconds - 0.2) });
  }

  injectFailed(fault: string, seconds: number, error = 'exit code 1: connection refused'): this {
    return this.push({ kind: 'fault.inject-failed', at: at(seconds), fault, error });
  }

  reverted(fault: string, seconds: number): this {
    return this.push({
      kind: 'fault.reverted',
      at: at(seconds),
      fault,
      startedAt: at(seconds - 0.2),
      reason: 'scheduled',
    });
  }

  revertFailed(fault: string, seconds: number, error = 'exit code 1'): this {
    return this.push({ kind: 'fault.revert-failed', at: at(seconds), fault, error });
  }

  /** A burst's load.started and, unless `result` is null, its load.ended right after its duration. */
  burst(name: string, seconds: number, durationSeconds: number, result: Partial<LoadResult> | null = {}): this {
    this.push({
      kind: 'load.started',
      at: at(seconds),
      role: 'burst',
      name,
      pid: 5000,
      requestedRate: result?.requestedRate ?? 2000,
      durationSeconds,
      vus: 200,
    });
    if (result === null) return this;
    return this.burstEnded(name, seconds + durationSeconds + 1, result);
  }

  burstEnded(name: string, seconds: number, result: Partial<LoadResult> = {}): this {
    const started = this.events.find((event) => event.kind === 'load.started' && event.name === name);
    const rate = result.requestedRate ?? (started?.kind === 'load.started' ? started.requestedRate : 2000);
    const durationSeconds = result.durationSeconds ?? (started?.kind === 'load.started' ? started.durationSeconds : 60);
    return this.push({
      kind: 'load.ended',
      at: at(seconds),
      role: 'burst',
      name,
      exitCode: 0,
      signal: null,
      result: {
        requestedRate: rate,
        durationSeconds,
        iterations: rate * durationSeconds,
        achievedRate: rate,
        droppedIterations: 0,
        httpReqs: rate * durationSeconds,
        httpReqFailedRate: 0,
        httpReqDurationP95Ms: 12.5,
        ...result,
      },
    });
  }

  /** Adds an episode's samples to the record a later `reconciled()` writes. */
  alertEpisode(spec: EpisodeSpec): this {
    const every = spec.every ?? 5;
    const start = spec.pending ?? spec.firing;
    if (start === null || start === undefined) throw new Error('an episode needs a pending or a firing start');
    const activeAt = Math.floor(unix(start));
    for (let s = start; s <= spec.last + 1e-9; s += every) {
      const state = spec.firing !== null && s >= spec.firing - 1e-9 ? 'firing' : 'pending';
      this.sample(this.alertSeries, { __name__: 'ALERTS', ...spec.labels, alertstate: state }, [unix(s), 1]);
      this.sample(this.forStateSeries, { __name__: 'ALERTS_FOR_STATE', ...spec.labels }, [unix(s), activeAt]);
    }
    return this;
  }

  /**
   * Writes Prometheus's record of every `alertEpisode()` so far. The plan's watchdog fires for the
   * whole record (every 5 s), as a real one does, unless the test recorded it or says `watchdog: false`.
   */
  reconciled(seconds: number, from = -30, options: { watchdog?: boolean } = {}): this {
    const watchdog = this.plan.monitoring.watchdog;
    const recorded = [...this.alertSeries.values()].some((series) => series.labels.alertname === watchdog);
    if (watchdog !== undefined && !recorded && options.watchdog !== false) {
      for (let s = from; s <= seconds; s += 5) {
        this.sample(this.alertSeries, { __name__: 'ALERTS', alertname: watchdog, alertstate: 'firing', severity: 'none' }, [unix(s), 1]);
      }
    }
    return this.push({
      kind: 'alerts.reconciled',
      at: at(seconds),
      from: at(from),
      to: at(seconds),
      alerts: [...this.alertSeries.values()],
      forState: [...this.forStateSeries.values()],
    });
  }

  prometheusPoll(
    seconds: number,
    alerts: Array<{
      labels: Record<string, string>;
      activeAt: number;
      state?: PromAlert['state'];
      annotations?: Record<string, string>;
    }>,
  ): this {
    return this.push({
      kind: 'alerts.prometheus',
      at: at(seconds),
      alerts: alerts.map((alert) => ({
        labels: alert.labels,
        annotations: alert.annotations ?? {},
        state: alert.state ?? 'firing',
        activeAt: at(alert.activeAt),
      })),
    });
  }

  /** A snapshot of Alertmanager's alerts; the plan's watchdog is in it, as in a working pipeline, unless `watchdog: false`. */
  alertmanagerPoll(
    seconds: number,
    alerts: Array<{
      labels: Record<string, string>;
      startsAt: number;
      annotations?: Record<string, string>;
      /** Alertmanager's status of the alert, as the poller records it since it records it. */
      status?: Partial<Pick<AmAlert, 'state' | 'inhibitedBy' | 'silencedBy' | 'receivers' | 'fingerprint'>>;
    }>,
    options: { watchdog?: boolean } = {},
  ): this {
    const watchdog = this.plan.monitoring.watchdog;
    const withWatchdog =
      watchdog !== undefined && options.watchdog !== false && !alerts.some((alert) => alert.labels.alertname === watchdog)
        ? [...alerts, { labels: { alertname: watchdog, severity: 'none' }, startsAt: -300 }]
        : alerts;
    return this.push({
      kind: 'alerts.alertmanager',
      at: at(seconds),
      alerts: withWatchdog.map((alert): AmAlert => ({
        labels: alert.labels,
        annotations: alert.annotations ?? {},
        startsAt: at(alert.startsAt),
        fingerprint: 'fp',
        state: 'active',
        ...('status' in alert ? alert.status : {}),
      })),
    });
  }

  /** Alertmanager's silences as the poller read them. */
  silences(seconds: number, silences: Array<Partial<AmSilence> & { id: string; matchers: AmSilence['matchers'] }>): this {
    return this.push({
      kind: 'silences.alertmanager',
      at: at(seconds),
      silences: silences.map((silence) => ({
        state: 'active',
        startsAt: at(seconds),
        endsAt: at(seconds + 3600),
        createdBy: 'oncall@example.com',
        comment: '',
        ...silence,
      })),
    });
  }

  /** Alertmanager's notification counters as the poller read them from /metrics. */
  notificationCounters(seconds: number, counters: NotificationCounter[]): this {
    return this.push({ kind: 'notifications.alertmanager', at: at(seconds), counters });
  }

  webhook(
    seconds: number,
    alerts: Array<{
      labels: Record<string, string>;
      startsAt: number;
      status?: WebhookAlert['status'];
      endsAt?: number;
      annotations?: Record<string, string>;
    }>,
  ): this {
    return this.push({
      kind: 'webhook.received',
      at: at(seconds),
      receiver: 'gameday',
      status: alerts.some((alert) => (alert.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
      groupKey: '{}:{}',
      alerts: alerts.map((alert) => ({
        status: alert.status ?? 'firing',
        labels: alert.labels,
        annotations: alert.annotations ?? {},
        startsAt: at(alert.startsAt),
        endsAt: alert.endsAt === undefined ? '0001-01-01T00:00:00Z' : at(alert.endsAt),
        fingerprint: 'fp',
      })),
    });
  }

  /** One trace request a second from `from` to `to` (inclusive); `failing(s)` marks failures, `ms(s)` times them. */
  trace(from: number, to: number, failing: (seconds: number) => boolean = () => false, ms?: (seconds: number) => number): this {
    const samples: Array<[number, 0 | 1]> = [];
    for (let s = from; s <= to; s++) samples.push([T0 + s * 1000 + 250, failing(s) ? 0 : 1]);
    const latencies = ms && samples.map(([time]): [number, number] => [time, ms((time - T0 - 250) / 1000)]);
    return this.push({ kind: 'trace.samples', at: at(to + 1), samples, ...(latencies && { latencies }) });
  }

  observeFailed(seconds: number, source: 'prometheus' | 'alertmanager' | 'webhook', error = 'ECONNREFUSED', lastSuccess?: number): this {
    return this.push({
      kind: 'observe.failed',
      at: at(seconds),
      source,
      error,
      ...(lastSuccess === undefined ? {} : { lastSuccessAt: at(lastSuccess) }),
    });
  }

  /** A streak of failed polls of `source` from `from` (its last answer a second earlier) to `to`. */
  unreachable(source: 'prometheus' | 'alertmanager', from: number, to: number, error = 'ECONNREFUSED'): this {
    this.observeFailed(from, source, error, from - 1);
    return this.push({ kind: 'observe.recovered', at: at(to), source, failedAt: at(from), failedPolls: Math.round(to - from) });
  }

  rulesHealth(seconds: number, unhealthy: Array<Partial<UnhealthyRule> & { name: string }>): this {
    return this.push({
      kind: 'rules.health',
      at: at(seconds),
      unhealthy: unhealthy.map((rule) => ({ group: 'demo', health: 'err', lastError: 'boom', ...rule })),
    });
  }

  /**
   * Reads of Prometheus's clock at `seconds` (gameday's clock), Prometheus `offsetMs` ahead; each
   * read takes `roundTripMs`, the first `slowFirstMs` longer (a read NTP's rule must skip).
   */
  clockSampled(seconds: number, phase: 'preflight' | 'end', offsetMs: number, roundTripMs = 2, slowFirstMs = 0): this {
    const samples = [0, 1, 2].map((index) => {
      const sent = Math.round(T0 + seconds * 1000) + index * 10;
      const trip = roundTripMs + (index === 0 ? slowFirstMs : 0);
      // A slow read: the answer was held up on the way back, so Prometheus read its clock early.
      return {
        sentAt: new Date(sent).toISOString(),
        prometheusTime: new Date(sent + roundTripMs / 2 + offsetMs).toISOString(),
        receivedAt: new Date(sent + trip).toISOString(),
      };
    });
    return this.push({ kind: 'clock.sampled', at: at(seconds), phase, samples });
  }

  detectionInputs(
    seconds: number,
    inputs: Array<Partial<DetectionInput> & { alert: string }>,
    alertmanager: Pick<DetectionInputs, 'inhibitRules' | 'receivers'> = {},
  ): this {
    return this.push({
      kind: 'detection.inputs',
      at: at(seconds),
      problems: [],
      ...alertmanager,
      expectations: inputs.map((input) => ({
        labels: {},
        scrapeSeconds: 5,
        scrapeSource: 'job "demo"',
        evalSeconds: 5,
        forSeconds: 10,
        windowSeconds: 0,
        readsTrace: false,
        groupWaitSeconds: 1,
        groupIntervalSeconds: 10,
        route: 'route',
        receiver: 'gameday',
        receiverCallsGameday: true,
        ...input,
      })),
    });
  }

  /** The trace's series in Prometheus: a sample every second from `from` to `to`, except in `gaps`. */
  traceSeries(seconds: number, from: number, to: number, gaps: Array<[number, number]> = []): this {
    const timestamps: number[] = [];
    for (let s = from; s <= to; s++) if (!gaps.some(([a, b]) => s > a && s < b)) timestamps.push(unix(s) + 0.705);
    return this.push({
      kind: 'trace.series',
      at: at(seconds),
      selector: 'k6_vus{testid="t",role="trace"}',
      from: at(from),
      to: at(to),
      timestamps,
    });
  }

  push(event: JournalEvent): this {
    this.events.push(event);
    return this;
  }

  build(): JournalEvent[] {
    return [...this.events];
  }

  private sample(into: Map<string, SeriesSamples>, labels: Record<string, string>, sample: [number, number]): void {
    const key = JSON.stringify(Object.entries(labels).sort());
    const series = into.get(key) ?? { labels, samples: [] };
    series.samples.push(sample);
    into.set(key, series);
  }
}

/** A journal file: one JSON event a line, as the orchestrator writes runs/<id>/journal.jsonl. */
export function parseJournal(text: string): JournalEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JournalEvent);
}

/** The same journal, its run.ended carrying gameday's own cost as `gameday run` writes it. */
export function withGamedayCost(events: JournalEvent[], gameday: GamedayCost): JournalEvent[] {
  return events.map((event) => (event.kind === 'run.ended' ? { ...event, gameday } : event));
}
