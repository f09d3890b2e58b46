// `gameday init`'s bad input, refused before anything is asked of the network (the live reading is
// tested against the real demo stack in test/init.int.test.ts).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gamedayInProcess } from './testing/in-process.ts';

// Nothing listens here: a test that got as far as the network would fail with "unreachable".
const urls = ['--prometheus', 'http://127.0.0.1:9', '--alertmanager', 'http://127.0.0.1:9', '--target', 'http://127.0.0.1:9'];

describe('gameday init refuses bad input with exit 2', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gameday-init-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    { args: ['--prometheus', 'http://127.0.0.1:9'], says: '--alertmanager URL, --target URL are needed' },
    { args: [...urls.slice(0, 4), '--target', 'checkout.example.com'], says: '--target checkout.example.com is not an http(s) URL' },
    { args: [...urls, '--basic-auth-env', 'ONLY_ONE'], says: 'expected USER_VARIABLE:PASSWORD_VARIABLE' },
    { args: [...urls, '--bearer-token-env', 'T', '--basic-auth-env', 'U:P'], says: 'not both' },
    { args: [...urls, '--header', 'no-colon'], says: "--header no-colon: expected 'Name: value'" },
    { args: [...urls, '--bearer-token-env', 'PROM_TOKEN'], says: 'PROM_TOKEN not set' },
  ])('$says', async ({ args, says }) => {
    const result = await gamedayInProcess(['init', ...args, '--out', join(dir, 'plan.yaml')]);
    expect(result.stderr).toContain(says);
    expect(result.code).toBe(2);
  });

  it('keeps an existing plan unless --force', async () => {
    const out = join(dir, 'existing.yaml');
    await writeFile(out, 'mine\n');
    const result = await gamedayInProcess(['init', ...urls, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${out} exists; pass --force`);
  });
});
