// The toxiproxy injector against the real toxiproxy-server built from source (v2.12.0): the run's
// session starts it and creates the plan's proxy; a latency toxic is visible through Toxiproxy's
// API while in place and gone after its derived revert; a second revert is a no-op; the end of the
// session deletes the proxy and stops the server; an unreachable Toxiproxy is a clear failure.
// Then `gameday run` as a child process (the real CLI and k6, stand-ins for monitoring and target):
// a Ctrl-C during a toxic fault leaves no toxic and no proxy gameday created; after `kill -9`,
// `gameday revert` deletes the toxic, the proxy and stops the managed server, and a second is a no-op.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, onTestFinished, test, vi } from 'vitest';
import { gamedayInProcess } from '../verifier/commands/testing/in-process.ts';
import { gamedayRun, isRunning, journalSoFar } from '../verifier/commands/testing/gameday-child.ts';
import { PreflightError } from '../verifier/errors.ts';
import { checkInjector, runInjector } from '../verifier/faults/injectors.ts';
import { toxiproxyClient } from '../verifier/faults/toxiproxy-client.ts';
import type { ToxiproxyInjector, ToxiproxySpec } from '../verifier/plan/types.ts';
import { ToxiproxySession } from '../verifier/run/toxiproxy-session.ts';
import { startFakeMonitoring, startFakeTarget } from '../verifier/run/testing/fakes.ts';
import { startProcess } from '../verifier/stack/process.ts';
import { resolveTool } from '../verifier/toolchain/index.ts';

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

/** A plan whose one fault puts 800 ms of latency on proxy deps for a minute, from the window's start. */
async function runPlan(dir: string, toxiproxy: string, monitoringUrl: string, targetUrl: string): Promise<string> {
  const file = join(dir, 'plan.yaml');
  await writeFile(
    file,
    `version: 1
name: toxiproxy-exits
window: { duration: 90s, baselineTimeout: 10s, grace: 1s }
target: { baseUrl: ${targetUrl} }
monitoring:
  prometheus: { url: ${monitoringUrl} }
  alertmanager: { url: ${monitoringUrl} }
  pollInterval: 200ms
${toxiproxy}
faults:
  - name: deps-slow
    at: 0s
    duration: 60s
    inject: { toxiproxy: { proxy: deps, toxic: { type: latency, attributes: { latency: 800 } } } }
    expect: [{ alert: FaultAlert, within: 30s }]
`,
  );
  return file;
}

describe('gameday run with Toxiproxy: every exit path removes what it added', () => {
  test('Ctrl-C during a toxic fault: no toxic left on the proxy, the proxy gameday created deleted, the one already there kept', async () => {
    const [monitoring, target] = [await startFakeMonitoring(['FaultAlert']), await startFakeTarget()];
    const external = 'http://127.0.0.1:28480';
    const dir = await mkdtemp(join(tmpdir(), 'gameday-toxiproxy-sigint-'));
    const server = await startProcess({
      name: 'toxiproxy-server',
      command: await resolveTool('toxiproxy-server'),
      args: ['-host', '127.0.0.1', '-port', '28480'],
      logFile: join(dir, 'toxiproxy-server.log'),
      readyUrl: `${external}/version`,
    });
    onTestFinished(async () => {
      await server.stop();
      await monitoring.close();
      await target.close();
    });
    const client = toxiproxyClient(external);
    await client.createProxy({ name: 'deps', listen: '127.0.0.1:28481', upstream: '127.0.0.1:28482' });
    const plan = await runPlan(
      dir,
      `toxiproxy:
  url: ${external}
  proxies:
    - { name: deps, listen: 127.0.0.1:28481, upstream: 127.0.0.1:28482 }
    - { name: extra, listen: 127.0.0.1:28483, upstream: 127.0.0.1:28482 }`,
      monitoring.url,
      target.url,
    );
    const run = gamedayRun(plan, join(dir, 'runs'), { group: true });
    const runDir = join(dir, 'runs', 'run');
    await vi.waitFor(async () => expect((await journalSoFar(runDir)).some((e) => e.kind === 'fault.injected')).toBe(true), {
      timeout: 60_000,
      interval: 100,
    });
    expect((await client.toxics('deps')).map((toxic) => toxic.name)).toEqual(['gameday-deps-slow']);
    expect(Object.keys(await client.proxies()).sort()).toEqual(['deps', 'extra']);

    // As a terminal's Ctrl-C: SIGINT to gameday's whole process group.
    process.kill(-(run.process.pid ?? 0), 'SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(3);
    expect(await client.toxics('deps')).toEqual([]);
    expect(Object.keys(await client.proxies())).toEqual(['deps']);
    const events = await journalSoFar(runDir);
    expect(events.find((e) => e.kind === 'fault.reverted')).toMatchObject({ fault: 'deps-slow', reason: 'aborted' });
    expect(events.filter((e) => e.kind.startsWith('toxiproxy.')).map((e) => [e.kind, 'name' in e ? e.name : ''])).toEqual([
      ['toxiproxy.proxy-created', 'extra'],
      ['toxiproxy.proxy-deleted', 'extra'],
    ]);
  }, 120_000);

  test('kill -9 during a toxic fault: gameday revert deletes the toxic, its proxy and stops the managed toxiproxy-server; a second revert is a no-op', async () => {
    const [monitoring, target] = [await startFakeMonitoring(['FaultAlert']), await startFakeTarget()];
    onTestFinished(async () => {
      await monitoring.close();
      await target.close();
    });
    const managed = 'http://127.0.0.1:28484';
    const dir = await mkdtemp(join(tmpdir(), 'gameday-toxiproxy-kill-'));
    const plan = await runPlan(
      dir,
      `toxiproxy:
  url: ${managed}
  managed: true
  proxies:
    - { name: deps, listen: 127.0.0.1:28485, upstream: 127.0.0.1:28486 }`,
      monitoring.url,
      target.url,
    );
    const run = gamedayRun(plan, join(dir, 'runs'));
    const runDir = join(dir, 'runs', 'run');
    await vi.waitFor(async () => expect((await journalSoFar(runDir)).some((e) => e.kind === 'fault.injected')).toBe(true), {
      timeout: 60_000,
      interval: 100,
    });
    const started = (await journalSoFar(runDir)).find((e) => e.kind === 'toxiproxy.started');
    if (started?.kind !== 'toxiproxy.started') throw new Error('no toxiproxy.started in the journal');
    onTestFinished(() => {
      if (isRunning(started.pid)) process.kill(started.pid, 'SIGKILL');
    });
    const client = toxiproxyClient(managed);
    expect((await client.toxics('deps')).map((toxic) => toxic.name)).toEqual(['gameday-deps-slow']);

    run.process.kill('SIGKILL');
    await run.exited;
    expect(isRunning(started.pid), 'the managed toxiproxy-server outlives a kill -9 of gameday').toBe(true);
    expect((await client.toxics('deps')).map((toxic) => toxic.name)).toEqual(['gameday-deps-slow']);

    // The trace's k6 may have ended with gameday (its output went to gameday's pipe): not this test's subject.
    const revert = await gamedayInProcess(['revert', runDir]);
    expect(revert.code, revert.stderr).toBe(0);
    expect(revert.stdout).toMatch(
      new RegExp(`^reverted: deps-slow(; stopped k6: trace)?; Toxiproxy: proxy deps, toxiproxy-server \\(pid ${started.pid}\\) gone\n$`),
    );
    const events = await journalSoFar(runDir);
    // Toxiproxy answered the DELETE of the toxic (it says "already gone" on a 404), then the proxy's.
    expect(events.find((e) => e.kind === 'fault.reverted')).toMatchObject({
      reason: 'recovery',
      detail: 'deleted toxic gameday-deps-slow of proxy deps',
    });
    expect(events.find((e) => e.kind === 'toxiproxy.proxy-deleted')).toMatchObject({ name: 'deps', detail: 'deleted by `gameday revert`' });
    expect(isRunning(started.pid)).toBe(false);
    await expect(client.version()).rejects.toThrow(/unreachable/);

    const again = await gamedayInProcess(['revert', runDir]);
    expect(again).toMatchObject({ code: 0, stdout: 'nothing to revert\n' });
  }, 120_000);
});
