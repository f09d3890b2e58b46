import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { GamedayError, UsageError } from '../errors.ts';
import { PlanError } from './diagnostics.ts';
import { loadPlan, parsePlan } from './load.ts';
import type { Plan } from './types.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function thrownBy(run: () => unknown): PlanError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error;
    throw error;
  }
  throw new Error('expected a PlanError, but the plan loaded');
}

async function rejectionOf(promise: Promise<unknown>): Promise<PlanError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof PlanError) return error;
  throw new Error(`expected a PlanError, got ${String(error)}`);
}

const minimal = (target = 'http://127.0.0.1:18080', extra = ''): string => `
version: 1
name: demo
window: { duration: 4m }
target: { baseUrl: "${target}" }
${extra}
monitoring:
  prometheus: { url: http://127.0.0.1:19090 }
  alertmanager: { url: http://127.0.0.1:19093 }
faults:
  - name: f
    at: 0s
    duration: 20s
    inject: { exec: { command: [bash, x.sh] } }
    revert: none
    expect: [{ alert: A, within: 15s }]
`;

describe('valid plans', () => {
  test('a minimal plan loads with every default filled in', async () => {
    const plan = await loadPlan(`${fixtures}valid/minimal.yaml`);
    expect(plan).toEqual<Plan>({
      version: 1,
      name: 'minimal',
      file: `${fixtures}valid/minimal.yaml`,
      window: { durationSeconds: 240, baselineTimeoutSeconds: 60, graceSeconds: 30 },
      target: { baseUrl: 'http://127.0.0.1:18080' },
      monitoring: {
        prometheus: { url: 'http://127.0.0.1:19090' },
        alertmanager: { url: 'http://127.0.0.1:19093' },
        pollIntervalSeconds: 1,
      },
      trace: { rate: 1, script: `${repoRoot}traces/trace.ts` },
      bursts: [],
      faults: [
        {
          name: 'api-instances-killed',
          atSeconds: 0,
          durationSeconds: 20,
          inject: { kind: 'exec', command: ['bash', 'faults/kill-api-instances.sh'], shell: false, env: {}, timeoutSeconds: 30 },
          revert: 'none',
          expect: [{ alert: 'ApiInstancesDown', labels: {}, withinSeconds: 15 }],
        },
      ],
      allowedTargets: [],
    });
  });

  test('the demo plan the malformed corpus is built from loads', async () => {
    const plan = await loadPlan(`${fixtures}valid/demo.yaml`);
    expect(plan.faults.map((fault) => fault.name)).toEqual(['api-instances-killed', 'cache-broken']);
    expect(plan.bursts[0]).toEqual({
      name: 'capacity-burst',
      atSeconds: 180,
      rate: 2000,
      durationSeconds: 20,
      script: `${repoRoot}loadtests/burst.ts`,
    });
    expect(plan.faults[0]?.revert).toEqual({
      kind: 'http',
      method: 'POST',
      url: 'http://127.0.0.1:18099/faults/api-instances',
      headers: {},
      body: { action: 'start' },
      timeoutSeconds: 30,
    });
  });

  test('every property set: durations in seconds, scripts resolved against the plan directory', async () => {
    const plan = await loadPlan(`${fixtures}valid/full.yaml`, { fileExists: () => true });
    expect(plan.window).toEqual({ durationSeconds: 240, baselineTimeoutSeconds: 90, graceSeconds: 45 });
    expect(plan.monitoring.pollIntervalSeconds).toBe(0.5);
    expect(plan.monitoring.webhookListen).toBe('127.0.0.1:19095');
    expect(plan.trace).toMatchObject({ rate: 2, script: `${fixtures}valid/scripts/trace.ts` });
    expect(plan.bursts[0]?.script).toBe('/opt/loadtests/burst.ts');
    expect(plan.bursts[0]?.vus).toBe(300);
    expect(plan.faults[1]?.atSeconds).toBe(90);
    expect(plan.faults[1]?.inject).toMatchObject({ kind: 'http', method: 'POST', body: 'break', timeoutSeconds: 30 });
    expect(plan.faults[0]?.maxDurationSeconds).toBe(60);
    expect(plan.faults[2]?.inject).toEqual({
      kind: 'signal',
      pidFile: `${fixtures}valid/state/gateway.pid`,
      signal: 'SIGTERM',
      timeoutSeconds: 5,
    });
    expect(plan.faults[3]?.inject).toEqual({ kind: 'signal', pid: 4242, signal: 'SIGSTOP', timeoutSeconds: 10 });
    expect(plan.faults[2]?.revert).toMatchObject({
      kind: 'exec',
      detach: true,
      waitFor: { url: 'http://127.0.0.1:18080/healthz', tcp: '127.0.0.1:18080', timeoutSeconds: 20 },
    });
    expect(plan.stopConditions).toEqual([{ name: 'queue-disconnected', expr: 'demo_queue_connected == 0', forSeconds: 10 }]);
  });

  test('credentials load as the names of environment variables, never as values', async () => {
    const plan = await loadPlan(`${fixtures}valid/full.yaml`, { fileExists: () => true });
    expect(plan.monitoring.prometheus).toEqual({
      url: 'http://127.0.0.1:19090/prometheus',
      headers: { 'X-Scope-OrgID': 'team-a' },
      headersFromEnv: { 'X-Api-Key': 'PROM_API_KEY' },
      auth: { bearerTokenEnv: 'PROM_TOKEN' },
    });
    expect(plan.monitoring.alertmanager).toEqual({
      url: 'http://127.0.0.1:19093',
      peers: ['http://127.0.0.1:19094'],
      headers: { 'X-Scope-OrgID': 'team-a' },
      headersFromEnv: { 'X-Api-Key': 'AM_API_KEY' },
      auth: { basicAuth: { usernameEnv: 'AM_USER', passwordEnv: 'AM_PASSWORD' } },
    });
  });

  test('parsePlan resolves the plan file and default scripts from its options', () => {
    const plan = parsePlan(minimal(), 'plans/demo.yaml', { cwd: '/srv/gameday', repoRoot: '/opt/gameday' });
    expect(plan.file).toBe('/srv/gameday/plans/demo.yaml');
    expect(plan.trace.script).toBe('/opt/gameday/traces/trace.ts');
  });

  test.each([['http://localhost:18080'], ['http://127.0.0.1:18080'], ['http://127.8.9.10'], ['http://[::1]:18080'], ['https://LOCALHOST']])(
    'load to loopback %s needs no allowedTargets',
    (target) => {
      expect(parsePlan(minimal(target), 'plan.yaml').target.baseUrl).toBe(target);
    },
  );

  test('load beyond loopback is allowed when allowedTargets names the host', () => {
    const plan = parsePlan(minimal('https://API.staging.internal/v1', 'allowedTargets: [api.staging.internal]'), 'plan.yaml');
    expect(plan.allowedTargets).toEqual(['api.staging.internal']);
  });

  test('anchors and aliases may share an injector between faults', () => {
    const text = minimal()
      .replace('inject: { exec: { command: [bash, x.sh] } }', 'inject: &kill { exec: { command: [bash, x.sh] } }')
      .replace('revert: none', 'revert: *kill');
    expect(parsePlan(text, 'plan.yaml').faults[0]?.revert).toMatchObject({ kind: 'exec', command: ['bash', 'x.sh'] });
  });

  test('a byte-order mark and CRLF line endings are fine', () => {
    expect(parsePlan(`\uFEFF${minimal().replace(/\n/g, '\r\n')}`, 'plan.yaml').name).toBe('demo');
  });
});

describe('files that cannot be read', () => {
  test('a missing file says so, with no position', async () => {
    const error = await rejectionOf(loadPlan(`${fixtures}no-such-plan.yaml`));
    expect(error.diagnostics).toEqual([
      {
        file: `${fixtures}no-such-plan.yaml`,
        line: 0,
        column: 0,
        path: '',
        message: 'plan file not found',
        hint: 'check the path; a plan is a YAML file such as examples/demo/plan.yaml',
      },
    ]);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  test('a directory says so', async () => {
    const error = await rejectionOf(loadPlan(`${fixtures}valid`));
    expect(error.diagnostics[0]?.message).toBe('this is a directory, not a plan file');
  });

  test('a permission error says so (readFile injected)', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const error = await rejectionOf(loadPlan('plan.yaml', { readFile: () => Promise.reject(denied) }));
    expect(error.diagnostics[0]?.message).toBe('permission denied reading the plan file');
  });

  test('NUL characters in text handed to parsePlan are refused with their position', () => {
    const error = thrownBy(() => parsePlan('version: 1\nname: x\0\n', 'plan.yaml'));
    expect(error.diagnostics[0]).toMatchObject({ line: 2, column: 8, path: '' });
  });
});

describe('hostile YAML', () => {
  test('aliases that expand without bound are refused as a plan problem', () => {
    const layers = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let layer = 1; layer < 9; layer++) {
      const previous = String.fromCharCode(96 + layer);
      const name = String.fromCharCode(97 + layer);
      layers.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const error = thrownBy(() => parsePlan(`${layers.join('\n')}\n`, 'plan.yaml'));
    expect(error.diagnostics[0]?.message).toMatch(/^cannot expand the YAML: .*alias/i);
  });
});

describe('PlanError', () => {
  test('is a usage error in the gameday hierarchy, and its message lists every problem', () => {
    const error = thrownBy(() => parsePlan('version: 2\nname: Bad Name\n', 'plan.yaml'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toBeInstanceOf(GamedayError);
    expect(error.name).toBe('PlanError');
    expect(error.message.split('\n')[0]).toBe(`invalid plan plan.yaml: ${error.diagnostics.length} problems`);
    expect(error.message).toContain('plan.yaml:1:10 version: `version` must be 1, got 2');
    expect(error.message).toContain('plan.yaml:2:7 name: "Bad Name" is not a valid name');
  });

  test('diagnostics come in file order', () => {
    const error = thrownBy(() =>
      parsePlan(minimal().replace('within: 15s', 'within: 15').replace('version: 1', 'version: 9'), 'plan.yaml'),
    );
    const lines = error.diagnostics.map((diagnostic) => diagnostic.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(error.diagnostics.map((diagnostic) => diagnostic.path)).toEqual(['version', 'faults[0].expect[0].within']);
  });

  test('a typo is one problem: the unknown key, not also the missing key it was meant to be', () => {
    const error = thrownBy(() => parsePlan(minimal().replace('window: { duration: 4m }', 'window: { durration: 4m }'), 'plan.yaml'));
    expect(error.diagnostics).toHaveLength(1);
    expect(error.diagnostics[0]).toMatchObject({ path: 'window.durration', hint: 'did you mean `duration`?', line: 4, column: 11 });
  });

  test('a rule check is not repeated where the schema already found the value malformed', () => {
    const error = thrownBy(() => parsePlan(minimal('not a url'), 'plan.yaml'));
    expect(error.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['"not a url" is not an http(s) URL']);
  });
});
