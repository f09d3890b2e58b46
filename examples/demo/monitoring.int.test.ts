// The demo's monitoring config passes the real tools' checks and rule unit tests, and the same
// checks do fail on a deliberately broken copy (so a green run means something).

import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTool } from '../../verifier/toolchain/index.ts';

const demoDir = fileURLToPath(new URL('./', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  /** stdout and stderr together. */
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, output: `${stdout}${stderr}` });
    });
  });
}

describe('demo monitoring config', () => {
  let promtool: string;
  let amtool: string;
  let broken: string;

  beforeAll(async () => {
    [promtool, amtool] = await Promise.all([resolveTool('promtool'), resolveTool('amtool')]);
    broken = await mkdtemp(join(tmpdir(), 'gameday-demo-broken-'));
    for (const file of ['prometheus.yml', 'rules.test.yml', 'alertmanager.yml']) await copyFile(join(demoDir, file), join(broken, file));
  });

  afterAll(async () => {
    if (broken) await rm(broken, { recursive: true, force: true });
  });

  it('has valid rules', async () => {
    const result = await run(promtool, ['check', 'rules', 'rules.yml'], demoDir);
    expect(result.output).toContain('SUCCESS: 8 rules found');
    expect(result.code).toBe(0);
  });

  it('has a valid Prometheus config that loads the rules', async () => {
    const result = await run(promtool, ['check', 'config', 'prometheus.yml'], demoDir);
    expect(result.output).toContain('SUCCESS: 1 rule files found');
    expect(result.code).toBe(0);
  });

  it('has a valid Alertmanager config', async () => {
    const result = await run(amtool, ['check-config', 'alertmanager.yml'], demoDir);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('routes every alert to the gameday webhook receiver', async () => {
    const result = await run(
      amtool,
      [
        'config',
        'routes',
        'test',
        '--config.file=alertmanager.yml',
        '--verify.receivers=gameday',
        'alertname=TraceSuccessAbsent',
        'severity=page',
      ],
      demoDir,
    );
    expect(result.stdout.trim()).toBe('gameday');
    expect(result.code).toBe(0);
  });

  it('passes its rule unit tests', async () => {
    const result = await run(promtool, ['test', 'rules', 'rules.test.yml'], demoDir);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('fails the rule unit tests when an alert is changed (TraceSuccessAbsent window 10s -> 30s)', async () => {
    const rules = await readFile(join(demoDir, 'rules.yml'), 'utf8');
    const changed = rules.replace('k6_trace_success_total{role="trace"}[10s]', 'k6_trace_success_total{role="trace"}[30s]');
    expect(changed).not.toBe(rules);
    await writeFile(join(broken, 'rules.yml'), changed);
    const result = await run(promtool, ['test', 'rules', 'rules.test.yml'], broken);
    expect(result.output).toContain('FAILED');
    expect(result.output).toContain('alertname: TraceSuccessAbsent');
    expect(result.code).not.toBe(0);
  });

  it('fails the rule and config checks on a syntax error', async () => {
    await writeFile(
      join(broken, 'rules.yml'),
      (await readFile(join(demoDir, 'rules.yml'), 'utf8')).replace('expr: vector(1)', 'expr: vector(1'),
    );
    const rules = await run(promtool, ['check', 'rules', 'rules.yml'], broken);
    expect(rules.code).not.toBe(0);
    expect(rules.output).toMatch(/unclosed left parenthesis|parse error/);
    const config = await run(promtool, ['check', 'config', 'prometheus.yml'], broken);
    expect(config.code).not.toBe(0);
  });

  it('fails the Alertmanager check on a broken config', async () => {
    await writeFile(
      join(broken, 'alertmanager.yml'),
      (await readFile(join(demoDir, 'alertmanager.yml'), 'utf8')).replace('receiver: gameday', 'receiver: nobody'),
    );
    const result = await run(amtool, ['check-config', 'alertmanager.yml'], broken);
    expect(result.output).toContain('undefined receiver "nobody"');
    expect(result.code).not.toBe(0);
  });
});
