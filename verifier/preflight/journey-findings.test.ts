import { describe, expect, it } from 'vitest';
import type { AlertingRule } from '../observe/prometheus.ts';
import type { JourneySpec, Plan } from '../plan/types.ts';
import { journeyFindings, readsJourneySuccess } from './journey-findings.ts';

/** An alerting rule as PrometheusClient.alertingRules() reads it from /api/v1/rules. */
function rule(name: string, query: string): AlertingRule {
  return {
    name,
    group: 'journeys',
    file: '/etc/prometheus/rules/journeys.yml',
    query,
    forSeconds: 0,
    intervalSeconds: 5,
    health: 'ok',
    labels: { severity: 'page' },
    annotations: {},
    state: 'inactive',
  };
}

function journey(name: string, critical: boolean): JourneySpec {
  return { name, critical, steps: [{ method: 'GET', path: `/${name}`, headers: {}, expect: { status: [[200, 299]] }, capture: {} }] };
}

function plan(journeys: JourneySpec[]): Plan {
  return {
    version: 1,
    name: 'unit',
    file: '/plans/unit/plan.yaml',
    window: { durationSeconds: 120, baselineTimeoutSeconds: 60, graceSeconds: 30 },
    target: { baseUrl: 'http://127.0.0.1:18080' },
    monitoring: {
      prometheus: { url: 'http://prometheus.invalid' },
      alertmanager: { url: 'http://alertmanager.invalid' },
      pollIntervalSeconds: 1,
    },
    trace: { rate: 2, script: '/repo/traces/journeys.ts', journeys },
    bursts: [],
    faults: [],
    allowedTargets: [],
  };
}

const rules: AlertingRule[] = [
  rule('CheckoutNoSuccess', 'absent_over_time(k6_trace_success_total{journey="a"}[1m])'),
  rule('TraceNoSuccess', 'sum(rate(k6_trace_success_total[1m])) == 0'),
  rule('HighErrorRate', 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m])) > 0.05'),
];

describe('journeyFindings', () => {
  it('passes a critical journey an alert reads by journey="a", and warns for one only a rule over all journeys reads', () => {
    const findings = journeyFindings(plan([journey('a', true), journey('b', true), journey('c', false)]), { ok: true, value: rules });
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ check: 'journey', subject: 'journey a', status: 'ok' });
    expect(findings[0]?.detail).toContain('CheckoutNoSuccess');
    expect(findings[0]?.detail).not.toContain('TraceNoSuccess');
    expect(findings[1]).toMatchObject({ check: 'journey', subject: 'journey b', status: 'warn' });
    expect(findings[1]?.detail).toContain('k6_trace_success_total{journey="b"}');
    expect(findings[1]?.hint).toContain('absent_over_time(k6_trace_success_total{journey="b"}[1m])');
  });

  it('says nothing for a plan with no critical journey or no journeys at all', () => {
    expect(journeyFindings(plan([journey('a', false)]), { ok: true, value: rules })).toEqual([]);
    expect(journeyFindings({ ...plan([]), trace: { rate: 1, script: '/repo/traces/trace.ts' } }, { ok: true, value: rules })).toEqual([]);
  });

  it('warns that it could not check when the rules could not be read', () => {
    const findings = journeyFindings(plan([journey('a', true)]), { ok: false, reason: 'Prometheus at http://x is not ready' });
    expect(findings).toEqual([
      { check: 'journey', subject: 'journey a', status: 'warn', detail: 'not checked: Prometheus at http://x is not ready' },
    ]);
  });
});

describe('readsJourneySuccess', () => {
  it.each([
    ['absent_over_time(k6_trace_success_total{journey="b"}[1m])', true],
    ['sum(rate(k6_trace_success_total{journey=~"a|b"}[2m])) < 0.1', true],
    ['rate(k6_trace_success_total{journey!="a"}[1m]) == 0', true],
    ['increase(k6_trace_success_total{journey="b", testid="x"}[5m]) == 0', true],
    ['absent(k6_trace_success_total{journey="a"})', false],
    ['rate(k6_trace_success_total{journey=~"a|c"}[1m]) == 0', false],
    ['absent_over_time(k6_trace_success_total[1m])', false],
    ['absent_over_time(k6_trace_ok_rate{journey="b"}[1m])', false],
    ['this is not promql (', false],
  ])('%s reads journey b: %s', (query, reads) => {
    expect(readsJourneySuccess(query, 'b')).toBe(reads);
  });
});
