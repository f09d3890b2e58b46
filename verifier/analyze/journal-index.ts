// The journal, sorted into what the analysis asks of it. The journal is append-only and written in
// order, but nothing here relies on that: polls and samples are sorted by time, and the first event
// of a kind wins where a fault or a load could (through a bug or a retry) appear twice.

import { UsageError } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import type {
  AlertmanagerAlertsPolled,
  AlertmanagerNotificationsPolled,
  AlertmanagerSilencesPolled,
  AlertsReconciled,
  DetectionInputs,
  FaultInjected,
  FaultInjectFailed,
  FaultInjecting,
  FaultMarked,
  FaultNotInjected,
  FaultRestored,
  FaultReverted,
  FaultRevertFailed,
  JournalEvent,
  LoadEnded,
  LoadStarted,
  ObserveFailed,
  ObserveRecovered,
  PreflightPassed,
  PrometheusAlertsPolled,
  RunEnded,
  RulesHealth,
  RunStarted,
  TraceSeries,
  WebhookReceived,
} from '../journal/events.ts';
import { type EpochMs, fromUnixSeconds, parseInstant } from './time.ts';

export interface FaultEvents {
  injecting?: FaultInjecting;
  injected?: FaultInjected;
  injectFailed?: FaultInjectFailed;
  reverted?: FaultReverted;
  revertFailed?: FaultRevertFailed;
  /** A manual injection whose mark never came. */
  notInjected?: FaultNotInjected;
  /** A `revert: responders` fault the team restored (the first such event). */
  restored?: FaultRestored;
  /** Every mark made by hand, in the order of the moments they claim. */
  marks?: FaultMarked[];
}

export interface JournalIndex {
  runStarted: RunStarted;
  plan: Plan;
  runEnded: RunEnded | null;
  windowStartedAt: EpochMs | null;
  windowEndedAt: EpochMs | null;
  /** The latest time the journal speaks about: its last event, or the end of the reconciled range. */
  endOfRecord: EpochMs;
  faults: Map<string, FaultEvents>;
  loadsStarted: LoadStarted[];
  loadsEnded: LoadEnded[];
  prometheusPolls: PrometheusAlertsPolled[];
  alertmanagerPolls: AlertmanagerAlertsPolled[];
  silencePolls: AlertmanagerSilencesPolled[];
  notificationPolls: AlertmanagerNotificationsPolled[];
  webhooks: WebhookReceived[];
  reconciled: AlertsReconciled[];
  observeFailures: ObserveFailed[];
  observeRecoveries: ObserveRecovered[];
  rulesHealth: RulesHealth[];
  preflight: PreflightPassed | null;
  detectionInputs: DetectionInputs | null;
  traceSeries: TraceSeries[];
  /** Every trace request, [unix ms, 1 ok | 0 failed], sorted by time. */
  traceSamples: Array<readonly [EpochMs, 0 | 1]>;
  /** Every timed trace iteration, [unix ms, duration ms], sorted by time; empty in older journals. */
  traceLatencies: Array<readonly [EpochMs, number]>;
  /** The same, per named journey (events with a `journey`), in order of first appearance. */
  traceJourneys: Map<string, { samples: Array<readonly [EpochMs, 0 | 1]>; latencies: Array<readonly [EpochMs, number]> }>;
}

export function indexJournal(events: readonly JournalEvent[]): JournalIndex {
  const runStarted = events.find((event): event is RunStarted => event.kind === 'run.started');
  if (!runStarted) {
    throw new UsageError(`invalid journal; reason: expected a run.started event, got ${events.length} events without one`);
  }

  const index: JournalIndex = {
    runStarted,
    plan: runStarted.plan,
    runEnded: null,
    windowStartedAt: null,
    windowEndedAt: null,
    endOfRecord: parseInstant(runStarted.at),
    faults: new Map(),
    loadsStarted: [],
    loadsEnded: [],
    prometheusPolls: [],
    alertmanagerPolls: [],
    silencePolls: [],
    notificationPolls: [],
    webhooks: [],
    reconciled: [],
    observeFailures: [],
    observeRecoveries: [],
    rulesHealth: [],
    preflight: null,
    detectionInputs: null,
    traceSeries: [],
    traceSamples: [],
    traceLatencies: [],
    traceJourneys: new Map(),
  };

  for (const event of events) {
    index.endOfRecord = Math.max(index.endOfRecord, parseInstant(event.at));
    switch (event.kind) {
      case 'run.ended':
        index.runEnded ??= event;
        break;
      case 'window.started':
        index.windowStartedAt ??= parseInstant(event.at);
        break;
      case 'window.ended':
        index.windowEndedAt ??= parseInstant(event.at);
        break;
      case 'fault.injecting':
        faultEvents(index, event.fault).injecting ??= event;
        break;
      case 'fault.injected':
        faultEvents(index, event.fault).injected ??= event;
        break;
      case 'fault.inject-failed':
        faultEvents(index, event.fault).injectFailed ??= event;
        break;
      case 'fault.reverted':
        faultEvents(index, event.fault).reverted ??= event;
        break;
      case 'fault.revert-failed':
        faultEvents(index, event.fault).revertFailed ??= event;
        break;
      case 'fault.not-injected':
        faultEvents(index, event.fault).notInjected ??= event;
        break;
      case 'fault.restored':
        faultEvents(index, event.fault).restored ??= event;
        break;
      case 'fault.marked': {
        const marks = (faultEvents(index, event.fault).marks ??= []);
        marks.push(event);
        break;
      }
      case 'load.started':
        index.loadsStarted.push(event);
        break;
      case 'load.ended':
        index.loadsEnded.push(event);
        break;
      case 'alerts.prometheus':
        index.prometheusPolls.push(event);
        break;
      case 'alerts.alertmanager':
        index.alertmanagerPolls.push(event);
        break;
      case 'silences.alertmanager':
        index.silencePolls.push(event);
        break;
      case 'notifications.alertmanager':
        index.notificationPolls.push(event);
        break;
      case 'webhook.received':
        index.webhooks.push(event);
        break;
      case 'alerts.reconciled':
        index.reconciled.push(event);
        index.endOfRecord = Math.max(index.endOfRecord, parseInstant(event.to));
        break;
      case 'observe.failed':
        index.observeFailures.push(event);
        break;
      case 'observe.recovered':
        index.observeRecoveries.push(event);
        break;
      case 'rules.health':
        index.rulesHealth.push(event);
        break;
      case 'preflight.passed':
        index.preflight ??= event;
        break;
      case 'detection.inputs':
        index.detectionInputs ??= event;
        break;
      case 'trace.series':
        index.traceSeries.push(event);
        break;
      case 'trace.samples': {
        // Loops, not push(...): a long run's samples would overflow the argument list.
        const journey = event.journey === undefined ? null : (index.traceJourneys.get(event.journey) ?? { samples: [], latencies: [] });
        for (const sample of event.samples) {
          index.traceSamples.push(sample);
          journey?.samples.push(sample);
        }
        for (const latency of event.latencies ?? []) {
          index.traceLatencies.push(latency);
          journey?.latencies.push(latency);
        }
        if (journey !== null && event.journey !== undefined) index.traceJourneys.set(event.journey, journey);
        break;
      }
      default:
        // run.started, clock.sampled (read before indexing), and kinds added after this was written.
        break;
    }
  }

  const byTime = (a: { at: string }, b: { at: string }) => parseInstant(a.at) - parseInstant(b.at);
  index.prometheusPolls.sort(byTime);
  index.alertmanagerPolls.sort(byTime);
  index.silencePolls.sort(byTime);
  index.notificationPolls.sort(byTime);
  index.webhooks.sort(byTime);
  index.observeFailures.sort(byTime);
  index.observeRecoveries.sort(byTime);
  index.rulesHealth.sort(byTime);
  for (const fault of index.faults.values()) fault.marks?.sort((a, b) => parseInstant(a.markedAt) - parseInstant(b.markedAt));
  index.traceSamples.sort((a, b) => a[0] - b[0]);
  index.traceLatencies.sort((a, b) => a[0] - b[0]);
  for (const journey of index.traceJourneys.values()) {
    journey.samples.sort((a, b) => a[0] - b[0]);
    journey.latencies.sort((a, b) => a[0] - b[0]);
  }
  for (const record of index.reconciled) {
    for (const series of [...record.alerts, ...record.forState]) {
      for (const [seconds] of series.samples) {
        index.endOfRecord = Math.max(index.endOfRecord, fromUnixSeconds(seconds));
      }
    }
  }
  return index;
}

function faultEvents(index: JournalIndex, fault: string): FaultEvents {
  let found = index.faults.get(fault);
  if (!found) {
    found = {};
    index.faults.set(fault, found);
  }
  return found;
}

/** The window gameday judged: window.started to window.ended, or the run's edges when one is missing. */
export function windowSpan(index: JournalIndex): { from: EpochMs; to: EpochMs } {
  return {
    from: index.windowStartedAt ?? parseInstant(index.runStarted.at),
    to: index.windowEndedAt ?? index.endOfRecord,
  };
}
