// The plan side of test journals: t=0, times as seconds after it, and a plan with faults and
// expectations to build journals for (journal-builder.ts).

import type { Expectation, FaultSpec, Plan } from '../../plan/types.ts';

/** The journals' t=0, on a Prometheus-like evaluation phase so times look like real ones. */
export const T0 = Date.parse('2026-11-23T02:00:00.000Z');

/** ISO time `seconds` after T0. */
export function at(seconds: number): string {
  return new Date(T0 + Math.round(seconds * 1000)).toISOString();
}

/** Unix seconds `seconds` after T0, as Prometheus writes sample timestamps. */
export function unix(seconds: number): number {
  return T0 / 1000 + seconds;
}

export function expectAlert(alert: string, withinSeconds: number, labels: Record<string, string> = {}): Expectation {
  return { alert, labels, withinSeconds };
}

export function faultSpec(name: string, options: Partial<Omit<FaultSpec, 'name'>> & { expect: Expectation[] }): FaultSpec {
  return {
    name,
    atSeconds: 60,
    durationSeconds: 120,
    inject: { kind: 'exec', command: ['true'], shell: false, env: {}, timeoutSeconds: 10 },
    revert: { kind: 'exec', command: ['true'], shell: false, env: {}, timeoutSeconds: 10 },
    ...options,
  };
}

export function testPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    version: 1,
    name: 'demo game day',
    file: '/repo/examples/demo/plan.yaml',
    window: { durationSeconds: 600, baselineTimeoutSeconds: 60, graceSeconds: 60 },
    target: { baseUrl: 'http://127.0.0.1:18080' },
    monitoring: {
      prometheus: { url: 'http://127.0.0.1:19090' },
      alertmanager: { url: 'http://127.0.0.1:19093' },
      webhookListen: '127.0.0.1:19095',
      watchdog: 'Watchdog',
      pollIntervalSeconds: 2,
    },
    trace: { rate: 1, script: 'traces/trace.ts' },
    bursts: [],
    faults: [],
    allowedTargets: [],
    ...overrides,
  };
}
