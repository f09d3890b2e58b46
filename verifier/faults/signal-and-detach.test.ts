// The signal injector against real processes (by pid file or pid, never by name), and a detached
// exec whose process outlives the injector: a revert that restarts a service.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { InjectorError } from '../errors.ts';
import type { ExecInjector, SignalInjector } from '../plan/types.ts';
import { checkInjector, runInjector } from './injectors.ts';
import { freeLoopbackPort } from '../stack/ports.ts';

let dir: string;
const leftovers: number[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gameday-signal-'));
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

const context = () => ({ cwd: dir, env: {}, logDir: join(dir, 'logs'), label: 'test-inject' });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** A real process to signal: `sleep 60`, reaped by this test process when it dies. */
function sleeper(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('sleep did not start');
  leftovers.push(child.pid);
  return child.pid;
}

function signal(fields: Partial<SignalInjector>): SignalInjector {
  return { kind: 'signal', signal: 'SIGKILL', timeoutSeconds: 5, ...fields };
}

describe('signal injector', () => {
  test('SIGKILL to the pid in a pid file: returns once the process is gone', async () => {
    const pid = sleeper();
    await writeFile(join(dir, 'api.pid'), `${pid}\n`);
    const detail = await runInjector(signal({ pidFile: join(dir, 'api.pid') }), context());
    expect(detail).toBe(`SIGKILL sent to pid ${pid} (from ${join(dir, 'api.pid')}); it is gone`);
    expect(alive(pid)).toBe(false);
  });

  test('SIGSTOP and SIGCONT to a pid: the process stays, paused then running', async () => {
    const pid = sleeper();
    expect(await runInjector(signal({ pid, signal: 'SIGSTOP' }), context())).toBe(`SIGSTOP sent to pid ${pid}`);
    await vi.waitFor(() => expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) T /));
    await runInjector(signal({ pid, signal: 'SIGCONT' }), context());
    await vi.waitFor(() => expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) S /));
  });

  test('a pid file that is missing, or holds garbage, or a pid with no process: an InjectorError naming both', async () => {
    const missing = join(dir, 'missing.pid');
    await expect(runInjector(signal({ pidFile: missing }), context())).rejects.toThrow(
      new InjectorError(`cannot read the pid file ${missing}: no such file or folder (ENOENT)`),
    );
    await writeFile(join(dir, 'garbage.pid'), 'not a pid\n');
    await expect(runInjector(signal({ pidFile: join(dir, 'garbage.pid') }), context())).rejects.toThrow(
      `the pid file ${join(dir, 'garbage.pid')} does not hold a pid: "not a pid"`,
    );
    const pid = sleeper();
    process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(alive(pid)).toBe(false));
    await writeFile(join(dir, 'stale.pid'), String(pid));
    // A zombie still answers kill(0); once reaped, ESRCH. Either way it is not a live target.
    await vi.waitFor(async () =>
      expect(await runInjector(signal({ pidFile: join(dir, 'stale.pid') }), context()).catch((error: Error) => error.message)).toMatch(
        new RegExp(`no process with pid ${pid} \\(from .*stale\\.pid\\)|pid ${pid} .*it is gone`),
      ),
    );
  });

  test('gameday check: a pid file that holds garbage fails, one of a live process is ok', async () => {
    const environment = { field: 'faults[].inject', planDir: dir, env: process.env, fs: await import('node:fs/promises') };
    await writeFile(join(dir, 'bad.pid'), 'x');
    expect(await checkInjector(signal({ pidFile: join(dir, 'bad.pid') }), environment)).toMatchObject({
      status: 'fail',
      detail: `the pid file ${join(dir, 'bad.pid')} does not hold a pid: "x"`,
    });
    const pid = sleeper();
    await writeFile(join(dir, 'ok.pid'), String(pid));
    expect(await checkInjector(signal({ pidFile: join(dir, 'ok.pid') }), environment)).toMatchObject({ status: 'ok' });
  });
});

describe('detached exec', () => {
  test('a restart that outlives the injector: done once ready, the service keeps running, its output in the log', async () => {
    const port = await freeLoopbackPort();
    const service = `require('node:fs').writeFileSync('service.pid', String(process.pid)); console.log('listening'); require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`;
    const injector: ExecInjector = {
      kind: 'exec',
      command: [process.execPath, '-e', service],
      shell: false,
      env: {},
      timeoutSeconds: 10,
      detach: true,
      waitFor: { url: `http://127.0.0.1:${port}/`, timeoutSeconds: 10 },
    };
    const detail = await runInjector(injector, context());
    const pid = Number(readFileSync(join(dir, 'service.pid'), 'utf8'));
    leftovers.push(pid);
    expect(detail).toMatch(
      new RegExp(`started pid ${pid}, ready \\(http://127.0.0.1:${port}/\\); output in ${dir}/logs/test-inject-\\d+\\.log`),
    );
    // Outlives the injector: still answering after it returned, in a session of its own.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
      .split(' ');
    expect(Number(stat[3]), 'its own session').toBe(pid);
    const log = detail.replace(/.*output in /, '');
    await vi.waitFor(() => expect(readFileSync(log, 'utf8')).toContain('listening'));
  });

  test('one that exits before it is ready is an InjectorError pointing at its log', async () => {
    const port = await freeLoopbackPort();
    const injector: ExecInjector = {
      kind: 'exec',
      command: ['sh', '-c', 'echo cannot bind >&2; exit 3'],
      shell: false,
      env: {},
      timeoutSeconds: 10,
      detach: true,
      waitFor: { tcp: `127.0.0.1:${port}`, timeoutSeconds: 10 },
    };
    await expect(runInjector(injector, context())).rejects.toThrow(/exited \(exit 3\) before it was ready; its output is in .*\.log/);
  });
});
