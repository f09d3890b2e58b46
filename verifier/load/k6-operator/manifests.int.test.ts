// The ConfigMap's files, laid out as the k6-operator mounts them (every key a file in one folder),
// are a script the real k6 loads: the rewritten imports resolve. `k6 inspect` runs the init
// context only, so nothing is sent.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../package-root.ts';
import { resolveTool } from '../../toolchain/index.ts';
import { burstVuPool } from '../k6-runner.ts';
import { scriptFiles } from './manifests.ts';

describe('the ConfigMap files of the default burst, mounted flat', () => {
  let dir: string;
  let k6Path: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-k6-operator-'));
    k6Path = await resolveTool('k6');
  }, 600_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('load in k6 with the run settings, the VU pool coming from lib__vus.ts', async () => {
    const files = scriptFiles(join(packageRoot, 'loadtests/burst.ts'), (path) => readFileSync(path, 'utf8'));
    for (const file of files) await writeFile(join(dir, file.key), file.text);
    const { stdout } = await promisify(execFile)(
      k6Path,
      [
        'inspect',
        '--execution-requirements',
        '-e',
        'RATE=300',
        '-e',
        'DURATION=7s',
        '-e',
        'BASE_URL=http://127.0.0.1:9',
        join(dir, 'burst.ts'),
      ],
      { env: { ...process.env, K6_AUTO_EXTENSION_RESOLUTION: 'false' } },
    );
    const inspected = JSON.parse(stdout) as { scenarios: Record<string, unknown> };
    const pool = burstVuPool(300);
    expect(inspected.scenarios).toMatchObject({
      burst: { executor: 'constant-arrival-rate', rate: 300, duration: '7s', preAllocatedVUs: pool.vus, maxVUs: pool.maxVus },
    });
  });
});
