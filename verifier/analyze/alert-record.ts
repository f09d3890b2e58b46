// Episodes from Prometheus's own record of its alerts, queried after the window as raw samples:
//   ALERTS{alertname, alertstate, ...} = 1 at every rule evaluation while the alert is active,
//   ALERTS_FOR_STATE{alertname, ...} = activeAt (integer unix seconds), also at every evaluation.
// Evaluation timestamps sit on the rule group's grid, so they are exact, not quantised by polling.
// A gap wider than a few evaluation intervals means the alert went away and came back.

import type { AlertsReconciled } from '../journal/events.ts';
import { alertLabels, alertnameOf, type Labels, labelKey } from '../alerting/labels.ts';
import type { AlertEpisode } from './model.ts';
import { type EpochMs, fromUnixSeconds, median, parseInstant } from './time.ts';

/** A gap up to this many evaluation intervals is one missed evaluation or jitter, not a new episode. */
export const GAP_FACTOR = 2.5;
/** The smallest gap threshold, for records too sparse to estimate the evaluation interval. */
export const MIN_GAP_MS = 2500;

interface StateSample {
  at: EpochMs;
  state: 'pending' | 'firing';
}

interface LabelSetRecord {
  labels: Labels;
  samples: StateSample[];
  /** ALERTS_FOR_STATE samples: [time, activeAt]. */
  forState: Array<readonly [EpochMs, EpochMs]>;
}

interface EvaluationGrid {
  /** Median spacing of samples: the rule group's evaluation interval. */
  intervalMs: number;
  /** Wider gaps than this split episodes. */
  gapMs: number;
}

export function episodesFromRecord(records: readonly AlertsReconciled[]): AlertEpisode[] {
  if (records.length === 0) return [];
  const recordEnd = Math.max(...records.map((record) => parseInstant(record.to)));
  const byLabelSet = collectLabelSets(records);
  const grids = evaluationGrids(byLabelSet);
  const episodes: AlertEpisode[] = [];
  for (const labelSet of byLabelSet.values()) {
    const grid = grids.get(alertnameOf(labelSet.labels)) ?? { intervalMs: MIN_GAP_MS / GAP_FACTOR, gapMs: MIN_GAP_MS };
    for (const run of splitAtGaps(labelSet.samples, grid.gapMs)) {
      episodes.push(toEpisode(labelSet, run, grid, recordEnd));
    }
  }
  return episodes.sort((a, b) => a.startedAt - b.startedAt);
}

function collectLabelSets(records: readonly AlertsReconciled[]): Map<string, LabelSetRecord> {
  const byKey = new Map<string, LabelSetRecord>();
  const entry = (labels: Labels) => {
    const key = labelKey(labels);
    let found = byKey.get(key);
    if (!found) {
      found = { labels, samples: [], forState: [] };
      byKey.set(key, found);
    }
    return found;
  };

  for (const record of records) {
    for (const series of record.alerts) {
      const state = series.labels.alertstate;
      if (state !== 'pending' && state !== 'firing') continue;
      const target = entry(alertLabels(series.labels));
      for (const [seconds] of series.samples) target.samples.push({ at: fromUnixSeconds(seconds), state });
    }
    for (const series of record.forState) {
      const target = entry(alertLabels(series.labels));
      for (const [seconds, activeAt] of series.samples) {
        target.forState.push([fromUnixSeconds(seconds), activeAt * 1000]);
      }
    }
  }

  for (const labelSet of byKey.values()) {
    // Overlapping records (a retried reconcile) repeat samples; keep one per time and state.
    const seen = new Set<string>();
    labelSet.samples = labelSet.samples
      .filter((sample) => {
        const key = `${sample.at}/${sample.state}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => a.at - b.at);
  }
  return byKey;
}

/**
 * One grid per alertname: every label set of a rule is evaluated on the same grid, so pooling
 * their spacings estimates the evaluation interval even when one label set has few samples.
 */
function evaluationGrids(byLabelSet: Map<string, LabelSetRecord>): Map<string, EvaluationGrid> {
  const spacings = new Map<string, number[]>();
  for (const labelSet of byLabelSet.values()) {
    const name = alertnameOf(labelSet.labels);
    const list = spacings.get(name) ?? [];
    const times = [...new Set(labelSet.samples.map((sample) => sample.at))];
    for (let i = 1; i < times.length; i++) list.push((times[i] as number) - (times[i - 1] as number));
    spacings.set(name, list);
  }
  const grids = new Map<string, EvaluationGrid>();
  for (const [name, list] of spacings) {
    const intervalMs = median(list) ?? MIN_GAP_MS / GAP_FACTOR;
    grids.set(name, { intervalMs, gapMs: Math.max(MIN_GAP_MS, GAP_FACTOR * intervalMs) });
  }
  return grids;
}

function splitAtGaps(samples: readonly StateSample[], threshold: number): StateSample[][] {
  const runs: StateSample[][] = [];
  let current: StateSample[] = [];
  for (const sample of samples) {
    const previous = current.at(-1);
    if (previous && sample.at - previous.at > threshold) {
      runs.push(current);
      current = [];
    }
    current.push(sample);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function toEpisode(labelSet: LabelSetRecord, run: readonly StateSample[], grid: EvaluationGrid, recordEnd: EpochMs): AlertEpisode {
  const first = run[0] as StateSample;
  const last = run.at(-1) as StateSample;
  const firstFiring = run.find((sample) => sample.state === 'firing');
  const notes: string[] = [];

  // The first sample is pending, or firing for a `for: 0` rule: either way the rule saw the condition.
  let pendingAt = first.at;
  // ALERTS_FOR_STATE holds activeAt. If it is a whole second or more before the first sample, the
  // alert was active before the record begins (the query range started mid-episode, or Prometheus
  // restored the alert after a restart): the episode is older than its samples.
  const activeAts = labelSet.forState.filter(([at]) => at >= first.at && at <= last.at).map(([, activeAt]) => activeAt);
  const activeAt = activeAts.length > 0 ? Math.min(...activeAts) : null;
  if (activeAt !== null && activeAt + 1000 <= first.at) {
    pendingAt = activeAt;
    notes.push('ALERTS_FOR_STATE shows the alert active before its first ALERTS sample');
  }

  // The evaluation after the last sample no longer saw the alert, unless the record ended first.
  const nextEvaluation = last.at + grid.intervalMs;
  return {
    alertname: alertnameOf(labelSet.labels),
    labels: labelSet.labels,
    pending: { at: pendingAt, source: 'ALERTS' },
    firing: firstFiring ? { at: firstFiring.at, source: 'ALERTS' } : null,
    startedAt: Math.min(pendingAt, firstFiring?.at ?? pendingAt),
    lastSeenAt: last.at,
    endedBy: nextEvaluation <= recordEnd ? nextEvaluation : null,
    endedBySource: nextEvaluation <= recordEnd ? 'ALERTS' : null,
    annotations: {},
    record: 'ALERTS',
    notes,
  };
}
