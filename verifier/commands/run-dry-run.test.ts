// `gameday run --dry-run`: the k6-operator manifests printed and validated, nothing started.

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testRunProblems } from '../load/k6-operator/crd.ts';
import { packageRoot } from '../package-root.ts';
import { gamedayInProcess } from './testing/in-process.ts';

const demo = readFileSync(join(packageRoot, 'verifier/plan/fixtures/valid/demo.yaml'), 'utf8');
const operatorBurst = '    duration: 20s\n    engine: k6-operator\n    kubernetes: { namespace: load-tests, parallelism: 2 }\n';

describe('gameday run --dry-run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-dry-run-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function plan(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  }

  it('prints a ConfigMap and a TestRun the CRD schema accepts, exits 0 and starts nothing', async () => {
    const file = await plan('operator.yaml', demo.replace('    duration: 20s\n', operatorBurst));
    const runsDir = join(dir, 'runs');
    const result = await gamedayInProcess(['run', '--dry-run', '--run-id', 'r1', '--runs-dir', runsDir, file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const documents = parseAllDocuments(result.stdout).map((document) => document.toJS() as { kind: string; metadata: { name: string } });
    expect(documents.map((document) => `${document.kind} ${document.metadata.name}`)).toEqual([
      'ConfigMap gameday-r1-capacity-burst',
      'TestRun gameday-r1-capacity-burst',
    ]);
    expect(testRunProblems(documents[1])).toEqual([]);
    expect(existsSync(runsDir)).toBe(false);
  });

  it('says so when no burst uses the k6-operator, and exits 0', async () => {
    const result = await gamedayInProcess(['run', '--dry-run', await plan('local.yaml', demo)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no burst of this plan has engine: k6-operator');
  });

  it('exits 2 naming the file when a local import of the script is missing', async () => {
    await writeFile(join(dir, 'burst.ts'), "import { x } from './lib/missing.ts';\nexport default function () {}\n");
    const file = await plan('missing.yaml', demo.replace('    duration: 20s\n', `${operatorBurst}    script: burst.ts\n`));
    const result = await gamedayInProcess(['run', '--dry-run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read ${join(dir, 'lib/missing.ts')}, imported by ${join(dir, 'burst.ts')}`);
  });

  it('without --dry-run, refuses a k6-operator burst whose kubectl cannot run, before anything starts (exit 2)', async () => {
    const missing = operatorBurst.replace('parallelism: 2 }', 'parallelism: 2, kubectl: ./no-such-kubectl }');
    const file = await plan('operator-run.yaml', demo.replace('    duration: 20s\n', missing));
    const runsDir = join(dir, 'runs-refused');
    const result = await gamedayInProcess(['run', '--runs-dir', runsDir, '--no-metrics', '--no-progress', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `k6-operator bursts cannot run: bursts[0] (capacity-burst): ${join(dir, 'no-such-kubectl')} version --client failed: ` +
        `${join(dir, 'no-such-kubectl')} was not found; install kubectl or set bursts[].kubernetes.kubectl to its path. Nothing was started or applied.`,
    );
    expect(existsSync(runsDir)).toBe(false);
  });
});
