// Exec injectors run an argument list without a shell unless the plan asks for one: characters a
// shell would act on reach the program as they are written. One that overruns its timeout, or is
// stopped, is killed with everything it started, so no part of it lands the fault later.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ExecInjector, HttpInjector } from '../plan/types.ts';
import { InjectorError } from '../errors.ts';
import { runInjector } from './injectors.ts';

let dir: string;
/** Processes a test's injector started in the background: none may outlive the test, pass or fail. */
const leftovers: number[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-injectors-'));
});
afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** A node one-liner that writes its arguments, as it received them, to args.json. */
const writeArgs = ['-e', "require('node:fs').writeFileSync('args.json', JSON.stringify(process.argv.slice(1)))"];

function exec(command: string[], shell = false, timeoutSeconds = 10): ExecInjector {
  return { kind: 'exec', command, shell, env: {}, timeoutSeconds };
}

/** The pid a shell line wrote to `file` in the test's folder, once it is there. */
async function pidIn(file: string): Promise<number> {
  const pid = await vi.waitFor(async () => Number(await readFile(join(dir, file), 'utf8')));
  leftovers.push(pid);
  return pid;
}

/**
 * Whether a process still runs. A killed one that is not reaped yet counts as gone: an orphan stays
 * a zombie until PID 1 reaps it, and in some containers PID 1 never does.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
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

describe('exec injector that overruns or is stopped', () => {
  /** Starts a grandchild that outlives its shell unless the whole process group is killed. */
  const backgrounded = 'sleep 30 & echo $! > grandchild.pid; wait';

  test('a timeout kills what the injector started in the background too, not just its shell', async () => {
    const error = await runInjector(exec([backgrounded], true, 1), { cwd: dir, env: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InjectorError);
    expect((error as Error).message).toMatch(/^sh -c ".*" did not finish within 1s and was killed/);
    const grandchild = await pidIn('grandchild.pid');
    await vi.waitFor(() => expect(isRunning(grandchild), `sleep (pid ${grandchild}) still runs`).toBe(false));
  });

  test('an abort kills it with everything it started', async () => {
    const controller = new AbortController();
    const injection = runInjector(exec([backgrounded], true), { cwd: dir, env: {}, signal: controller.signal });
    const grandchild = await pidIn('grandchild.pid');
    controller.abort(new Error('SIGINT received'));
    await expect(injection).rejects.toThrow(/was stopped \(SIGINT received\) and was killed, with everything it started/);
    await vi.waitFor(() => expect(isRunning(grandchild), `sleep (pid ${grandchild}) still runs`).toBe(false));
  });

  test('a shell that exits but leaves a process holding its output has not finished; the timeout kills that process', async () => {
    const error = await runInjector(exec(['sleep 30 & echo $! > grandchild.pid; exit 0'], true, 1), { cwd: dir, env: {} }).catch(
      (thrown: unknown) => thrown,
    );
    expect((error as Error).message).toMatch(/exited \(exit 0\) but left processes holding its output; .* redirect its output/);
    const grandchild = await pidIn('grandchild.pid');
    await vi.waitFor(() => expect(isRunning(grandchild), `sleep (pid ${grandchild}) still runs`).toBe(false));
  });

  test('leaves a process running that the injector started with its output redirected: it may be the fault itself', async () => {
    await expect(runInjector(exec(['sleep 30 >/dev/null 2>&1 & echo $! > daemon.pid'], true, 5), { cwd: dir, env: {} })).resolves.toMatch(
      /→ exit 0/,
    );
    expect(isRunning(await pidIn('daemon.pid'))).toBe(true);
  });
});

describe('http injector', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      if (request.url === '/silent') return;
      if (request.url === '/broken') return response.writeHead(500).end('no such instance\n');
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"killed":"api-2"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (url: string, timeoutSeconds = 5): HttpInjector => ({
    kind: 'http',
    method: 'POST',
    url,
    headers: {},
    body: { instance: 'api-2' },
    timeoutSeconds,
  });

  test('describes the answer', async () => {
    await expect(runInjector(post(`${base}/kill`), { cwd: dir, env: {} })).resolves.toBe(`POST ${base}/kill → 200 {"killed":"api-2"}`);
  });

  test('fails on an HTTP error status, with the answer', async () => {
    await expect(runInjector(post(`${base}/broken`), { cwd: dir, env: {} })).rejects.toThrow(
      `POST ${base}/broken answered HTTP 500: no such instance`,
    );
  });

  test('fails when nothing answers within its timeout, and says so', async () => {
    await expect(runInjector(post(`${base}/silent`, 0.2), { cwd: dir, env: {} })).rejects.toThrow(
      `POST ${base}/silent failed: no answer within 0.2s`,
    );
  });

  test('fails when the connection is refused, and says so', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(runInjector(post(`http://127.0.0.1:${port}/kill`), { cwd: dir, env: {} })).rejects.toThrow(
      `POST http://127.0.0.1:${port}/kill failed: connection refused (ECONNREFUSED)`,
    );
  });
});
