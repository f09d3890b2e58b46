// The ConfigMap and TestRun for a k6-operator burst, validated against the TestRun CRD schema
// vendored from k6-operator (vendor/README.md). No cluster here: what the operator does with them
// is not tested.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../package-root.ts';
import { loadPlan } from '../../plan/load.ts';
import type { BurstSpec } from '../../plan/types.ts';
import { testRunProblems } from './crd.ts';
import { k6OperatorManifests, type ManifestInput, manifestName, manifestsYaml, scriptFiles } from './manifests.ts';

const burstScript = join(packageRoot, 'loadtests/burst.ts');
const read = (path: string) => readFileSync(path, 'utf8');

async function clusterBurst(): Promise<BurstSpec> {
  const plan = await loadPlan(join(packageRoot, 'verifier/plan/fixtures/valid/full.yaml'), { fileExists: () => true });
  const burst = plan.bursts.find((candidate) => candidate.engine === 'k6-operator');
  if (burst === undefined) throw new Error('full.yaml has no k6-operator burst');
  return burst;
}

async function input(overrides: Partial<ManifestInput> = {}): Promise<ManifestInput> {
  const burst = await clusterBurst();
  return {
    burst,
    runId: '20261201-0300-full',
    baseUrl: 'http://api.staging.svc:8080',
    prometheus: {
      url: 'http://prometheus.monitoring.svc:9090/',
      headers: { 'X-Scope-OrgID': 'team-a' },
      headersFromEnv: { 'X-Api-Key': 'PROM_API_KEY' },
      auth: { bearerTokenEnv: 'PROM_TOKEN' },
    },
    files: scriptFiles(burst.script, read),
    ...overrides,
  };
}

describe('scriptFiles', () => {
  it('puts the default burst and its ./lib imports under flat keys, imports rewritten to match', () => {
    const files = scriptFiles(burstScript, read);
    expect(files.map((file) => file.key).sort()).toEqual(['burst.ts', 'lib__env.ts', 'lib__requests.ts', 'lib__vus.ts']);
    const script = files.find((file) => file.key === 'burst.ts')?.text ?? '';
    // burst.ts loads its lib modules with k6's require() at __VU 0 (its types with import type).
    expect(script).toContain("require('./lib__env.ts')");
    expect(script).toContain("require('./lib__vus.ts')");
    expect(script).toContain("require('./lib__requests.ts')");
    expect(script).not.toMatch(/(from |require\()'\.\/lib\//);
    // Only the specifiers change.
    expect(script.replaceAll('./lib__', './lib/')).toBe(read(burstScript));
    expect(files.find((file) => file.key === 'lib__vus.ts')?.text).toBe(read(join(packageRoot, 'loadtests/lib/vus.ts')));
  });

  it('follows imports of imports and parent folders, and refuses two files that would share a key', () => {
    const tree: Record<string, string> = {
      '/t/main.ts': "import { a } from './a/x.ts';\nimport b from '../shared/b.ts';\nconst d = require('./d.ts');\n",
      '/t/d.ts': 'export const d = 4;\n',
      '/t/a/x.ts': "export { c as a } from './c.ts';\n",
      '/t/a/c.ts': 'export const c = 1;\n',
      '/shared/b.ts': 'export default 2;\n',
    };
    const files = scriptFiles('/t/main.ts', (path) => tree[path] ?? '');
    expect(Object.fromEntries(files.map((file) => [file.key, file.text]))).toEqual({
      'main.ts': "import { a } from './a__x.ts';\nimport b from './up__shared__b.ts';\nconst d = require('./d.ts');\n",
      'a__x.ts': "export { c as a } from './a__c.ts';\n",
      'a__c.ts': 'export const c = 1;\n',
      'up__shared__b.ts': 'export default 2;\n',
      'd.ts': 'export const d = 4;\n',
    });
    const clash = { '/t/main.ts': "import './a__b.ts';\nimport './a/b.ts';\n" } as Record<string, string>;
    expect(() => scriptFiles('/t/main.ts', (path) => clash[path] ?? '')).toThrow(/both become a__b.ts/);
  });
});

describe('k6OperatorManifests', () => {
  it('writes a TestRun that the vendored CRD schema accepts, as objects and as the YAML text', async () => {
    const manifests = k6OperatorManifests(await input());
    expect(testRunProblems(manifests.testRun)).toEqual([]);
    const documents = parseAllDocuments(manifestsYaml(manifests)).map((document) => document.toJS() as Record<string, unknown>);
    expect(documents.map((document) => document.kind)).toEqual(['ConfigMap', 'TestRun']);
    expect(documents[1]).toEqual(manifests.testRun);
    expect(testRunProblems(documents[1])).toEqual([]);
  });

  it('carries the run tags, the burst settings, parallelism and runner resources, and no cleanup: gameday deletes it', async () => {
    const { testRun, configMap, name, namespace } = k6OperatorManifests(await input());
    expect(namespace).toBe('load-tests');
    expect(name).toBe('gameday-20261201-0300-full-cluster-burst');
    expect(Object.keys((configMap as { data: object }).data).sort()).toEqual([
      'burst.ts',
      'lib__env.ts',
      'lib__requests.ts',
      'lib__vus.ts',
    ]);
    const spec = testRun.spec as {
      script: unknown;
      arguments: string;
      parallelism: number;
      cleanup?: string;
      runner: { image?: string; resources?: unknown; env: Array<{ name: string; value?: string }> };
    };
    expect(spec.script).toEqual({ configMap: { name, file: 'burst.ts' } });
    expect(spec.arguments).toBe(
      '--no-usage-report --tag testid=20261201-0300-full --tag role=burst --tag burst=cluster-burst --out experimental-prometheus-rw',
    );
    expect(spec.parallelism).toBe(4);
    expect(spec.cleanup).toBeUndefined();
    expect(spec.runner.image).toBe('grafana/k6:2.2.0');
    expect(spec.runner.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } });
    const env = Object.fromEntries(spec.runner.env.map((entry) => [entry.name, entry]));
    expect(env.RATE?.value).toBe('8000');
    expect(env.DURATION?.value).toBe('20s');
    expect(env.RUN_ID?.value).toBe('20261201-0300-full');
    expect(env.BASE_URL?.value).toBe('http://api.staging.svc:8080');
    expect(env.K6_PROMETHEUS_RW_SERVER_URL?.value).toBe('http://prometheus.monitoring.svc:9090/api/v1/write');
    expect(env['K6_PROMETHEUS_RW_HEADERS_X-Scope-OrgID']?.value).toBe('team-a');
  });

  it('takes credentials from a Secret by name and never writes their values', async () => {
    const secrets = { PROM_API_KEY: 'key-value-1234', PROM_TOKEN: 'token-value-5678' };
    const text = manifestsYaml(k6OperatorManifests(await input()));
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
    const { testRun } = k6OperatorManifests(await input());
    const env = (testRun.spec as { runner: { env: Array<Record<string, unknown>> } }).runner.env;
    expect(env).toContainEqual({
      name: 'K6_PROMETHEUS_RW_BEARER_TOKEN',
      valueFrom: { secretKeyRef: { name: 'gameday-remote-write', key: 'PROM_TOKEN' } },
    });
    expect(env).toContainEqual({
      name: 'K6_PROMETHEUS_RW_HEADERS_X-Api-Key',
      valueFrom: { secretKeyRef: { name: 'gameday-remote-write', key: 'PROM_API_KEY' } },
    });
  });

  it('puts the requests file beside the script and points REQUESTS_FILE at it', async () => {
    const { configMap, testRun } = k6OperatorManifests(await input({ requestsJson: '{"requests":[]}' }));
    expect((configMap as { data: Record<string, string> }).data['requests.json']).toBe('{"requests":[]}');
    const env = (testRun.spec as { runner: { env: Array<{ name: string; value?: string }> } }).runner.env;
    expect(env).toContainEqual({ name: 'REQUESTS_FILE', value: '/test/requests.json' });
  });

  it('refuses a burst that is not a k6-operator burst, and a tag the operator would split', async () => {
    const base = await input();
    expect(() => k6OperatorManifests({ ...base, burst: { ...base.burst, engine: 'k6' } })).toThrow(/not a k6-operator burst/);
    expect(() => k6OperatorManifests({ ...base, runId: 'two words' })).toThrow(/invalid testid tag; reason: expected no whitespace/);
  });

  it('keeps names within 63 characters with room for the runner index, distinct per burst', () => {
    const long = manifestName('2026-12-01T03-00-00Z-a-very-long-plan-name-indeed', 'an-equally-long-burst-name-here');
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(manifestName('2026-12-01T03-00-00Z-a-very-long-plan-name-indeed', 'an-equally-long-burst-name-there')).not.toBe(long);
  });
});

describe('testRunProblems (the vendored CRD schema)', () => {
  it('rejects a misspelled field, a wrong type and a value outside an enum, saying where', async () => {
    const { testRun } = k6OperatorManifests(await input());
    const spec = testRun.spec as Record<string, unknown>;
    const { parallelism, ...rest } = spec;
    // parallelism is required by the CRD: misspelling it is two problems.
    expect(testRunProblems({ ...testRun, spec: { ...rest, paralelism: parallelism } })).toEqual([
      "/spec: must have required property 'parallelism'",
      '/spec: must NOT have additional properties (paralelism)',
    ]);
    expect(testRunProblems({ ...testRun, spec: { ...spec, parallelism: '4' } })).toEqual(['/spec/parallelism: must be integer']);
    expect(testRunProblems({ ...testRun, spec: { ...spec, cleanup: 'always' } })).toEqual([
      '/spec/cleanup: must be equal to one of the allowed values (["post"])',
    ]);
    const runner = spec.runner as Record<string, unknown>;
    expect(testRunProblems({ ...testRun, spec: { ...spec, runner: { ...runner, resources: { limit: { cpu: '1' } } } } })).toEqual([
      '/spec/runner/resources: must NOT have additional properties (limit)',
    ]);
  });
});
