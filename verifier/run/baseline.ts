// Before the first fault: the trace is running and its samples reach gameday, and no expected
// alert is pending or firing, nor is a stop condition true. A game day on a red baseline cannot
// tell what a fault caused; one without trace samples cannot tell what users saw.

import { matchesExpectation } from '../alerting/labels.ts';
import { PreflightError } from '../errors.ts';
import type { PromAlert } from '../journal/events.ts';
import type { InstantResult, PrometheusClient } from '../observe/prometheus.ts';
import type { RunContext } from './context.ts';
import type { TraceProgress } from './ports.ts';
import { trueNow } from './stop-conditions.ts';

/**
 * Finished iterations without a single `trace_ok` sample after which the script is known not to
 * keep the trace contract (a contract script adds one per iteration, ok or failed).
 */
export const ITERATIONS_WITHOUT_SAMPLES = 3;

export async function waitForCleanBaseline(
  run: RunContext,
  prometheus: Pick<PrometheusClient, 'alerts' | 'query'>,
  traceProgress: () => Promise<TraceProgress>,
): Promise<void> {
  const { plan, schedule, log } = run;
  const expected = plan.faults.flatMap((fault) => fault.expect);
  const conditions = plan.stopConditions ?? [];
  const query = (expr: string): Promise<InstantResult> => prometheus.query(expr);
  const timeoutMs = plan.window.baselineTimeoutSeconds * 1000;
  const started = Date.now();
  let active: PromAlert[] = [];
  let progress: TraceProgress = { iterations: 0, samples: 0, timed: 0 };
  log(
    `baseline: waiting for the trace's first samples and until no expected alert is pending or firing (up to ${plan.window.baselineTimeoutSeconds}s)`,
  );
  for (;;) {
    schedule.throwIfAborted();
    if (progress.samples === 0) {
      progress = (await traceProgress().catch(() => undefined)) ?? progress;
      if (progress.samples === 0 && progress.iterations >= ITERATIONS_WITHOUT_SAMPLES) throw noTraceSamples(run, progress);
      if (progress.samples > 0) traceArriving(run, progress);
    }
    const alerts = await prometheus.alerts().catch(() => undefined);
    // A stop condition already true: the game day would stop as soon as it started.
    const stopping = await trueNow(conditions, query);
    if (alerts) {
      active = alerts.filter((alert) => expected.some((e) => matchesExpectation(alert.labels, e)));
      if (active.length === 0 && stopping.length === 0 && progress.samples > 0) {
        log(`baseline: clean after ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return;
      }
    }
    if (Date.now() - started > timeoutMs) {
      if (progress.samples === 0) throw noTraceSamples(run, progress);
      const list = [
        ...active.map((a) => `${a.labels.alertname} (${a.state} since ${a.activeAt})`),
        ...stopping.map((name) => `${name} true`),
      ].join(', ');
      throw new PreflightError(
        `baseline not clean after ${plan.window.baselineTimeoutSeconds}s: ${list || 'Prometheus did not answer'}. ` +
          'A game day on a red baseline cannot tell what a fault caused. Fix the cause, or raise window.baselineTimeout.',
      );
    }
    await schedule.sleep(1000);
  }
}

function traceArriving(run: RunContext, progress: TraceProgress): void {
  run.log(`baseline: trace samples arriving (${progress.samples} so far)`);
  if (progress.timed < progress.samples) {
    run.log(
      `baseline: warning: ${progress.samples - progress.timed} of ${progress.samples} trace samples carry no started_ms: ` +
        "failures are timed at the iteration's end and the report has no latency; call beginIteration() from traces/lib/contract.ts first in each iteration",
    );
  }
}

/** The run stops here, before any fault: the report would otherwise have no idea what users saw. */
function noTraceSamples(run: RunContext, progress: TraceProgress): PreflightError {
  const { plan, runDir } = run;
  const seen =
    progress.iterations === 0
      ? `k6 finished no iteration of ${plan.trace.script} in ${plan.window.baselineTimeoutSeconds}s (see k6-trace.log in ${runDir})`
      : `k6 finished ${progress.iterations} iterations of ${plan.trace.script} and none recorded a trace_ok sample`;
  return new PreflightError(
    `no trace sample reached gameday during the baseline: ${seen}. Nothing was injected: without trace samples the report ` +
      'cannot say what users saw. A trace script must keep the trace contract: per iteration one `trace_ok` Rate sample ' +
      "(1 ok, 0 failed) carrying the metadata `started_ms` (the iteration's start), a `trace_success` Counter +1 on success " +
      '(k6_trace_success_total by remote write, what absence-of-success alerts read), and a `journey` tag for per-journey results. ' +
      "traces/lib/contract.ts does all of it: call beginIteration('<journey>') first and endIteration(ok) last in each iteration. " +
      'See the README sections "In your own repository" (the trace contract) and "Your own service", or describe the journeys ' +
      'in the plan (trace.journeys) instead of a script.',
  );
}
