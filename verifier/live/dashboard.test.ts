// dashboards/gameday.json: importable, every panel on the datasource variable, and built only on
// metric names gameday and k6 write. (live.int.test.ts asks a real Prometheus for each name after
// a real game day.)

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, metricNamesIn } from './dashboard-queries.ts';
import { metricNames } from './metrics.ts';

const dashboard = JSON.parse(readFileSync(new URL('../../dashboards/gameday.json', import.meta.url), 'utf8'));

describe('dashboards/gameday.json', () => {
  it('is importable: a uid, a Prometheus datasource input and variable, panels on that variable', () => {
    expect(dashboard.uid).toBe('gameday-window');
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    const variables = dashboard.templating.list as Array<{ name: string; type: string; query: unknown }>;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const ids = new Set<number>();
    for (const panel of dashboard.panels) {
      expect(ids.has(panel.id)).toBe(false);
      ids.add(panel.id);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.gridPos).toEqual({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      const refIds = panel.targets.map((t: { refId: string }) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets) expect(target.datasource).toEqual(panel.datasource);
    }
  });

  it('shows the trace, the bursts, the fault windows and the alerts', () => {
    const titles = dashboard.panels.map((panel: { type: string; title: string }) => `${panel.type}: ${panel.title}`);
    expect(titles).toEqual([
      'stat: Phase',
      'stat: Verdicts',
      'stat: Trace success (5m)',
      'timeseries: Trace: iterations and successes per second',
      'timeseries: Trace: p99 request duration',
      'timeseries: Bursts: requests per second',
      'state-timeline: Faults in place',
      'state-timeline: Alerts (ALERTS)',
      'state-timeline: Bursts running and phase',
      'table: Detection latency against the target',
    ]);
    expect(dashboard.annotations.list.map((a: { name: string }) => a.name)).toEqual(['Annotations & Alerts', 'Faults in place', 'Bursts']);
  });

  it("reads only metrics gameday serves, k6 pushes, or Prometheus's ALERTS", () => {
    const used = [...new Set(dashboardQueries(dashboard).flatMap((query) => metricNamesIn(query.expr)))].sort();
    expect(used).toEqual([
      'ALERTS',
      'gameday_burst_active',
      'gameday_burst_requested_rate',
      'gameday_detection_latency_seconds',
      'gameday_expectation_target_seconds',
      'gameday_expectation_verdict',
      'gameday_expectations',
      'gameday_fault_active',
      'gameday_run_info',
      'gameday_run_phase',
      'k6_http_req_duration_p99',
      'k6_http_reqs_total',
      'k6_iterations_total',
      'k6_trace_success_total',
    ]);
    const served = new Set<string>(Object.values(metricNames));
    for (const name of used.filter((n) => n.startsWith('gameday_'))) expect(served.has(name), name).toBe(true);
  });
});

describe('metricNamesIn', () => {
  it.each([
    ['sum by (burst) (rate(k6_http_reqs_total{role="burst",testid=~"$run"}[$__rate_interval]))', ['k6_http_reqs_total']],
    ['max by (alertname) (2 * ALERTS{alertstate="firing"} or ALERTS{alertstate="pending"})', ['ALERTS']],
    [
      'max by (burst) (gameday_burst_requested_rate * on(burst) gameday_burst_active)',
      ['gameday_burst_active', 'gameday_burst_requested_rate'],
    ],
    ['sum(increase(a_total[5m])) / sum without (instance) (b{x="by (y)"})', ['a_total', 'b']],
    ['gameday_fault_active == 1', ['gameday_fault_active']],
    ['rate(x_total[1m] offset 5m) > bool 0', ['x_total']],
  ])('%s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});
