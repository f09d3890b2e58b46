// Before the first fault: the trace is running and no expected alert is pending or firing, nor is
// a stop condition true. A game day on a red baseline cannot tell what a fault caused.

import { matchesExpectation } from '../alerting/labels.ts';
import { PreflightError } from '../errors.ts';
import type { PromAlert } from '../journal/events.ts';
import type { InstantResult, PrometheusClient } from '../observe/prometheus.ts';
import type { RunContext } from './context.ts';
import { trueNow } from './stop-conditions.ts';

export async function waitForCleanBaseline(run: RunContext, prometheus: Pick<PrometheusClient, 'alerts' | 'query'>): Promise<void> {
  const { plan, schedule, log } = run;
  const expected = plan.faults.flatMap((fault) => fault.expect);
  const conditions = plan.stopConditions ?? [];
  const query = (expr: string): Promise<InstantResult> => prometheus.query(expr);
  const timeoutMs = plan.window.baselineTimeoutSeconds * 1000;
  const started = Date.now();
  let active: PromAlert[] = [];
  log(`baseline: waiting until no expected alert is pending or firing (up to ${plan.window.baselineTimeoutSeconds}s)`);
  for (;;) {
    schedule.throwIfAborted();
    const alerts = await prometheus.alerts().catch(() => undefined);
    // A stop condition already true: the game day would stop as soon as it started.
    const stopping = await trueNow(conditions, query);
    if (alerts) {
      active = alerts.filter((alert) => expected.some((e) => matchesExpectation(alert.labels, e)));
      if (active.length === 0 && stopping.length === 0) {
        log(`baseline: clean after ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return;
      }
    }
    if (Date.now() - started > timeoutMs) {
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
