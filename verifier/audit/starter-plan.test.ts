import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INIT_TODO, isInitTodo } from '../plan/init-todo.ts';
import { loadPlan } from '../plan/load.ts';
import { type StarterInputs, type StarterRule, starterPlan } from './starter-plan.ts';

function rule(alert: string, jobs: string[], worst: number, extra: Partial<StarterRule> = {}): StarterRule {
  return {
    alert,
    group: 'checkout',
    query: `up{job="${jobs[0] ?? 'x'}"} == 0`,
    forSeconds: 60,
    labels: {},
    jobs,
    worstFiringSeconds: worst,
    bestFiringSeconds: 60,
    chainWords: 'scrape 15s, eval 30s, for 1m',
    route: { receiver: 'oncall', groupWaitSeconds: 30 },
    ...extra,
  };
}

const inputs: StarterInputs = {
  prometheus: { url: 'https://prom.example.com/prometheus', headers: { 'X-Scope-OrgID': 'shop' }, auth: { bearerTokenEnv: 'PROM_TOKEN' } },
  alertmanager: { url: 'https://am.example.com', auth: { basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } } },
  targetUrl: 'https://checkout.example.com',
  rules: [
    rule('CheckoutDown', ['checkout'], 105.5, { labels: { severity: 'page' } }),
    rule('CheckoutDown', ['checkout'], 120, { group: 'other' }),
    rule('PaymentsLatencyHigh', ['payments'], 330),
    rule('SomethingOdd', [], 90, { route: null }),
  ],
  watchdog: null,
  jobsWithoutAbsence: ['payments', 'node-exporter'],
  rulesFileName: 'plan.absence-rules.yml',
  readAt: '2026-12-01T00:00:00.000Z',
};

describe('starterPlan', () => {
  const written = starterPlan(inputs);

  async function load() {
    return loadPlan('/plans/plan.yaml', { readFile: async () => new TextEncoder().encode(written.plan), fileExists: () => true });
  }

  it('loads without schema errors, with the endpoints and their credentials as the flags gave them', async () => {
    const plan = await load();
    expect(plan.monitoring.prometheus).toEqual({
      url: 'https://prom.example.com/prometheus',
      headers: { 'X-Scope-OrgID': 'shop' },
      auth: { bearerTokenEnv: 'PROM_TOKEN' },
    });
    expect(plan.monitoring.alertmanager.auth).toEqual({ basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } });
    expect(plan.target.baseUrl).toBe('https://checkout.example.com');
    // --target named a host beyond this machine: the plan allows it by name, or it would not load.
    expect(plan.allowedTargets).toEqual(['checkout.example.com']);
    expect(plan.monitoring.watchdog).toBeUndefined();
  });

  it('has one stub per rule: unique names, within the worst case rounded up, every injector a TODO', async () => {
    const plan = await load();
    expect(plan.faults.map((fault) => [fault.name, fault.expect[0]?.alert, fault.expect[0]?.withinSeconds])).toEqual([
      ['checkout-down', 'CheckoutDown', 106],
      ['checkout-down-2', 'CheckoutDown', 120],
      ['payments-latency-high', 'PaymentsLatencyHigh', 330],
      ['something-odd', 'SomethingOdd', 90],
    ]);
    expect(plan.faults[0]?.expect[0]?.labels).toEqual({ severity: 'page' });
    for (const fault of plan.faults) {
      expect(isInitTodo(fault.inject)).toBe(true);
      expect(fault.revert !== 'none' && isInitTodo(fault.revert)).toBe(true);
      expect(fault.durationSeconds).toBeGreaterThan(fault.expect[0]?.withinSeconds ?? Infinity);
    }
    // One after another with 30 s between, the window ending with the last.
    expect(plan.faults.map((fault) => fault.atSeconds)).toEqual([0, 166, 346, 736]);
    expect(plan.window.durationSeconds).toBe(736 + 120);
  });

  it('groups by job, the unknown last, and names the route in the comments', () => {
    expect([...written.plan.matchAll(/^ {2}# --- (.+) ---$/gm)].map((match) => match[1])).toEqual([
      'job "checkout"',
      'job "payments"',
      'rules whose job gameday could not tell',
    ]);
    expect(written.plan).toContain('routed to receiver oncall (group_wait 30s)');
    expect(written.plan).toContain(INIT_TODO);
  });

  it('suggests one absence-of-success rule per job without one', () => {
    const rules = parse(written.rules ?? '') as { groups: Array<{ rules: Array<{ alert: string; expr: string; for: string }> }> };
    expect(rules.groups[0]?.rules.map((r) => [r.alert, r.expr, r.for])).toEqual([
      ['PaymentsNoSuccess', 'absent(up{job="payments"} == 1)', '1m'],
      ['NodeExporterNoSuccess', 'absent(up{job="node-exporter"} == 1)', '1m'],
    ]);
    expect(starterPlan({ ...inputs, jobsWithoutAbsence: [] }).rules).toBeNull();
  });
});
