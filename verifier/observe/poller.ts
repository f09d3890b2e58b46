// Watches the alerting pipeline during a run: Prometheus's active alerts, Alertmanager's alerts
// and the health of the alerting rules, each in its own loop so that one hung server does not
// stall the others. Snapshots are journaled only when they change; polls only tell early what the
// reconciliation later reads exactly from Prometheus. Alertmanager's own account of each alert
// (inhibited by, silenced by, routed to), its silences and its notification counters are journaled
// too: the delivery diagnosis says what Alertmanager said at the time, not what it guesses later.
//
// What the analysis needs to say "we could not tell" is journaled too: the first failure of a
// streak (after retries with backoff) with the last answer before it, the first answer after it,
// and the rules whose evaluation is not healthy. Blind intervals are computed from these, purely.

import { errorMessage } from '../errors.ts';
import type { AmAlert, AmSilence, NotificationCounter, PromAlert, UnhealthyRule } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import type { AlertingRule } from './prometheus.ts';

export interface PollerOptions {
  prometheus: { alerts(): Promise<PromAlert[]>; alertingRules(): Promise<AlertingRule[]> };
  alertmanager: {
    /** Named on every poll event when there are peers. */
    baseUrl?: string;
    alerts(): Promise<AmAlert[]>;
    /** Read every `notificationsIntervalSeconds` when present; an Alertmanager that refuses is left unread. */
    silences?(): Promise<AmSilence[]>;
    notificationCounters?(): Promise<NotificationCounter[]>;
  };
  /**
   * The other peers of an Alertmanager cluster, polled for alerts like the first, each in its own
   * loop; with any, every alerts poll and every failure names its peer (`baseUrl`).
   */
  alertmanagerPeers?: ReadonlyArray<{ baseUrl: string; alerts(): Promise<AmAlert[]> }>;
  intervalSeconds: number;
  record: (event: EventInput) => void;
  log: (line: string) => void;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Retries of a failed request before the poll counts as failed (backoff 200 ms, 400 ms, …). Default 2. */
  retries?: number;
  /** Seconds between reads of the rules' health. Default: the poll interval, at least 5 s. */
  rulesIntervalSeconds?: number;
  /** Seconds between reads of Alertmanager's silences and notification counters. Default: the poll interval, at least 2 s. */
  notificationsIntervalSeconds?: number;
  /**
   * Seconds without an answer after which a source counts as unreachable even while a request is
   * still pending (a stopped server accepts connections and never answers). Default: 3 polls, at least
   * 5 s (a busy machine answers slowly; the blind interval starts at the last answer either way).
   */
  staleAfterSeconds?: number;
}

export interface Poller {
  stop(): Promise<void>;
}

type Source = 'prometheus' | 'alertmanager';

export function startPoller(options: PollerOptions): Poller {
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retries = options.retries ?? 2;
  const staleAfterMs = (options.staleAfterSeconds ?? Math.max(5, 3 * options.intervalSeconds)) * 1000;
  let stopped = false;
  const wake = new Set<() => void>();

  /** Sleeps, but wakes at once when the poller stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const done = () => {
        wake.delete(done);
        resolve();
      };
      wake.add(done);
      void sleep(ms).then(done);
    });

  const withRetries = async <T>(fn: () => Promise<T>, attempts: number): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (attempt >= attempts || stopped) throw error;
        await pause(200 * 2 ** attempt);
      }
    }
  };

  /** A streak of failures per source: journaled once when it starts and once when it ends. */
  const health = (source: Source, peer?: string) => {
    let lastSuccessAt: Date | undefined;
    let failing: { at: string; polls: number } | undefined;
    const started = now();
    const name = source === 'prometheus' ? 'Prometheus' : peer === undefined ? 'Alertmanager' : `Alertmanager peer ${peer}`;
    const named = peer === undefined ? {} : { peer };
    const startStreak = (error: string) => {
      const at = now().toISOString();
      failing = { at, polls: 1 };
      options.record({
        kind: 'observe.failed',
        at,
        source,
        error,
        ...(lastSuccessAt ? { lastSuccessAt: lastSuccessAt.toISOString() } : {}),
        ...named,
      });
      options.log(`${name} unreachable: ${error}`);
    };
    return {
      /** Retries only when the source was answering: a streak is confirmed, then polled once per interval. */
      attempts: () => (failing ? 0 : retries),
      ok() {
        const at = now();
        if (failing) {
          options.record({
            kind: 'observe.recovered',
            at: at.toISOString(),
            source,
            failedAt: failing.at,
            failedPolls: failing.polls,
            ...named,
          });
          options.log(`${name} answers again (after ${failing.polls} failed polls)`);
          failing = undefined;
        }
        lastSuccessAt = at;
      },
      failed(error: unknown) {
        if (failing) {
          failing.polls += 1;
          return;
        }
        startStreak(errorMessage(error));
      },
      /** A request that hangs fails no poll until its timeout: silence this long is a failure by itself. */
      checkSilence() {
        if (failing || stopped) return;
        const since = lastSuccessAt ?? started;
        const silentMs = now().getTime() - since.getTime();
        if (silentMs > staleAfterMs) startStreak(`no answer for ${(silentMs / 1000).toFixed(1)} s (a request is still pending)`);
      },
    };
  };

  const loop = async (intervalSeconds: number, once: () => Promise<void>) => {
    while (!stopped) {
      const started = Date.now();
      await once().catch(() => undefined);
      const wait = intervalSeconds * 1000 - (Date.now() - started);
      if (wait > 0) await pause(wait);
    }
  };

  const prometheusHealth = health('prometheus');
  let lastProm = '';
  const states = new Map<string, string>();
  const pollPrometheus = async () => {
    let alerts: PromAlert[];
    try {
      alerts = await withRetries(() => options.prometheus.alerts(), prometheusHealth.attempts());
    } catch (error) {
      if (!stopped) prometheusHealth.failed(error);
      return;
    }
    prometheusHealth.ok();
    const key = JSON.stringify(alerts.map((a) => [a.labels, a.state, a.activeAt]));
    if (key === lastProm) return;
    lastProm = key;
    options.record({ kind: 'alerts.prometheus', alerts });
    const seen = new Set<string>();
    for (const alert of alerts) {
      const id = JSON.stringify(alert.labels);
      seen.add(id);
      if (states.get(id) !== alert.state) options.log(`${alert.labels.alertname} ${alert.state}`);
      states.set(id, alert.state);
    }
    for (const [id] of states) {
      if (seen.has(id)) continue;
      options.log(`${(JSON.parse(id) as Record<string, string>).alertname} resolved`);
      states.delete(id);
    }
  };

  // Peers of a cluster do not share one view (each gets Prometheus's alerts on its own), so each
  // is polled, timed and judged unreachable on its own.
  const peers = options.alertmanagerPeers ?? [];
  const clustered = peers.length > 0;
  const alertmanagerPoller = (source: { baseUrl?: string; alerts(): Promise<AmAlert[]> }) => {
    const peer = clustered ? (source.baseUrl ?? 'primary') : undefined;
    const sourceHealth = health('alertmanager', peer);
    let last = '';
    const poll = async () => {
      let alerts: AmAlert[];
      try {
        alerts = await withRetries(() => source.alerts(), sourceHealth.attempts());
      } catch (error) {
        if (!stopped) sourceHealth.failed(error);
        return;
      }
      sourceHealth.ok();
      const key = JSON.stringify(alerts.map((a) => [a.fingerprint, a.startsAt, a.state, a.inhibitedBy, a.silencedBy, a.receivers]));
      if (key === last) return;
      last = key;
      options.record({ kind: 'alerts.alertmanager', alerts, ...(peer === undefined ? {} : { peer }) });
    };
    return { poll, health: sourceHealth };
  };
  const alertmanagers = [options.alertmanager, ...peers].map(alertmanagerPoller);

  // Unreachability is the alerts loop's to report; this one only says which rules fail to evaluate.
  let lastRules: string | undefined;
  const pollRules = async () => {
    const rules = await options.prometheus.alertingRules();
    const unhealthy: UnhealthyRule[] = rules
      .filter((rule) => rule.health !== 'ok')
      .map((rule) => ({ name: rule.name, group: rule.group, health: rule.health, lastError: rule.lastError ?? null }));
    const key = JSON.stringify(unhealthy);
    if (key === lastRules) return;
    // The first read journals only a problem; a healthy start is what preflight already said.
    if (lastRules !== undefined || unhealthy.length > 0) {
      options.record({ kind: 'rules.health', unhealthy });
      for (const rule of unhealthy) options.log(`rule ${rule.name} is ${rule.health}${rule.lastError ? `: ${rule.lastError}` : ''}`);
      if (unhealthy.length === 0) options.log('every alerting rule evaluates again');
    }
    lastRules = key;
  };

  // Silences and counters explain a notification that did not go out; a failure to read them is
  // not a blind interval (the alerts loop says whether Alertmanager answers), so it is only logged once.
  const pollerStartedAt = now().getTime();
  let lastSilences: string | undefined;
  let lastCounters: string | undefined;
  const unreadable = new Set<string>();
  const readOnce = async <T>(what: string, read: (() => Promise<T>) | undefined): Promise<T | undefined> => {
    if (read === undefined) return undefined;
    try {
      const value = await read();
      unreadable.delete(what);
      return value;
    } catch (error) {
      if (!unreadable.has(what) && !stopped) options.log(`Alertmanager's ${what} could not be read: ${errorMessage(error)}`);
      unreadable.add(what);
      return undefined;
    }
  };
  const pollAlertmanagerState = async () => {
    const am = options.alertmanager;
    const silences = await readOnce('silences', am.silences?.bind(am));
    if (silences !== undefined) {
      const relevant = silences.filter((silence) => silence.state !== 'expired' || Date.parse(silence.endsAt) >= pollerStartedAt);
      const key = JSON.stringify(relevant);
      if (key !== lastSilences) {
        lastSilences = key;
        options.record({ kind: 'silences.alertmanager', silences: relevant });
      }
    }
    const counters = await readOnce('notification counters', am.notificationCounters?.bind(am));
    if (counters !== undefined) {
      const key = JSON.stringify(counters);
      if (key !== lastCounters) {
        lastCounters = key;
        options.record({ kind: 'notifications.alertmanager', counters });
      }
    }
  };

  const readsState = options.alertmanager.silences !== undefined || options.alertmanager.notificationCounters !== undefined;
  const loops = [
    ...(readsState ? [loop(options.notificationsIntervalSeconds ?? Math.max(options.intervalSeconds, 2), pollAlertmanagerState)] : []),
    loop(options.intervalSeconds, pollPrometheus),
    ...alertmanagers.map((alertmanager) => loop(options.intervalSeconds, alertmanager.poll)),
    loop(options.intervalSeconds, async () => {
      prometheusHealth.checkSilence();
      for (const alertmanager of alertmanagers) alertmanager.health.checkSilence();
    }),
    loop(options.rulesIntervalSeconds ?? Math.max(options.intervalSeconds, 5), pollRules),
  ];
  return {
    stop: async () => {
      stopped = true;
      for (const done of [...wake]) done();
      await Promise.all(loops);
    },
  };
}
