// `gameday run` through the real command line on a terminal: the CLI runs under `script`, which
// gives it a pseudo-terminal, against the demo stack with every port shifted by 16000. Checks the
// redrawn status block, the final table and report files, the exit code, and that the metrics
// served at --metrics-listen reached the demo Prometheus. Its fault is a manual one: the test is
// the facilitator who cuts the replicas by hand and says so with `gameday mark` from a second
// process, then the on-call who silences the page in the real Alertmanager (the team's clock).

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import type { ReportJson } from '../verifier/report/report-json.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { waitForEvent } from './journal-watch.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 16000;
/** What the status block writes before each redraw: cursor up six lines, erase to the end of the screen. */
const erase = '\x1b[6F\x1b[J';
const ports = demoPorts(offset);

const plan = `${shiftedPlanHead({ name: 'cli-run', window: '{ duration: 30s, baselineTimeout: 60s, grace: 5s }', ports })}faults:
  - name: replicas-cut
    at: 5s
    duration: 15s
    inject: { manual: { instructions: 'cut the replicas: POST /admin/replicas {"reachable": false}' } }
    revert: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: true } } }
    expect:
      - { alert: ReplicasDown, within: 10s }
`;

/** Runs a command on a pseudo-terminal (util-linux `script`); stdout and stderr arrive as one stream. */
function onTerminal(command: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const quoted = command.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', quoted, '/dev/null'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Runs a command to its end without a terminal. */
function run(command: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** What the facilitator and the on-call did, by their own clocks. */
interface Actions {
  cutAt: string;
  mark: { code: number | null; output: string };
  silenceBefore: number;
  silenceAfter: number;
  silenceId: string;
}

/**
 * The people of the game day: when gameday awaits the manual step, cut the replicas and mark it
 * from a second process with the moment of the cut; once the page arrived, silence it.
 */
async function facilitate(runDir: string, signal: AbortSignal): Promise<Actions> {
  const journal = join(runDir, 'journal.jsonl');
  await waitForEvent(journal, (event) => event.kind === 'fault.awaiting-mark' && event.fault === 'replicas-cut', {
    timeoutMs: 120_000,
    signal,
  });
  const cutAt = new Date().toISOString();
  const cut = await fetch(`http://127.0.0.1:${ports.admin}/admin/replicas`, { method: 'POST', body: JSON.stringify({ reachable: false }) });
  expect(cut.ok).toBe(true);
  const mark = await run([
    join(repoRoot, 'node_modules', '.bin', 'tsx'),
    join(repoRoot, 'verifier', 'cli.ts'),
    'mark',
    runDir,
    'replicas-cut',
    'injected',
    '--at',
    cutAt,
    '--note',
    'cut by the test',
  ]);
  await waitForEvent(
    journal,
    (event) => event.kind === 'webhook.received' && event.alerts.some((a) => a.labels.alertname === 'ReplicasDown'),
    {
      timeoutMs: 30_000,
      signal,
    },
  );
  const silenceBefore = Date.now();
  const response = await fetch(`http://127.0.0.1:${ports.alertmanager}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [{ name: 'alertname', value: 'ReplicasDown', isRegex: false, isEqual: true }],
      startsAt: new Date(silenceBefore).toISOString(),
      endsAt: new Date(silenceBefore + 600_000).toISOString(),
      createdBy: 'on-call',
      comment: 'looking into the replicas',
    }),
  });
  const silenceAfter = Date.now();
  expect(response.status).toBe(200);
  const { silenceID } = (await response.json()) as { silenceID: string };
  return { cutAt, mark, silenceBefore, silenceAfter, silenceId: silenceID };
}

describe('gameday run on a terminal', () => {
  let dir: string;
  let stack: DemoStack;
  let result: { code: number | null; output: string };
  let actions: Actions;
  const runId = `cli-run-${Date.now()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-cli-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan);
    const ended = new AbortController();
    const people = facilitate(join(dir, 'runs', runId), ended.signal);
    result = await onTerminal(
      [
        join(repoRoot, 'node_modules', '.bin', 'tsx'),
        join(repoRoot, 'verifier', 'cli.ts'),
        'run',
        join(dir, 'plan.yaml'),
        '--runs-dir',
        join(dir, 'runs'),
        '--run-id',
        runId,
        '--metrics-listen',
        `127.0.0.1:${ports.gamedayMetrics}`,
      ],
      repoRoot,
    ).finally(() => ended.abort());
    actions = await people;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('redraws a status block in place, with the log lines above it', () => {
    // Each redraw moves the cursor up over the six-line block and erases to the end of the screen.
    const redraws = result.output.split(erase).length - 1;
    expect(redraws).toBeGreaterThan(20);
    expect(result.output).toMatch(/gameday cli-run · run cli-run-\d+\r?\nphase {4}window t\+\d+s of 30s/);
    expect(result.output).toMatch(/\r?\ntrace {4}\d\.\d req\/s, [\d.]+ % ok\r?\n/);
    expect(result.output).toMatch(/\r?\nfaults {3}replicas-cut \(\d+s\)\r?\n/);
    expect(result.output).toMatch(/\r?\nalerts {3}firing ReplicasDown · pending — · watchdog ok/);
    // A log line is written after an erase, then the block again.
    const afterErase = result.output.split(erase).slice(1);
    expect(
      afterErase.some((text) => /^t\+\d+\.\ds injected replicas-cut: by hand: cut the replicas[^\r\n]+\r?\ngameday cli-run/.test(text)),
    ).toBe(true);
    expect(result.output).toContain('MANUAL FAULT, do it now: cut the replicas: POST /admin/replicas {"reachable": false}');
    // Not the plain lines meant for CI logs.
    expect(result.output).not.toContain('progress: ');
  });

  it('ends with the table, the report files and the exit code', async () => {
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/replicas-cut +ReplicasDown +10 s +[\d.]+ s +[\d.]+ s +[\d.]+ s +detected/);
    const runDir = join(dir, 'runs', runId);
    expect(result.output).toContain(
      `reports: ${['report.json', 'report.md', 'report.html', 'junit.xml'].map((f) => join(runDir, f)).join(', ')}`,
    );
    expect((await readdir(runDir)).sort()).toEqual(
      expect.arrayContaining(['journal.jsonl', 'junit.xml', 'report.html', 'report.json', 'report.md']),
    );
  });

  it("a manual fault marked from a second process: the mark's time is the injection, its alert detected from it", async () => {
    expect(actions.mark.code, actions.mark.output).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'runs', runId, 'report.json'), 'utf8')) as ReportJson;
    const fault = report.faults[0];
    expect(fault?.injection).toBe('injected');
    expect(fault?.injectedAt).toBe(actions.cutAt);
    expect(fault?.expectations[0]?.verdict).toBe('detected');
    expect(fault?.clock?.detect).toMatchObject({ source: 'alert', afterInjectionSeconds: fault?.expectations[0]?.firingAfterSeconds });
  });

  it("a silence created in Alertmanager during the fault is the team's time to acknowledge", async () => {
    const report = JSON.parse(await readFile(join(dir, 'runs', runId, 'report.json'), 'utf8')) as ReportJson;
    const clock = report.faults[0]?.clock;
    expect(clock?.acknowledge?.source).toBe('silence');
    expect(clock?.acknowledge?.detail).toBe(`silence ${actions.silenceId} by on-call: "looking into the replicas"`);
    // Alertmanager starts a new silence when it is created: within the request's round trip.
    const acknowledgedAt = Date.parse(clock?.acknowledge?.at ?? '');
    expect(acknowledgedAt).toBeGreaterThanOrEqual(actions.silenceBefore - 1);
    expect(acknowledgedAt).toBeLessThanOrEqual(actions.silenceAfter + 1);
    expect(clock?.acknowledge?.afterInjectionSeconds).toBeCloseTo((acknowledgedAt - Date.parse(actions.cutAt)) / 1000, 3);
    expect(clock?.restore).toMatchObject({ source: 'revert' });
  });

  it('served its metrics where --metrics-listen said, for the demo Prometheus', async () => {
    expect(result.output).toContain(`metrics: gameday's own metrics at http://127.0.0.1:${ports.gamedayMetrics}/metrics`);
    const query = `last_over_time(gameday_run_info{run_id="${runId}"}[10m])`;
    const body = (await (await fetch(`${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {
      data: { result: Array<{ metric: Record<string, string> }> };
    };
    expect(body.data.result.map((r) => r.metric.job)).toEqual(['gameday']);
  });
});
