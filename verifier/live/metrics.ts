// gameday's own metrics, for the Prometheus that watches the game day and for dashboards/gameday.json:
// which fault is in place, which burst runs, the phase, each expectation's target and (once known)
// detection latency, and the verdicts at the end. A registry of its own (not prom-client's global
// one), fed by the orchestrator's `onEvent`; the server is in metrics-server.ts.
//
// Every series carries no run id: one game day runs per gameday process and port, and
// gameday_run_info{run_id} joins them to the k6 series (testid = run id).

import { Gauge, Registry } from 'prom-client';
import { analyzeRun } from '../analyze/index.ts';
import { formatSelector } from '../report/format.ts';
import type { ReportJson } from '../report/index.ts';
import type { JournalEvent } from '../journal/events.ts';
import { applyEvent, initialLiveState, type LiveState, phaseAt, phases } from './live-state.ts';

/** The metric names; dashboards/gameday.json is tested against these existing in a real run. */
export const metricNames = {
  runInfo: 'gameday_run_info',
  runPhase: 'gameday_run_phase',
  faultActive: 'gameday_fault_active',
  burstActive: 'gameday_burst_active',
  burstRequestedRate: 'gameday_burst_requested_rate',
  burstAchievedRate: 'gameday_burst_achieved_rate',
  burstDroppedIterations: 'gameday_burst_dropped_iterations',
  expectationTarget: 'gameday_expectation_target_seconds',
  detectionLatency: 'gameday_detection_latency_seconds',
  expectationVerdict: 'gameday_expectation_verdict',
  expectations: 'gameday_expectations',
} as const;

export interface GamedayMetrics {
  registry: Registry;
  onEvent(event: JournalEvent): void;
  /** The final figures from the report: exact latencies (Prometheus's record) and the verdicts. */
  finish(report: ReportJson): void;
  readonly state: LiveState;
}

/** Events after which the detection latencies may have changed. */
const detectionEvents = new Set<string>(['alerts.prometheus', 'alerts.alertmanager', 'webhook.received', 'fault.injected', 'load.started']);

export function createGamedayMetrics(options: { now?: () => number } = {}): GamedayMetrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  const state = initialLiveState();
  const events: JournalEvent[] = [];
  let finished = false;

  const runInfo = new Gauge({
    name: metricNames.runInfo,
    help: 'The game day this gameday process runs (1); run_id is the k6 series\u2019 testid.',
    labelNames: ['run_id', 'plan'],
    registers: [registry],
  });
  new Gauge({
    name: metricNames.runPhase,
    help: 'The phase of the run: 1 for the current one (preflight, baseline, window, grace, cleanup, ended).',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const current = finished ? 'ended' : phaseAt(state, now());
      for (const phase of phases) if (phase !== 'starting') this.set({ phase }, phase === current ? 1 : 0);
    },
  });
  const faultActive = new Gauge({
    name: metricNames.faultActive,
    help: 'Whether the fault is in place (1) or not (0): from injection until its revert (or its restore by the team).',
    labelNames: ['fault'],
    registers: [registry],
  });
  const burstActive = new Gauge({
    name: metricNames.burstActive,
    help: 'Whether the burst is running (1) or not (0).',
    labelNames: ['burst'],
    registers: [registry],
  });
  const burstRequested = new Gauge({
    name: metricNames.burstRequestedRate,
    help: 'Requests per second the plan asks of the burst.',
    labelNames: ['burst'],
    registers: [registry],
  });
  const burstAchieved = new Gauge({
    name: metricNames.burstAchievedRate,
    help: 'Requests per second the burst achieved, once it ended (k6 summary).',
    labelNames: ['burst'],
    registers: [registry],
  });
  const burstDropped = new Gauge({
    name: metricNames.burstDroppedIterations,
    help: 'Iterations k6 could not start in time during the burst, once it ended.',
    labelNames: ['burst'],
    registers: [registry],
  });
  const target = new Gauge({
    name: metricNames.expectationTarget,
    help: 'The plan\u2019s target: the expected alert must fire within this many seconds of the fault.',
    labelNames: ['fault', 'alert'],
    registers: [registry],
  });
  const latency = new Gauge({
    name: metricNames.detectionLatency,
    help: 'Seconds from the fault being in place (or the exposing burst starting) to the alert firing, once it fired.',
    labelNames: ['fault', 'alert'],
    registers: [registry],
  });
  const verdict = new Gauge({
    name: metricNames.expectationVerdict,
    help: 'The verdict of each expectation at the end of the run (1 on the verdict label).',
    labelNames: ['fault', 'alert', 'verdict'],
    registers: [registry],
  });
  const verdictCounts = new Gauge({
    name: metricNames.expectations,
    help: 'How many expectations got each verdict at the end of the run.',
    labelNames: ['verdict'],
    registers: [registry],
  });

  const updateLatencies = () => {
    let analysis;
    try {
      analysis = analyzeRun(events);
    } catch {
      return; // A partial journal the analysis cannot read yet; the next event will tell.
    }
    for (const fault of analysis.faults) {
      for (const e of fault.expectations) {
        if (e.firingAfterSeconds !== null)
          latency.set({ fault: fault.name, alert: formatSelector(e.alert, e.labels) }, e.firingAfterSeconds);
      }
    }
  };

  return {
    registry,
    state,
    onEvent(event) {
      if (finished) return;
      applyEvent(state, event);
      events.push(event);
      switch (event.kind) {
        case 'run.started':
          runInfo.set({ run_id: event.runId, plan: event.plan.name }, 1);
          for (const fault of state.faults) faultActive.set({ fault }, 0);
          for (const burst of state.bursts) {
            burstActive.set({ burst: burst.name }, 0);
            burstRequested.set({ burst: burst.name }, burst.rate);
          }
          for (const e of state.expectations) target.set({ fault: e.fault, alert: formatSelector(e.alert, e.labels) }, e.withinSeconds);
          break;
        case 'fault.injecting':
        case 'fault.injected':
          faultActive.set({ fault: event.fault }, 1);
          break;
        case 'fault.reverted':
        case 'fault.restored':
        case 'fault.not-injected':
          faultActive.set({ fault: event.fault }, 0);
          break;
        case 'load.started':
          if (event.role === 'burst') burstActive.set({ burst: event.name }, 1);
          break;
        case 'load.ended':
          if (event.role === 'burst') {
            burstActive.set({ burst: event.name }, 0);
            if (event.result) {
              burstAchieved.set({ burst: event.name }, event.result.achievedRate);
              burstDropped.set({ burst: event.name }, event.result.droppedIterations);
            }
          }
          break;
        case 'run.ended':
          for (const fault of state.faults) faultActive.set({ fault }, 0);
          for (const burst of state.bursts) burstActive.set({ burst: burst.name }, 0);
          break;
        default:
          break;
      }
      if (detectionEvents.has(event.kind)) updateLatencies();
    },
    finish(report) {
      finished = true;
      verdict.reset();
      verdictCounts.reset();
      for (const [name, count] of Object.entries(report.summary.verdicts)) verdictCounts.set({ verdict: name }, count);
      for (const fault of report.faults) {
        for (const e of fault.expectations) {
          const alert = formatSelector(e.alert, e.labels);
          verdict.set({ fault: fault.name, alert, verdict: e.verdict }, 1);
          if (e.firingAfterSeconds !== null) latency.set({ fault: fault.name, alert }, e.firingAfterSeconds);
          else latency.remove({ fault: fault.name, alert });
        }
      }
    },
  };
}
