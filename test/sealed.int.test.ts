// A sealed game day through the real command line (`gameday run --sealed --seed`): its console and
// its metrics endpoint name no fault and no fault time until the window ends, while faults are in
// place on the target; then the console and the report reveal the drawn schedule and the seed.
// Stand-ins for Prometheus, Alertmanager and the target (verifier/run/testing/fakes.ts); the real k6.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished, vi } from 'vitest';
import { type FakeMonitoring, type FakeTarget, startFakeMonitoring, startFakeTarget } from '../verifier/run/testing/fakes.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { freeLoopbackPort } from '../verifier/stack/ports.ts';

let dir: string;
let monitoring: FakeMonitoring;
let target: FakeTarget;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-sealed-'));
  monitoring = await startFakeMonitoring(['FaultAlert']);
  target = await startFakeTarget();
});
afterAll(async () => {
  await monitoring.close();
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

it('sealed: nothing names a fault before the window ends; the report reveals the seed and the schedule', async () => {
  const names = ['db-primary-lost', 'cache-broken'];
  await writeFile(
    join(dir, 'plan.yaml'),
    `version: 1
name: sealed
window: { duration: 14s, baselineTimeout: 10s, grace: 1s }
target: { baseUrl: http://127.0.0.1:9 }
monitoring:
  prometheus: { url: ${monitoring.url} }
  alertmanager: { url: ${monitoring.url} }
  pollInterval: 200ms
faults:
${names
  .map(
    (name, index) => `  - name: ${name}
    at: { between: ${index * 2}s, and: ${index * 2 + 3}s }
    duration: 6s
    inject: { http: { url: ${target.url}/faults/${name}, body: { on: true } } }
    revert: { http: { url: ${target.url}/faults/${name}, body: { on: false } } }
    expect: [{ alert: FaultAlert, within: 30s }]`,
  )
  .join('\n')}
`,
  );
  const metricsPort = await freeLoopbackPort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'verifier', 'cli.ts'),
      'run',
      join(dir, 'plan.yaml'),
      '--runs-dir',
      join(dir, 'runs'),
      '--run-id',
      'sealed',
      '--sealed',
      '--seed',
      '99',
      '--no-progress',
      '--metrics-listen',
      `127.0.0.1:${metricsPort}`,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  // While both faults are in place on the target, scrape gameday's metrics and read its console.
  await vi.waitFor(() => expect(names.every((name) => target.state.get(name) === true)).toBe(true), { timeout: 60_000, interval: 100 });
  const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  expect(scrape).toContain('gameday_'); // the endpoint serves
  for (const name of names) {
    expect(scrape, 'metrics name no fault').not.toContain(name);
    expect(stderr, 'console names no fault').not.toContain(name);
  }
  expect(scrape).not.toMatch(/gameday_fault_active\{/);

  // The stand-in Prometheus fires nothing: a verdict code (missed or inconclusive), never a crash or an abort.
  expect([0, 1, 5]).toContain(await exited);
  const [sealedPart, revealedPart = ''] = stderr.split('the window is over: unsealing the schedule (seed 99)');
  for (const name of names) {
    expect(sealedPart).not.toContain(name);
    expect(revealedPart).toContain(`injected ${name}`);
  }
  expect(stdout).toContain('db-primary-lost');
  const journal = (await readFile(join(dir, 'runs', 'sealed', 'journal.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string });
  expect(journal.find((event) => event.kind === 'schedule.drawn')).toMatchObject({
    seed: 99,
    sealed: true,
    faults: [{ fault: 'db-primary-lost' }, { fault: 'cache-broken' }],
  });
}, 120_000);
