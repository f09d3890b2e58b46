// Exec injectors run an argument list without a shell unless the plan asks for one: characters a
// shell would act on reach the program as they are written.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ExecInjector } from '../plan/types.ts';
import { InjectorError, runInjector } from './injectors.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-injectors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A node one-liner that writes its arguments, as it received them, to args.json. */
const writeArgs = ['-e', "require('node:fs').writeFileSync('args.json', JSON.stringify(process.argv.slice(1)))"];

function exec(command: string[], shell = false): ExecInjector {
  return { kind: 'exec', command, shell, env: {}, timeoutSeconds: 10 };
}

describe('exec injector', () => {
  const hostile = [
    'a; touch injected-semicolon',
    '$(touch injected-subst)',
    '`touch injected-backtick`',
    '&& touch injected-and',
    '| touch injected-pipe',
    '*',
    '$HOME',
    "'quoted'",
  ];

  test('passes shell syntax in arguments literally, without a shell', async () => {
    await runInjector(exec([process.execPath, ...writeArgs, ...hostile]), { cwd: dir, env: {} });
    const args = JSON.parse(await readFile(join(dir, 'args.json'), 'utf8')) as string[];
    expect(args).toEqual(hostile);
    expect((await readdir(dir)).sort(), 'no command hidden in an argument ran').toEqual(['args.json']);
  });

  test('does not look up a program name that is really a shell line', async () => {
    const error = await runInjector(exec(['touch injected; true']), { cwd: dir, env: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InjectorError);
    expect((error as Error).message).toMatch(/could not start.*no program "touch injected; true"/);
    expect(await readdir(dir)).toEqual([]);
  });

  test('runs a shell line only when the plan says shell: true', async () => {
    await runInjector(exec(['touch made-by-shell; echo done'], true), { cwd: dir, env: {} });
    expect(await readdir(dir)).toEqual(['made-by-shell']);
  });
});
