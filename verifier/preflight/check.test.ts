import { constants } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolchainError } from '../errors.ts';
import { AlertmanagerClient } from '../observe/alertmanager.ts';
import { PrometheusClient } from '../observe/prometheus.ts';
import type { Expectation, FaultSpec, Plan } from '../plan/types.ts';
import { type CheckDeps, type CheckFs, checkPlan } from './check.ts';
import {
  type Answer,
  alertmanagerAnswers,
  type FixtureServer,
  prometheusAnswers,
  recorded,
  serveAnswers,
} from '../alerting/fixtures/serve.ts';
import { formatCheckReport } from './format.ts';
import { type CheckFinding, checkExitCode } from './findings.ts';

function expectation(alert: string, withinSeconds: number, labels: Record<string, string> = {}): Expectation {
  return { alert, labels, withinSeconds };
}

function fault(name: string, expect: Expectation[], overrides: Partial<FaultSpec> = {}): FaultSpec {
  return {
    name,
    atSeconds: 0,
    durationSeconds: 30,
    inject: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:18099/faults/cache', headers: {}, timeoutSeconds: 30 },
    revert: { kind: 'http', method: 'DELETE', url: 'http://127.0.0.1:18099/faults/cache', headers: {}, timeoutSeconds: 30 },
    expect,
    ...overrides,
  };
}

function plan(faults: FaultSpec[], watchdog?: string): Plan {
  return {
    version: 1,
    name: 'unit',
    file: '/plans/unit/plan.yaml',
    window: { durationSeconds: 120, baselineTimeoutSeconds: 60, graceSeconds: 30 },
    target: { baseUrl: 'http://127.0.0.1:18080' },
    monitoring: {
      prometheus: { url: 'http://prometheus.invalid' },
      alertmanager: { url: 'http://alertmanager.invalid' },
      ...(watchdog ? { watchdog } : {}),
      pollIntervalSeconds: 1,
    },
    trace: { rate: 1, script: '/repo/traces/trace.ts' },
    bursts: [],
    faults,
    allowedTargets: [],
  };
}

/** A disk holding exactly these files; `mode` x for executable. */
function fakeFs(files: Record<string, 'x' | '-'>): CheckFs {
  const missing = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    stat: async (path) => {
      if (!(path in files)) throw missing(path);
      return { isFile: () => true };
    },
    access: async (path, mode) => {
      if (!(path in files)) throw missing(path);
      if (mode === constants.X_OK && files[path] !== 'x') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
  };
}

let prometheus: FixtureServer;
let alertmanager: FixtureServer;
let promAnswers: Record<string, Answer>;
let amAnswers: Record<string, Answer>;
let deps: CheckDeps;

beforeEach(async () => {
  promAnswers = prometheusAnswers();
  amAnswers = alertmanagerAnswers();
  [prometheus, alertmanager] = await Promise.all([serveAnswers(promAnswers), serveAnswers(amAnswers)]);
  // The recording's Prometheus sent to its own Alertmanager; here that is the replaying server.
  promAnswers['/api/v1/alertmanagers'] = {
    body: { status: 'success', data: { activeAlertmanagers: [{ url: `${alertmanager.url}/api/v2/alerts` }] } },
  };
  deps = {
    prometheus: new PrometheusClient({ baseUrl: prometheus.url }),
    alertmanager: new AlertmanagerClient({ baseUrl: alertmanager.url }),
    resolveTool: async () => '/repo/.tools/bin/k6',
    fs: fakeFs({ '/usr/bin/sh': 'x', '/usr/bin/true': 'x', '/plans/unit/faults/kill.sh': 'x', '/plans/unit/faults/notexec.sh': '-' }),
    env: { PATH: '/usr/local/bin:/usr/bin' },
    now: () => new Date('2026-11-23T02:40:00Z'),
  };
});

afterEach(async () => {
  await Promise.all([prometheus.close(), alertmanager.close()]);
});

function find(findings: CheckFinding[], check: string, subject: string): CheckFinding {
  const found = findings.find((finding) => finding.check === check && finding.subject === subject);
  if (!found) throw new Error(`no ${check} finding for ${subject}; have:\n${findings.map((f) => `${f.check} ${f.subject}`).join('\n')}`);
  return found;
}

describe('checkPlan against the recorded demo stack (no target, no trace running)', () => {
  it('passes a plan whose alerts exist, are quiet and can fire in time', async () => {
    const report = await checkPlan(
      plan([fault('cache-broken', [expectation('CacheErrors', 10, { severity: 'ticket' })])], 'Watchdog'),
      deps,
    );
    expect(report.findings.filter((finding) => finding.status !== 'ok')).toEqual([]);
    expect(report.findings.map((finding) => finding.check)).toEqual([
      'plan',
      'k6',
      'prometheus',
      'alertmanager',
      'discovery',
      'rule',
      'feasibility',
      'baseline',
      'silence',
      'watchdog',
      'injector',
      'injector',
    ]);
    expect(find(report.findings, 'feasibility', 'cache-broken → CacheErrors{severity="ticket"}').detail).toBe(
      'within 10s covers the worst case: firing 2s–5s, notified 3s–6s; scrape 1s (job "demo-api"), eval 1s, for 2s, ' +
        'one more scrape (1s) for rate(demo_cache_errors_total[10s]) > 0, group_wait 1s (receiver "gameday")',
    );
    expect(find(report.findings, 'watchdog', 'Watchdog').detail).toMatch(/^active in Alertmanager since 2026-/);
    expect(report.checkedAt).toBe('2026-11-23T02:40:00.000Z');
    expect(checkExitCode(report)).toBe(0);
  });

  it('suggests the nearest rule name for a typo', async () => {
    const report = await checkPlan(plan([fault('cache-broken', [expectation('CacheEror', 10)])]), deps);
    expect(find(report.findings, 'rule', 'CacheEror')).toMatchObject({
      status: 'fail',
      detail: 'no alerting rule named CacheEror in Prometheus; did you mean `CacheErrors`?',
    });
    expect(find(report.findings, 'feasibility', 'cache-broken → CacheEror')).toMatchObject({
      status: 'fail',
      detail: 'not checked: no alerting rule named CacheEror',
    });
    expect(checkExitCode(report)).toBe(1);
  });

  it('lists the rules when nothing is close', async () => {
    const report = await checkPlan(plan([fault('f', [expectation('DiskFull', 10)])]), deps);
    expect(find(report.findings, 'rule', 'DiskFull').detail).toBe(
      'no alerting rule named DiskFull in Prometheus (it has 7 alerting rules: ApiInstancesDown, CacheErrors, HighErrorRate, QueueUnreachable, ReplicasDown, TraceSuccessAbsent, Watchdog)',
    );
  });

  it('fails a target below the floor, and warns on one only the best case meets', async () => {
    const report = await checkPlan(
      plan([fault('no-replication', [expectation('TraceSuccessAbsent', 5), expectation('TraceSuccessAbsent', 10, { severity: 'page' })])]),
      deps,
    );
    const below = find(report.findings, 'feasibility', 'no-replication → TraceSuccessAbsent');
    expect(below.status).toBe('fail');
    expect(below.detail).toBe(
      'within 5s cannot be met: the floor is 9s: window 10s − scrape 1s = 9s; firing 9s–12s, notified 10s–13s; ' +
        'scrape 1s (k6 remote write, pushed every 1s), eval 1s, for 0s, window 10s, group_wait 1s (receiver "gameday")',
    );
    expect(find(report.findings, 'feasibility', 'no-replication → TraceSuccessAbsent{severity="page"}')).toMatchObject({
      status: 'warn',
      hint: 'raise within to 12s to cover the worst case',
    });
  });

  it('marks an expectation on a rule that can never fire as infeasible', async () => {
    const rules = recorded<{ data: { groups: Array<{ rules: Array<{ name: string; query: string }> }> } }>('prometheus-rules.json');
    for (const rule of rules.data.groups.flatMap((group) => group.rules)) if (rule.name === 'CacheErrors') rule.query = 'vector(0) > 1';
    promAnswers['/api/v1/rules'] = { body: rules };
    const report = await checkPlan(plan([fault('cache-broken', [expectation('CacheErrors', 60)])]), deps);
    expect(find(report.findings, 'feasibility', 'cache-broken → CacheErrors')).toMatchObject({
      status: 'fail',
      detail: 'infeasible: the rule CacheErrors can never fire: vector(0) > 1 compares constants: 0 > 1 is false',
    });
    expect(checkExitCode(report)).toBe(1);
  });

  it('fails a baseline where a scraped alert already fires, naming each episode', async () => {
    const report = await checkPlan(plan([fault('kill-api', [expectation('ApiInstancesDown', 10)])]), deps);
    const baseline = find(report.findings, 'baseline', 'ApiInstancesDown');
    expect(baseline.status).toBe('fail');
    expect(baseline.detail).toMatch(
      /^already firing since 2026-11-23T\S+ \{instance="127\.0\.0\.1:3908[12]", job="demo-api", severity="page"\}; firing since/,
    );
    expect(baseline.detail).toContain('127.0.0.1:39081');
    expect(baseline.detail).toContain('127.0.0.1:39082');
    expect(baseline.detail).toContain('a fault could not be told apart from what is already wrong');
    expect(baseline.hint).toContain('window.baselineTimeout');
  });

  it('only warns when an alert on pushed k6 series fires with no trace running', async () => {
    const report = await checkPlan(plan([fault('no-replication', [expectation('TraceSuccessAbsent', 15)])]), deps);
    expect(find(report.findings, 'baseline', 'TraceSuccessAbsent')).toMatchObject({ status: 'warn' });
    expect(find(report.findings, 'baseline', 'TraceSuccessAbsent').detail).toContain('reads k6 series (k6_trace_success_total)');
  });

  it('matches the baseline by labels too', async () => {
    const report = await checkPlan(plan([fault('kill-api', [expectation('ApiInstancesDown', 10, { instance: '127.0.0.1:1' })])]), deps);
    expect(find(report.findings, 'baseline', 'ApiInstancesDown{instance="127.0.0.1:1"}')).toMatchObject({ status: 'ok' });
  });

  it('fails an expectation whose labels the rule contradicts', async () => {
    const report = await checkPlan(plan([fault('cache-broken', [expectation('CacheErrors', 10, { severity: 'page' })])]), deps);
    expect(find(report.findings, 'feasibility', 'cache-broken → CacheErrors{severity="page"}')).toMatchObject({
      status: 'fail',
      detail: 'the rule CacheErrors sets severity="ticket", the plan expects severity="page": it can never match',
    });
  });

  it('explains a watchdog that fires in Prometheus but never reached Alertmanager', async () => {
    amAnswers['/api/v2/alerts'] = { body: [] };
    const report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])], 'Watchdog'), deps);
    expect(find(report.findings, 'watchdog', 'Watchdog')).toMatchObject({ status: 'fail' });
    expect(find(report.findings, 'watchdog', 'Watchdog').detail).toMatch(/^firing in Prometheus since \S+ but not in Alertmanager$/);
  });

  it('suggests a name for a misspelt watchdog', async () => {
    const report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])], 'WatchDogg'), deps);
    expect(find(report.findings, 'watchdog', 'WatchDogg').detail).toBe(
      'not in Alertmanager; no alerting rule named WatchDogg in Prometheus; did you mean `Watchdog`?',
    );
  });

  it('reports a rule that fails to evaluate with its error', async () => {
    const rules = recorded<{ data: { groups: Array<{ rules: Array<Record<string, unknown>> }> } }>('prometheus-rules.json');
    const cache = rules.data.groups[0]?.rules.find((rule) => rule.name === 'CacheErrors');
    if (!cache) throw new Error('fixture lacks CacheErrors');
    cache.health = 'err';
    cache.lastError = 'found duplicate series for the match group';
    promAnswers['/api/v1/rules'] = { body: rules };
    const report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])]), deps);
    expect(find(report.findings, 'rule', 'CacheErrors')).toMatchObject({
      status: 'fail',
      detail: 'the rule fails to evaluate: found duplicate series for the match group (group "gameday-demo")',
    });
  });

  it("warns when Prometheus discovered another Alertmanager than the plan's, fails when none", async () => {
    promAnswers['/api/v1/alertmanagers'] = { body: recorded('prometheus-alertmanagers.json') };
    let report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])]), deps);
    expect(find(report.findings, 'discovery', 'Prometheus → Alertmanager')).toMatchObject({ status: 'warn' });
    promAnswers['/api/v1/alertmanagers'] = { body: { status: 'success', data: { activeAlertmanagers: [], droppedAlertmanagers: [] } } };
    report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])]), deps);
    expect(find(report.findings, 'discovery', 'Prometheus → Alertmanager')).toMatchObject({
      status: 'fail',
      detail: 'Prometheus has discovered no Alertmanager: no alert would reach Alertmanager',
    });
  });

  it('checks each Alertmanager peer: a ready one sent alerts passes; a dead one fails at its plan path; an unsent one warns', async () => {
    const peer = await serveAnswers(alertmanagerAnswers());
    const dead = 'http://127.0.0.1:9';
    try {
      const activeAlertmanagers = [{ url: `${alertmanager.url}/api/v2/alerts` }, { url: `${peer.url}/api/v2/alerts` }];
      promAnswers['/api/v1/alertmanagers'] = { body: { status: 'success', data: { activeAlertmanagers } } };
      const peers = [new AlertmanagerClient({ baseUrl: peer.url }), new AlertmanagerClient({ baseUrl: dead })];
      const report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 10)])]), { ...deps, alertmanagerPeers: peers });
      expect(find(report.findings, 'alertmanager', peer.url)).toMatchObject({ status: 'ok', detail: 'ready' });
      expect(find(report.findings, 'alertmanager', dead)).toMatchObject({
        status: 'fail',
        hint: 'start it, or fix monitoring.alertmanager.peers[1] in the plan',
      });
      expect(find(report.findings, 'alertmanager', dead).detail).toMatch(/did not answer \/-\/ready/);
      const discovery = find(report.findings, 'discovery', 'Prometheus → Alertmanager');
      expect(discovery.status).toBe('warn');
      expect(discovery.detail).toContain(`not to the peer ${dead}`);
      expect(discovery.detail).not.toContain(`peer ${peer.url}`);
    } finally {
      await peer.close();
    }
  });

  it('assumes the 1m default, and says so, when Prometheus will not show its configuration', async () => {
    promAnswers['/api/v1/status/config'] = { status: 404, body: '404 page not found' };
    const report = await checkPlan(plan([fault('f', [expectation('CacheErrors', 70)])]), deps);
    const feasibility = find(report.findings, 'feasibility', 'f → CacheErrors');
    expect(feasibility.status).toBe('warn');
    expect(feasibility.detail).toContain('scrape interval unknown (Prometheus at');
    expect(feasibility.detail).toContain("assumed Prometheus's default 1m");
  });
});

describe('checkPlan when things are missing', () => {
  it('keeps going when Prometheus and Alertmanager are down: one clear reason per dependent check', async () => {
    await Promise.all([prometheus.close(), alertmanager.close()]);
    deps.resolveTool = async () => {
      throw new ToolchainError('GAMEDAY_K6=/nope is not an executable file.');
    };
    const report = await checkPlan(plan([fault('kill-api', [expectation('ApiInstancesDown', 10)])], 'Watchdog'), deps);
    const byCheck = Object.fromEntries(report.findings.map((finding) => [finding.check, finding]));
    expect(byCheck.k6).toMatchObject({ status: 'fail', detail: 'GAMEDAY_K6=/nope is not an executable file.' });
    expect(byCheck.prometheus?.status).toBe('fail');
    expect(byCheck.prometheus?.detail).toMatch(new RegExp(`^Prometheus at ${prometheus.url} did not answer /-/ready: .*ECONNREFUSED`));
    expect(byCheck.alertmanager?.detail).toMatch(/^Alertmanager at .* did not answer \/-\/ready: .*ECONNREFUSED/);
    const notReady = `not checked: Prometheus at ${prometheus.url} is not ready`;
    expect(byCheck.discovery).toMatchObject({ status: 'fail', detail: notReady });
    expect(byCheck.rule).toMatchObject({ status: 'fail', detail: notReady });
    expect(byCheck.feasibility).toMatchObject({ status: 'fail', detail: notReady });
    expect(byCheck.baseline).toMatchObject({ status: 'fail', detail: notReady });
    expect(byCheck.watchdog).toMatchObject({ status: 'fail', detail: `not checked: Alertmanager at ${alertmanager.url} is not ready` });
    // The injectors do not need the monitoring stack.
    expect(report.findings.filter((finding) => finding.check === 'injector').map((finding) => finding.status)).toEqual(['ok', 'ok']);
    expect(checkExitCode(report)).toBe(1);
  });

  it("finds exec programs on PATH or in the plan's folder, and says what is wrong otherwise", async () => {
    const exec = (command: string[], shell = false) => ({ kind: 'exec' as const, command, shell, env: {}, timeoutSeconds: 10 });
    const report = await checkPlan(
      plan([
        fault('a', [expectation('CacheErrors', 10)], { inject: exec(['true']), revert: exec(['faults/kill.sh', '--undo']) }),
        fault('b', [expectation('CacheErrors', 10)], { inject: exec(['nosuchtool', '-x']), revert: exec(['faults/notexec.sh']) }),
        fault('c', [expectation('CacheErrors', 10)], {
          inject: exec(['bash', 'faults/gone.sh']),
          revert: exec(['kill -STOP $(cat pid)'], true),
        }),
        fault('d', [expectation('CacheErrors', 10)], {
          inject: { kind: 'http', method: 'POST', url: 'http//127.0.0.1:1/x', headers: {}, timeoutSeconds: 1 },
          revert: 'none',
        }),
      ]),
      {
        ...deps,
        fs: fakeFs({
          '/usr/bin/sh': 'x',
          '/usr/bin/bash': 'x',
          '/usr/bin/true': 'x',
          '/plans/unit/faults/kill.sh': 'x',
          '/plans/unit/faults/notexec.sh': '-',
        }),
      },
    );
    const injectors = Object.fromEntries(
      report.findings
        .filter((finding) => finding.check === 'injector')
        .map((finding) => [finding.subject, [finding.status, finding.detail]]),
    );
    expect(injectors).toEqual({
      'a inject': ['ok', '/usr/bin/true'],
      'a revert': ['ok', '/plans/unit/faults/kill.sh --undo'],
      'b inject': ['fail', 'nosuchtool: not found on PATH (2 folders searched)'],
      'b revert': ['fail', 'faults/notexec.sh: /plans/unit/faults/notexec.sh exists but is not executable'],
      'c inject': ['fail', 'bash faults/gone.sh: the script /plans/unit/faults/gone.sh does not exist'],
      'c revert': ['ok', '/usr/bin/sh -c "kill -STOP $(cat pid)"'],
      'd inject': ['fail', 'POST http//127.0.0.1:1/x: not a well-formed URL'],
    });
  });
});

describe('formatCheckReport', () => {
  it('puts the status first, aligns the columns, wraps long details and ends with the counts', async () => {
    const report = await checkPlan(
      plan([fault('cache-broken', [expectation('CacheEror', 10), expectation('TraceSuccessAbsent', 5)])], 'Watchdog'),
      { ...deps, now: () => new Date('2026-11-23T02:40:00Z') },
    );
    const text = formatCheckReport(report, { width: 100 })
      // Ephemeral ports and recorded times vary; same-length placeholders keep the alignment.
      .replaceAll(
        prometheus.url,
        prometheus.url.replace(/\d+$/, (port) => 'P'.repeat(port.length)),
      )
      .replaceAll(
        alertmanager.url,
        alertmanager.url.replace(/\d+$/, (port) => 'A'.repeat(port.length)),
      )
      .replace(/2026-11-23T\d\d:\d\d:\d\d(?:\.\d+)?Z/g, (time) => 'T'.repeat(time.length));
    expect(text).toMatchInlineSnapshot(`
      "      check         subject                            detail
      ok    plan          unit                               /plans/unit/plan.yaml: 1 fault, 2 expected
                                                             alerts, 0 bursts
      ok    k6            k6                                 /repo/.tools/bin/k6
      ok    prometheus    http://127.0.0.1:PPPPP             ready
      ok    alertmanager  http://127.0.0.1:AAAAA             ready
      ok    discovery     Prometheus → Alertmanager          Prometheus sends alerts to
                                                             http://127.0.0.1:AAAAA/api/v2/alerts
      FAIL  rule          CacheEror                          no alerting rule named CacheEror in
                                                             Prometheus; did you mean \`CacheErrors\`?
                                                             → fix the alert name in the plan
                                                             (expect[].alert or monitoring.watchdog)
      ok    rule          TraceSuccessAbsent                 group "gameday-demo", every 1s, for 0s
      FAIL  feasibility   cache-broken → CacheEror           not checked: no alerting rule named CacheEror
      FAIL  feasibility   cache-broken → TraceSuccessAbsent  within 5s cannot be met: the floor is 9s:
                                                             window 10s − scrape 1s = 9s; firing 9s–12s,
                                                             notified 10s–13s; scrape 1s (k6 remote write,
                                                             pushed every 1s), eval 1s, for 0s, window
                                                             10s, group_wait 1s (receiver "gameday")
                                                             → raise within to at least 12s (the worst
                                                             case), or make the rule quicker (shorter for,
                                                             evaluation or scrape interval)
      ok    baseline      CacheEror                          not pending or firing
      WARN  baseline      TraceSuccessAbsent                 already firing since TTTTTTTTTTTTTTTTTTTT
                                                             {role="trace", severity="page"}; the rule
                                                             reads k6 series (k6_trace_success_total) that
                                                             only a running trace pushes, so it may fire
                                                             only because no trace runs now
                                                             → gameday run starts the trace first and
                                                             waits up to 1m (window.baselineTimeout) for
                                                             it to clear; if it keeps firing with the
                                                             trace running, fix the target or the rule
      ok    silence       Alertmanager silences              no silence is active or scheduled
      ok    watchdog      Watchdog                           active in Alertmanager since
                                                             TTTTTTTTTTTTTTTTTTTT
      ok    injector      cache-broken inject                POST http://127.0.0.1:18099/faults/cache
      ok    injector      cache-broken revert                DELETE http://127.0.0.1:18099/faults/cache

      check: 11 ok, 1 warning, 3 problems"
    `);
  });
});

describe('credentials', () => {
  function withToken(): Plan {
    const p = plan([fault('cache', [expectation('CacheErrors', 30)])]);
    return {
      ...p,
      monitoring: {
        ...p.monitoring,
        prometheus: { url: prometheus.url, auth: { bearerTokenEnv: 'CHECK_PROM_TOKEN' } },
        alertmanager: { url: alertmanager.url },
      },
    };
  }

  it('refuses a plan whose credential variable is not set, naming it', async () => {
    const { prometheus: _p, alertmanager: _a, ...rest } = deps;
    await expect(checkPlan(withToken(), rest)).rejects.toThrow(/monitoring\.prometheus\.auth\.bearerTokenEnv: CHECK_PROM_TOKEN is not set/);
  });

  it('asks Prometheus with the token from the environment, as gameday run would', async () => {
    const { prometheus: _p, alertmanager: _a, ...rest } = deps;
    const seen: string[] = [];
    const auth = http.createServer((request, response) => {
      seen.push(request.headers.authorization ?? '');
      response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(auth.address() as AddressInfo).port}`;
    const p = withToken();
    try {
      await checkPlan(
        { ...p, monitoring: { ...p.monitoring, prometheus: { ...p.monitoring.prometheus, url } } },
        {
          ...rest,
          env: { ...rest.env, CHECK_PROM_TOKEN: 's3cret' },
        },
      );
    } finally {
      await new Promise<void>((resolve) => auth.close(() => resolve()));
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((header) => header === 'Bearer s3cret')).toBe(true);
  });
});
