// The toxiproxy injector against the real toxiproxy-server built from source (v2.12.0): the run's
// session starts it and creates the plan's proxy; a latency toxic is visible through Toxiproxy's
// API while in place and gone after its derived revert; a second revert is a no-op; the end of the
// session deletes the proxy and stops the server; an unreachable Toxiproxy is a clear failure.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PreflightError } from '../verifier/errors.ts';
import { checkInjector, runInjector } from '../verifier/faults/injectors.ts';
import { toxiproxyClient } from '../verifier/faults/toxiproxy-client.ts';
import type { ToxiproxyInjector, ToxiproxySpec } from '../verifier/plan/types.ts';
import { ToxiproxySession } from '../verifier/run/toxiproxy-session.ts';

const URL_ = 'http://127.0.0.1:28474';
const spec: ToxiproxySpec = {
  url: URL_,
  managed: true,
  proxies: [{ name: 'deps', listen: '127.0.0.1:28475', upstream: '127.0.0.1:28476' }],
};
const inject: ToxiproxyInjector = {
  kind: 'toxiproxy',
  url: URL_,
  proxy: 'deps',
  toxic: { name: 'gameday-deps-slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 800 } },
};
const revert: ToxiproxyInjector = { kind: 'toxiproxy', url: URL_, proxy: 'deps', removeToxic: 'gameday-deps-slow' };
const context = { cwd: tmpdir(), env: {} };
const lines: string[] = [];
let session: ToxiproxySession | undefined;

afterAll(async () => {
  await session?.tearDown();
});

describe('toxiproxy injector with the real toxiproxy-server', () => {
  test('toxic in place during the fault, gone after the derived revert; a second revert is a no-op; proxy and server gone at the end', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'gameday-toxiproxy-'));
    session = new ToxiproxySession({ spec, runDir, log: (line) => lines.push(line) });
    await session.setUp();
    const client = toxiproxyClient(URL_);
    expect(Object.keys(await client.proxies())).toEqual(['deps']);

    const check = await checkInjector(inject, {
      field: 'faults[].inject',
      planDir: tmpdir(),
      env: process.env,
      fs: await import('node:fs/promises'),
    });
    expect(check.status).toBe('ok');
    expect(check.detail).toMatch(/0 toxics now/);

    expect(await runInjector(inject, context)).toMatch(/added a latency toxic gameday-deps-slow/);
    expect((await client.toxics('deps')).map((toxic) => [toxic.name, toxic.type, toxic.attributes.latency])).toEqual([
      ['gameday-deps-slow', 'latency', 800],
    ]);
    expect(await runInjector(revert, context)).toMatch(/deleted toxic gameday-deps-slow/);
    expect(await client.toxics('deps')).toEqual([]);
    expect(await runInjector(revert, context)).toMatch(/already gone/);

    await session.tearDown();
    session = undefined;
    await expect(client.version()).rejects.toThrow(/unreachable/);
    expect(lines.join('\n')).toMatch(/proxy deps deleted[\s\S]*toxiproxy-server stopped/);
  }, 60_000);

  test('an unreachable Toxiproxy fails check and preflight, and nothing is injected', async () => {
    const away = 'http://127.0.0.1:28479';
    const unmanaged = new ToxiproxySession({ spec: { ...spec, url: away, managed: false }, runDir: tmpdir(), log: () => {} });
    await expect(unmanaged.setUp()).rejects.toThrow(PreflightError);
    await expect(unmanaged.setUp()).rejects.toThrow(/Toxiproxy at http:\/\/127.0.0.1:28479 is unreachable/);
    const check = await checkInjector(
      { ...inject, url: away },
      { field: 'faults[].inject', planDir: tmpdir(), env: process.env, fs: await import('node:fs/promises') },
    );
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringMatching(/unreachable/) });
  });
});
