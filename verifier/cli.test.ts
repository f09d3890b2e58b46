import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gamedayInProcess } from './commands/testing/in-process.ts';

const cli = (...argv: string[]) => gamedayInProcess(argv);

describe('gameday command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an unknown flag is a usage error: exit 2, one line naming it, the usage, no stack trace', async () => {
    const { code, stderr } = await cli('run', '--bogus', 'plan.yaml');
    expect(code).toBe(2);
    const [first, second] = stderr.split('\n');
    expect(first).toBe('gameday: gameday run: unknown flag --bogus');
    expect(second).toMatch(/^usage: gameday run <plan.yaml> /);
    expect(stderr).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('a flag without its value, a value for a switch, and a short flag gameday does not know', async () => {
    expect((await cli('run', 'plan.yaml', '--runs-dir')).stderr).toContain('gameday run: --runs-dir needs a value');
    expect((await cli('run', 'plan.yaml', '--no-metrics=yes')).stderr).toContain('gameday run: --no-metrics takes no value');
    const short = await cli('compare', 'a', 'b', '-x');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('gameday compare: unknown flag -x');
  });

  it('the wrong number of arguments names what was expected and what came', async () => {
    const none = await cli('run');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('gameday run takes 1 plan file, got 0');
    const two = await cli('report', 'runs/a', 'runs/b');
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('gameday report takes 1 run folder, got 2: runs/a runs/b');
    expect((await cli('compare', 'runs/a')).stderr).toContain('gameday compare takes 2 or more run folders of one plan, got 1');
  });

  it('an unknown command lists the commands', async () => {
    const { code, stderr } = await cli('rn', 'plan.yaml');
    expect(code).toBe(2);
    expect(stderr).toContain('gameday: unknown command "rn"');
    for (const name of ['run', 'check', 'report', 'compare', 'revert', 'reconcile']) expect(stderr).toContain(`gameday ${name} `);
  });

  it('--help is exit 0; no arguments at all is exit 2 with the usage', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('exit codes: 0 every alert fired in time');
    expect((await cli()).code).toBe(2);
    const commandHelp = await cli('check', '--help');
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toMatch(/^usage: gameday check <plan.yaml>/);
  });

  it('a plan with problems lists each with its place, exit 2', async () => {
    const file = join(dir, 'plan.yaml');
    await writeFile(file, 'name: x\nwindow: {}\nbogus: 1\n');
    const { code, stderr } = await cli('check', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^gameday: the plan has \d+ problem\(s\):\n/);
    expect(stderr).toContain(`${file}:3:1 bogus:`);
  });

  it('a run folder without a journal is bad input, in words', async () => {
    const { code, stderr } = await cli('report', join(dir, 'missing-run'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^gameday: cannot read the journal .*missing-run\/journal.jsonl/);
    expect(stderr).not.toContain('unexpected error');
  });
});
