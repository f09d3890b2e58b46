// gameday as a team installs it: `npm pack` of this repository, the tarball installed into an
// empty project with `npm install --omit=dev` (no TypeScript loader, no dev dependencies), then
// `npx gameday` from that project: --version, --help, `check` and a short `run` of a plan whose
// trace script lives in the project and imports the trace contract from the installed package.
// The monitoring is the real demo stack on shifted ports.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { AlertmanagerClient } from '../verifier/observe/alertmanager.ts';
import { packageVersion } from '../verifier/package-root.ts';
import type { ReportJson } from '../verifier/report/index.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const exec = promisify(execFile);
const offset = 22000;
const ports = demoPorts(offset);

/** The team's own trace: one GET per iteration, and the two calls of the trace contract. */
const teamTrace = `import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { beginIteration, endIteration } from '../node_modules/gameday/traces/lib/contract.ts';

export const options: Options = {
  scenarios: {
    trace: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE ?? 1), timeUnit: '1s', duration: __ENV.DURATION ?? '1m', preAllocatedVUs: 2, maxVUs: 2 },
  },
};

export default function (): void {
  beginIteration();
  const res = http.get(\`\${__ENV.BASE_URL}/healthz\`, { timeout: '2s' });
  endIteration(check(res, { 'status is 200': (r) => r.status === 200 }));
}
`;

const plan = `${shiftedPlanHead({ name: 'team-checkout', window: '{ duration: 25s, baselineTimeout: 60s, grace: 5s }', ports }).replace(
  'trace: { rate: 1 }',
  'trace: { rate: 1, script: traces/checkout.ts }',
)}faults:
  - name: replicas-cut
    at: 5s
    duration: 12s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx gameday …` in the team's project, as a person would type it. */
function npxGameday(project: string, args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'gameday', ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the packed package, installed into a team project', () => {
  let dir: string;
  let project: string;
  let stack: DemoStack | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-packed-'));
    // prepack compiles dist/ first; the tarball holds what `files` lists.
    const packed = await exec('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball: ${packed.stdout}`);
    project = join(dir, 'team');
    await mkdir(join(project, 'traces'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'team-checkout', private: true, type: 'module' }));
    await exec('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(dir, tarball.filename)], { cwd: project });
    await writeFile(join(project, 'traces', 'checkout.ts'), teamTrace);
    await writeFile(join(project, 'plan.yaml'), plan);
    stack = await startDemoStack({ dir: join(dir, 'stack'), offset });
    // Right after Prometheus starts, alerts fired before it found Alertmanager arrive a resend
    // later: wait until the watchdog is through, as a team would before their game day.
    const alertmanager = new AlertmanagerClient({ baseUrl: stack.monitoring.alertmanager.url });
    await vi.waitFor(async () => expect((await alertmanager.alerts()).some((alert) => alert.labels.alertname === 'Watchdog')).toBe(true), {
      timeout: 150_000,
      interval: 1000,
    });
  }, 480_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs without TypeScript tooling: compiled JavaScript, no dev dependencies', async () => {
    const installed = join(project, 'node_modules');
    const names = await readdir(installed);
    for (const dev of ['tsx', 'typescript', 'vitest', 'eslint']) expect(names, `${dev} must not be installed`).not.toContain(dev);
    const shipped = await readdir(join(installed, 'gameday'));
    expect(shipped).toEqual(expect.arrayContaining(['bin', 'dist', 'traces', 'loadtests', 'docs', 'package.json']));
    // No TypeScript sources of the Node side: bin/gameday.mjs runs dist/ (verifier/ holds only the k6 build module and the plan schema).
    expect(existsSync(join(installed, 'gameday', 'verifier', 'cli.ts'))).toBe(false);
    expect(await readdir(join(installed, 'gameday', 'dist', 'verifier'))).toContain('cli.js');
  });

  it('answers --version and --help', async () => {
    const version = await npxGameday(project, ['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `gameday ${packageVersion}\n` });
    const help = await npxGameday(project, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('gameday check <plan.yaml>');
    expect(help.stderr).toBe('');
  });

  it('checks the team plan against the running stack', async () => {
    const check = await npxGameday(project, ['check', 'plan.yaml']);
    expect(check.stderr).toBe('');
    expect(check.stdout).toMatch(/ok +plan +team-checkout/);
    expect(check.stdout).toMatch(/ok +injector +replicas-cut inject/);
    expect(check.code, check.stdout).toBe(0);
  });

  it("runs the team's game day with the team's trace script, and writes the report in the team's folder", async () => {
    const run = await npxGameday(project, ['run', 'plan.yaml', '--run-id', 'packed', '--no-progress', '--no-metrics']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`trace: k6 pid`);
    const report = JSON.parse(await readFile(join(project, 'runs', 'packed', 'report.json'), 'utf8')) as ReportJson;
    expect(report.run.gamedayVersion).toBe(packageVersion);
    expect(report.faults[0]?.expectations[0]).toMatchObject({ alert: 'ReplicasDown', verdict: 'detected' });
    // The trace ran from the team's script: its requests reached the report.
    expect(report.trace.totalRequests).toBeGreaterThan(15);
    const markdown = await readFile(join(project, 'runs', 'packed', 'report.md'), 'utf8');
    // The docs the report explains itself with ship in the package, linked relative to the run folder.
    expect(markdown).toContain('](../../node_modules/gameday/docs/detection-time.md#');
  });
});
