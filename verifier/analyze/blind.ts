// When the monitoring pipeline was blind, from the journal alone. A verdict that rests on a blind
// stretch is no verdict: `inconclusive`, with the reason (expectations.ts). The causes:
//   prometheus-unreachable    gameday's polls of Prometheus failed (observe.failed → observe.recovered)
//   alertmanager-unreachable  gameday's polls of Alertmanager failed
//   watchdog-missing          the plan's always-firing watchdog was not in Alertmanager: alerts were
//                             not getting from Prometheus to Alertmanager
//   rules-not-evaluated       the watchdog's ALERTS samples have a gap: Prometheus evaluated no rules
//   rule-unhealthy            one rule failed to evaluate (/api/v1/rules health), for that alert only
//   trace-stale               the trace's series did not reach Prometheus: blind for rules on k6 series
// Gaps in gameday's own view of Prometheus do not blind a verdict when Prometheus's record covers
// them and the watchdog's record shows rules were evaluated throughout: polls are only early news.

import { queryShape } from '../alerting/query-shape.ts';
import type { Expectation } from '../plan/types.ts';
import { clusterPeers } from './alertmanager-peers.ts';
import type { JournalIndex } from './journal-index.ts';
import type { BlindCause, BlindInterval } from './model.ts';
import { type EpochMs, fromUnixSeconds, median, parseInstant, secondsBetween } from './time.ts';

/** A gap in a series pushed every second (k6's remote write) longer than this is a stale trace. */
export const TRACE_GAP_MS = 5000;
/** Without k6's series in Prometheus, gaps between the trace's own requests (1 a second) longer than this. */
export const TRACE_REQUEST_GAP_MS = 10_000;
/** Gaps in the watchdog's ALERTS samples wider than this many evaluations mean rules were not evaluated. */
const EVALUATION_GAP_FACTOR = 2.5;
const MIN_EVALUATION_GAP_MS = 2500;

export function blindIntervals(journal: JournalIndex): BlindInterval[] {
  const watchdog = journal.plan.monitoring.watchdog ?? null;
  const evaluation = watchdog === null ? null : evaluationRecord(journal, watchdog);
  const intervals = [
    ...unreachable(journal, 'prometheus', evaluation),
    ...unreachable(journal, 'alertmanager', evaluation),
    ...(watchdog === null ? [] : watchdogMissing(journal, watchdog)),
    ...(evaluation?.gaps ?? []),
    ...unhealthyRules(journal),
    ...staleTrace(journal),
  ];
  return intervals.sort((a, b) => a.from - b.from || a.cause.localeCompare(b.cause));
}

/** The blind intervals that overlap [from, to] and concern this expectation. */
export function blindnessFor(
  intervals: readonly BlindInterval[],
  expectation: Pick<Expectation, 'alert'>,
  readsTrace: boolean,
  span: { from: EpochMs; to: EpochMs },
): BlindInterval[] {
  return intervals.filter((interval) => {
    if (!interval.affectsVerdicts) return false;
    if (interval.cause === 'rule-unhealthy' && interval.alert !== expectation.alert) return false;
    if (interval.cause === 'trace-stale' && !readsTrace) return false;
    return interval.from <= span.to && (interval.to ?? Infinity) >= span.from;
  });
}

/** Whether the expectation's rule reads k6 series: from the preflight's inputs, else from the rule's query. */
export function readsTrace(journal: JournalIndex, expectation: Expectation): boolean {
  const input = journal.detectionInputs?.expectations.find((entry) => entry.alert === expectation.alert);
  if (input) return input.readsTrace;
  const rules = journal.preflight?.rules.filter((rule) => rule.name === expectation.alert) ?? [];
  return rules.some((rule) => queryShape(rule.query).pushedMetrics.length > 0);
}

interface EvaluationRecord {
  from: EpochMs;
  to: EpochMs;
  gaps: BlindInterval[];
}

/** The watchdog's ALERTS samples: one per evaluation while Prometheus evaluates rules. */
function evaluationRecord(journal: JournalIndex, watchdog: string): EvaluationRecord | null {
  if (journal.reconciled.length === 0) return null;
  const from = Math.min(...journal.reconciled.map((record) => parseInstant(record.from)));
  const to = Math.max(...journal.reconciled.map((record) => parseInstant(record.to)));
  const times = [
    ...new Set(
      journal.reconciled.flatMap((record) =>
        record.alerts
          .filter((series) => series.labels.alertname === watchdog)
          .flatMap((series) => series.samples.map(([t]) => fromUnixSeconds(t))),
      ),
    ),
  ].sort((a, b) => a - b);
  const gaps: BlindInterval[] = [];
  const gap = (start: EpochMs, end: EpochMs | null, detail: string) =>
    gaps.push({ cause: 'rules-not-evaluated', from: start, to: end, alert: null, detail, affectsVerdicts: true });
  if (times.length === 0) {
    gap(from, to, `the watchdog ${watchdog} has no ALERTS samples: Prometheus's record cannot show that rules were evaluated`);
    return { from, to, gaps };
  }
  const spacing = [];
  for (let i = 1; i < times.length; i++) spacing.push((times[i] as number) - (times[i - 1] as number));
  const threshold = Math.max(MIN_EVALUATION_GAP_MS, EVALUATION_GAP_FACTOR * (median(spacing) ?? 0));
  const first = times[0] as number;
  const last = times.at(-1) as number;
  // Before the window (the record's margin, a Prometheus started just before the run) nothing is judged.
  const runStart = Math.max(from, journal.windowStartedAt ?? parseInstant(journal.runStarted.at));
  if (first - runStart > threshold)
    gap(runStart, first, `no ALERTS sample of ${watchdog} in the first ${secondsBetween(runStart, first)} s of the window`);
  for (let i = 1; i < times.length; i++) {
    const previous = times[i - 1] as number;
    const next = times[i] as number;
    if (next - previous > threshold)
      gap(previous, next, `no ALERTS sample of ${watchdog} for ${secondsBetween(previous, next)} s: no rule was evaluated`);
  }
  if (to - last > threshold) gap(last, null, `no ALERTS sample of ${watchdog} after ${new Date(last).toISOString()}`);
  return { from, to, gaps };
}

function unreachable(journal: JournalIndex, source: 'prometheus' | 'alertmanager', evaluation: EvaluationRecord | null): BlindInterval[] {
  const cause: BlindCause = `${source}-unreachable`;
  const name = source === 'prometheus' ? 'Prometheus' : 'Alertmanager';
  const failures = journal.observeFailures.filter((event) => event.source === source && (event.phase ?? 'poll') === 'poll');
  const recoveries = journal.observeRecoveries.filter((event) => event.source === source);
  return failures.map((failure) => {
    const failedAt = parseInstant(failure.at);
    const recovery = recoveries.find((event) => parseInstant(event.at) >= failedAt);
    const from = failure.lastSuccessAt ? parseInstant(failure.lastSuccessAt) : failedAt;
    const to = recovery ? parseInstant(recovery.at) : null;
    const polls = recovery ? `, ${recovery.failedPolls} failed poll${recovery.failedPolls === 1 ? '' : 's'}` : ', never answered again';
    let affectsVerdicts = true;
    let detail = `${name} did not answer gameday: ${failure.error}${polls}`;
    // One peer of a cluster down is no blindness while another answers: the merged view goes on.
    if (failure.peer !== undefined) {
      detail = `${name} peer ${failure.peer} did not answer gameday: ${failure.error}${polls}`;
      affectsVerdicts = otherPeersDown(journal, failure.peer, from, to ?? Infinity);
      if (!affectsVerdicts) detail += '; the other peers answered';
    }
    // Only gameday's view was lost if Prometheus's record covers the interval and shows rules evaluated.
    if (source === 'prometheus' && evaluation !== null && evaluation.from <= from && (to ?? Infinity) <= evaluation.to) {
      affectsVerdicts = false;
      detail += "; gameday's view only: Prometheus's own record (ALERTS) covers it";
    }
    return { cause, from, to, alert: null, detail, affectsVerdicts };
  });
}

/** Whether every other peer of the plan's cluster was also down at some point of [from, to]. */
function otherPeersDown(journal: JournalIndex, peer: string, from: EpochMs, to: EpochMs): boolean {
  const others = clusterPeers(journal.plan.monitoring.alertmanager).filter((other) => other !== peer);
  return others.every((other) =>
    journal.observeFailures.some((failure) => {
      if (failure.source !== 'alertmanager' || failure.peer !== other) return false;
      const failedAt = parseInstant(failure.at);
      const start = failure.lastSuccessAt ? parseInstant(failure.lastSuccessAt) : failedAt;
      const recovery = journal.observeRecoveries.find((event) => event.peer === other && parseInstant(event.at) >= failedAt);
      const end = recovery ? parseInstant(recovery.at) : Infinity;
      return start < to && end > from;
    }),
  );
}

/**
 * The watchdog always fires, so Alertmanager always holds it while alerts get through. Snapshots
 * are journaled on change: it was missing from the first snapshot without it to the next with it.
 */
function watchdogMissing(journal: JournalIndex, watchdog: string): BlindInterval[] {
  const out: BlindInterval[] = [];
  let missingSince: EpochMs | null = null;
  for (const poll of journal.alertmanagerPolls) {
    const at = parseInstant(poll.at);
    const present = poll.alerts.some((alert) => alert.labels.alertname === watchdog);
    if (!present && missingSince === null) missingSince = at;
    if (present && missingSince !== null) {
      out.push(watchdogInterval(watchdog, missingSince, at));
      missingSince = null;
    }
  }
  if (missingSince !== null) out.push(watchdogInterval(watchdog, missingSince, null));
  return out;
}

function watchdogInterval(watchdog: string, from: EpochMs, to: EpochMs | null): BlindInterval {
  return {
    cause: 'watchdog-missing',
    from,
    to,
    alert: null,
    detail: `the watchdog ${watchdog} was not in Alertmanager: alerts were not getting from Prometheus to Alertmanager`,
    affectsVerdicts: true,
  };
}

function unhealthyRules(journal: JournalIndex): BlindInterval[] {
  const out: BlindInterval[] = [];
  const open = new Map<string, { from: EpochMs; detail: string }>();
  for (const event of journal.rulesHealth) {
    const at = parseInstant(event.at);
    const listed = new Set<string>();
    for (const rule of event.unhealthy) {
      listed.add(rule.name);
      if (!open.has(rule.name)) {
        const why = rule.lastError ? `: ${rule.lastError}` : '';
        open.set(rule.name, { from: at, detail: `the rule ${rule.name} (group ${rule.group}) was ${rule.health}${why}` });
      }
    }
    for (const [name, entry] of open) {
      if (listed.has(name)) continue;
      out.push({ cause: 'rule-unhealthy', from: entry.from, to: at, alert: name, detail: entry.detail, affectsVerdicts: true });
      open.delete(name);
    }
  }
  for (const [name, entry] of open) {
    out.push({ cause: 'rule-unhealthy', from: entry.from, to: null, alert: name, detail: entry.detail, affectsVerdicts: true });
  }
  return out;
}

/**
 * Within the window, stretches when the trace's own series did not reach Prometheus (k6 stopped,
 * or its remote write failed). Without that record, the trace's requests themselves: a trace
 * that sent nothing could not be missed by an alert on it.
 */
function staleTrace(journal: JournalIndex): BlindInterval[] {
  if (journal.windowStartedAt === null) return [];
  const from = journal.windowStartedAt;
  const to = journal.windowEndedAt ?? journal.endOfRecord;
  const series = journal.traceSeries.at(-1);
  if (series !== undefined) {
    const times = series.timestamps.map(fromUnixSeconds).filter((at) => at >= from - TRACE_GAP_MS && at <= to + TRACE_GAP_MS);
    return gapsIn(times, from, to, TRACE_GAP_MS, (a, b) => `no sample of ${series.selector} in Prometheus for ${secondsBetween(a, b)} s`);
  }
  if (journal.traceSamples.length === 0) return [];
  const times = journal.traceSamples.map(([at]) => at).filter((at) => at >= from - TRACE_REQUEST_GAP_MS && at <= to + TRACE_REQUEST_GAP_MS);
  return gapsIn(times, from, to, TRACE_REQUEST_GAP_MS, (a, b) => `the trace sent no request for ${secondsBetween(a, b)} s`);
}

function gapsIn(
  times: readonly EpochMs[],
  from: EpochMs,
  to: EpochMs,
  threshold: number,
  describe: (a: EpochMs, b: EpochMs) => string,
): BlindInterval[] {
  // The samples around the window's edges close a gap there; without one, the edge itself does.
  const before = times.filter((at) => at <= from).at(-1) ?? from;
  const after = times.find((at) => at >= to) ?? to;
  const points = [before, ...times.filter((at) => at > from && at < to), after];
  const out: BlindInterval[] = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as number;
    const b = points[i] as number;
    if (b - a > threshold) out.push({ cause: 'trace-stale', from: a, to: b, alert: null, detail: describe(a, b), affectsVerdicts: true });
  }
  return out;
}
