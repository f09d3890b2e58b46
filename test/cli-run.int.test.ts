// `gameday run` through the real command line on a terminal: the CLI runs under `script`, which
// gives it a pseudo-terminal, against the demo stack with every port shifted by 16000. Checks the
// redrawn status block, the final table and report files, the exit code, and that the metrics
// served at --metrics-listen reached the demo Prometheus.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, demoPorts, startDemoStack } from '../examples/demo/stack.ts';
import { repoRoot } from '../verifier/toolchain/index.ts';
import { shiftedPlanHead } from './shifted-demo-plan.ts';

const offset = 16000;
/** What the status block writes before each redraw: cursor up six lines, erase to the end of the screen. */
const erase = '\x1b[6F\x1b[J';
const ports = demoPorts(offset);

const plan = `${shiftedPlanHead({ name: 'cli-run', window: '{ duration: 30s, baselineTimeout: 60s, grace: 5s }', ports })}faults:
  - name: replicas-cut
    at: 5s
    duration: 15s
    inject: { http: { url: http://127.0.0.1:${ports.admin}/admin/replicas, body: { reachable: false } } }
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

describe('gameday run on a terminal', () => {
  let dir: string;
  let stack: DemoStack;
  let result: { code: number | null; output: string };
  const runId = `cli-run-${Date.now()}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-cli-'));
    stack = await startDemoStack({ dir, offset });
    await writeFile(join(dir, 'plan.yaml'), plan);
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
    );
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
    expect(afterErase.some((text) => /^t\+\d+\.\ds injected replicas-cut: POST [^\r\n]+\r?\ngameday cli-run/.test(text))).toBe(true);
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

  it('served its metrics where --metrics-listen said, for the demo Prometheus', async () => {
    expect(result.output).toContain(`metrics: gameday's own metrics at http://127.0.0.1:${ports.gamedayMetrics}/metrics`);
    const query = `last_over_time(gameday_run_info{run_id="${runId}"}[10m])`;
    const body = (await (await fetch(`${stack.monitoring.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {
      data: { result: Array<{ metric: Record<string, string> }> };
    };
    expect(body.data.result.map((r) => r.metric.job)).toEqual(['gameday']);
  });
});
