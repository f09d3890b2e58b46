// journal → verdicts. A pure function of the recorded events (no clock, no I/O), so a report can
// be rebuilt after a crash and every figure traced back to the events it came from.

import type { Expectation, FaultSpec } from '../plan/types.ts';
import type { JournalEvent } from '../journal/events.ts';
import { blindIntervals, readsTrace } from './blind.ts';
import { analyzeBursts } from './bursts.ts';
import { estimateClock, toGamedayClock } from './clock.ts';
import { clusterPeers, mergePeerPolls } from './alertmanager-peers.ts';
import { buildEpisodes } from './episodes.ts';
import { type DetectionWindow, type JudgeContext, judgeExpectation, notInjectedExpectation, type RuleFacts } from './expectations.ts';
import { faultImpact, type LatencyContext, traceTotals } from './impact.ts';
import { baselineLatency, DEFAULT_LATENCY_FACTOR, thinBaselineNote } from './latency.ts';
import { type FaultEvents, indexJournal, type JournalIndex, windowSpan } from './journal-index.ts';
import { includesLabels } from '../alerting/labels.ts';
import type { FaultAnalysis, RunAnalysis, RunInfo } from './model.ts';
import { type EpochMs, parseInstant, secondsBetween, toIso } from './time.ts';
import { teamClock } from './team-clock.ts';
import { type FaultSpan, unexpectedAlerts } from './unexpected.ts';

export function analyzeRun(events: readonly JournalEvent[]): RunAnalysis {
  // Prometheus's times onto gameday's clock first: from here on, one clock.
  const clock = estimateClock(events);
  const indexed = indexJournal(clock?.corrected ? toGamedayClock(events, clock.offsetMs) : events);
  // An Alertmanager cluster reads as one Alertmanager: what any answering peer held.
  const journal = { ...indexed, alertmanagerPolls: mergePeerPolls(indexed.alertmanagerPolls, indexed.observeFailures) };
  const { plan } = journal;
  const episodes = buildEpisodes(journal);
  const blind = blindIntervals(journal);
  const context: JudgeContext = {
    episodes,
    webhooks: journal.webhooks,
    alertmanagerPolls: journal.alertmanagerPolls,
    pollIntervalSeconds: plan.monitoring.pollIntervalSeconds,
    blindIntervals: blind,
    listening: plan.monitoring.webhookListen !== undefined,
    endOfRecord: journal.endOfRecord,
    alertmanager: {
      polls: journal.alertmanagerPolls,
      silencePolls: journal.silencePolls,
      notificationPolls: journal.notificationPolls,
      inhibitRules: journal.detectionInputs?.inhibitRules ?? null,
      receivers: journal.detectionInputs?.receivers ?? null,
    },
    peers: {
      peers: clusterPeers(plan.monitoring.alertmanager),
      polls: indexed.alertmanagerPolls,
      failures: indexed.observeFailures,
      recoveries: indexed.observeRecoveries,
    },
  };
  const latency = latencyContext(journal);
  const faults = plan.faults.map((fault) => analyzeFault(fault, journal, context, latency));
  const spans: FaultSpan[] = faults.map((fault) => ({ name: fault.name, from: fault.injectedAt, to: fault.revertedAt ?? fault.deadline }));
  const window = windowSpan(journal);

  return {
    plan: {
      name: plan.name,
      file: plan.file,
      graceSeconds: plan.window.graceSeconds,
      watchdog: plan.monitoring.watchdog ?? null,
    },
    run: runInfo(journal),
    faults,
    bursts: analyzeBursts(plan.bursts, journal.loadsStarted, journal.loadsEnded),
    trace: traceTotals(journal.traceSamples, window),
    unexpectedAlerts: unexpectedAlerts(episodes, plan.faults, spans, window, plan.monitoring.watchdog ?? null),
    monitoring: {
      reconciled: journal.reconciled.length > 0,
      prometheusPolls: journal.prometheusPolls.length,
      alertmanagerPolls: indexed.alertmanagerPolls.length,
      webhooks: journal.webhooks.length,
      observeFailures: {
        prometheus: journal.observeFailures.filter((failure) => failure.source === 'prometheus').length,
        alertmanager: journal.observeFailures.filter((failure) => failure.source === 'alertmanager').length,
        webhook: journal.observeFailures.filter((failure) => failure.source === 'webhook').length,
      },
    },
    clock,
    blindIntervals: blind,
  };
}

function runInfo(journal: JournalIndex): RunInfo {
  const { runStarted, runEnded } = journal;
  return {
    id: runStarted.runId,
    gamedayVersion: runStarted.gamedayVersion,
    startedAt: parseInstant(runStarted.at),
    endedAt: runEnded ? parseInstant(runEnded.at) : null,
    status: runEnded?.status ?? 'incomplete',
    reason: runEnded?.reason ?? null,
    windowStartedAt: journal.windowStartedAt,
    windowEndedAt: journal.windowEndedAt,
    gameday: runEnded?.gameday ?? null,
  };
}

/** The latency baselines: the trace before the first injection, overall and per journey. */
function latencyContext(journal: JournalIndex): RunLatency {
  const injections = [...journal.faults.values()].flatMap((fault) => (fault.injected ? [parseInstant(fault.injected.at)] : []));
  const firstFault = injections.length === 0 ? null : Math.min(...injections);
  return {
    // Journals from before the plan had `impact` carry no factor: the default then.
    factor: journal.plan.impact?.latencyFactor ?? DEFAULT_LATENCY_FACTOR,
    firstFaultAt: firstFault,
    baseline: baselineLatency(journal.traceLatencies, firstFault),
    journeyBaselines: new Map([...journal.traceJourneys].map(([name, record]) => [name, baselineLatency(record.latencies, firstFault)])),
  };
}

/** The latency context of every fault, and the first injection that ends the baseline. */
type RunLatency = LatencyContext & { firstFaultAt: EpochMs | null };

function analyzeFault(fault: FaultSpec, journal: JournalIndex, context: JudgeContext, latency: RunLatency): FaultAnalysis {
  const { episodes } = context;
  const recorded: FaultEvents = journal.faults.get(fault.name) ?? {};
  const base = {
    name: fault.name,
    description: fault.description ?? null,
    injectError: recorded.injectFailed?.error ?? null,
    revertError: recorded.revertFailed?.error ?? null,
  };

  if (!recorded.injected) {
    const notes: string[] = [];
    const notInjected = recorded.notInjected?.reason;
    if (notInjected !== undefined) notes.push(`not injected: ${notInjected}`);
    else if (recorded.injectFailed) notes.push(`injection failed: ${recorded.injectFailed.error}`);
    else if (recorded.injecting) {
      notes.push(`injection started at ${recorded.injecting.at} but never completed: the fault may be in place`);
    } else notes.push('never injected');
    return {
      ...base,
      injection: notInjected !== undefined ? 'not-injected' : recorded.injectFailed ? 'inject-failed' : 'never-injected',
      injectedAt: null,
      revertedAt: null,
      measuredFrom: null,
      measuredFromBurst: null,
      deadline: null,
      expectations: fault.expect.map((expectation) => notInjectedExpectation(expectation, episodes, notInjected)),
      impact: null,
      clock: null,
      notes,
    };
  }

  const notes: string[] = [];
  const injectedAt = parseInstant(recorded.injected.at);
  const revertedAt = recorded.reverted ? parseInstant(recorded.reverted.at) : null;
  // A fault the team restored (`revert: responders`) ends there: detection and impact are judged
  // to its restore (+ grace) as they are to a revert.
  const endedAt = revertedAt ?? restoredAt(fault, recorded, injectedAt);
  const origin = originOf(fault, injectedAt, journal, notes);
  const deadline = deadlineOf(fault, injectedAt, endedAt, journal, notes);
  notes.push(...traceRestartNotes(journal, injectedAt, deadline ?? endedAt ?? Number.POSITIVE_INFINITY));
  // Said once, on the first fault, and only for a trace that records latencies at all.
  if (injectedAt === latency.firstFaultAt && journal.traceLatencies.length > 0) notes.push(...thinBaselineNote(latency.baseline));
  const window: DetectionWindow = {
    injectedAt,
    origin: origin.at,
    deadline,
    exposedBy: origin.burst,
    revertedAt: endedAt,
  };

  const expectations = fault.expect.map((expectation) => judgeExpectation(expectation, window, context, ruleFacts(journal, expectation)));
  return {
    ...base,
    injection: 'injected',
    injectedAt,
    revertedAt,
    measuredFrom: origin.at,
    measuredFromBurst: origin.burst,
    deadline,
    expectations,
    clock: teamClock(
      recorded,
      injectedAt,
      deadline,
      expectations,
      journal.silencePolls,
      fault.revert === 'none' ? 'none' : fault.revert.kind,
    ),
    impact: faultImpact(
      { samples: journal.traceSamples, latencies: journal.traceLatencies },
      journal.traceJourneys,
      { from: injectedAt, to: impactEnd(fault, endedAt, deadline, journal) },
      endedAt,
      latency,
    ),
    notes,
  };
}

/**
 * The trace's k6 died and was started again while this fault was being judged: say when, so the
 * gap (a blind interval for alerts on the trace) has its cause in the report.
 */
function traceRestartNotes(journal: JournalIndex, from: EpochMs, to: EpochMs): string[] {
  const notes: string[] = [];
  for (const restart of journal.loadsStarted.filter((load) => load.role === 'trace' && load.restart)) {
    const restartedAt = parseInstant(restart.at);
    const died = journal.loadsEnded.filter((load) => load.role === 'trace' && parseInstant(load.at) <= restartedAt).at(-1);
    const diedAt = died ? parseInstant(died.at) : restartedAt;
    if (restartedAt < from || diedAt > to) continue;
    const how = died?.error ? `: ${died.error.split('\n')[0]}` : died?.signal ? ` (${died.signal})` : '';
    notes.push(`the trace's k6 ended mid-window at ${died?.at ?? restart.at}${how}; gameday started it again at ${restart.at}`);
  }
  return notes;
}

/**
 * Trace failures after the revert count for this fault only until another fault goes in: the
 * grace after one fault is often the start of the next, whose failures are not this one's.
 */
function impactEnd(fault: FaultSpec, revertedAt: EpochMs | null, deadline: EpochMs, journal: JournalIndex): EpochMs {
  if (revertedAt === null) return deadline;
  let end = deadline;
  for (const [name, events] of journal.faults) {
    if (name === fault.name || !events.injected) continue;
    // From the moment its injector started: the fault may be in place before the injector returns.
    const other = parseInstant((events.injecting ?? events.injected).at);
    if (other >= revertedAt && other < end) end = other - 1;
  }
  return end;
}

/**
 * When the team restored a `revert: responders` fault: the trace's restore (`fault.restored`) or a
 * `restored` mark after the injection (marks made after the run count too), whichever is first.
 */
function restoredAt(fault: FaultSpec, recorded: FaultEvents, injectedAt: EpochMs): EpochMs | null {
  if (fault.restore === undefined) return null;
  const moments = (recorded.marks ?? [])
    .filter((mark) => mark.mark === 'restored')
    .map((mark) => parseInstant(mark.markedAt))
    .concat(recorded.restored ? [parseInstant(recorded.restored.restoredAt)] : [])
    .filter((moment) => moment >= injectedAt);
  return moments.length === 0 ? null : Math.min(...moments);
}

/** A fault only a burst exposes is measured from the burst's start, if that is later. */
function originOf(fault: FaultSpec, injectedAt: EpochMs, journal: JournalIndex, notes: string[]): { at: EpochMs; burst: string | null } {
  if (fault.exposedBy === undefined) return { at: injectedAt, burst: null };
  const burst = journal.loadsStarted.find((load) => load.role === 'burst' && load.name === fault.exposedBy);
  if (!burst) {
    notes.push(`burst ${fault.exposedBy}, which exposes this fault, never started: measured from injection`);
    return { at: injectedAt, burst: null };
  }
  const startedAt = parseInstant(burst.at);
  if (startedAt <= injectedAt) {
    notes.push(`burst ${fault.exposedBy} started before the injection: measured from injection`);
    return { at: injectedAt, burst: null };
  }
  return { at: startedAt, burst: fault.exposedBy };
}

/** Revert (or restore) + grace. A fault never reverted (or restored) counts alerts to the end of the record. */
function deadlineOf(fault: FaultSpec, injectedAt: EpochMs, revertedAt: EpochMs | null, journal: JournalIndex, notes: string[]): EpochMs {
  const graceMs = journal.plan.window.graceSeconds * 1000;
  let deadline: EpochMs;
  if (revertedAt !== null) deadline = revertedAt + graceMs;
  else if (fault.restore !== undefined) {
    notes.push('never restored: alerts are counted to the end of the record');
    deadline = journal.endOfRecord;
  } else if (fault.revert === 'none') deadline = injectedAt + fault.durationSeconds * 1000 + graceMs;
  else {
    notes.push('never reverted: alerts are counted to the end of the record');
    deadline = journal.endOfRecord;
  }
  if (deadline > journal.endOfRecord) {
    notes.push(
      `the record ends at ${toIso(journal.endOfRecord)}, ${secondsBetween(journal.endOfRecord, deadline)} s ` +
        'before revert + grace: a later alert would not be in it',
    );
  }
  return deadline;
}

function ruleFacts(journal: JournalIndex, expectation: Expectation): RuleFacts {
  const input =
    journal.detectionInputs?.expectations.find(
      (entry) =>
        entry.alert === expectation.alert &&
        includesLabels(entry.labels, expectation.labels) &&
        includesLabels(expectation.labels, entry.labels),
    ) ?? null;
  return { readsTrace: readsTrace(journal, expectation), input };
}
