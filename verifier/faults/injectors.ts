// Injectors put a fault in place and take it out again. Both kinds are destructive by design, so
// they are bounded in time and report exactly what happened; the orchestrator journals the result.

import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { errorMessage, InjectorError } from '../errors.ts';
import { describeHttpError, type HttpAnswer, httpRequest } from '../http.ts';
import type { ExecInjector, HttpInjector, Injector } from '../plan/types.ts';

export interface InjectorContext {
  /** Working directory for exec injectors: the plan's folder. */
  cwd: string;
  /** Extra environment for exec injectors (run id, fault name, action). */
  env: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * How every injector of a plan runs: from the plan's folder (relative paths in a plan resolve
 * there), told which run, fault and action it is part of.
 */
export function injectorContext(planFile: string, runId: string, fault: string, action: 'inject' | 'revert'): InjectorContext {
  return { cwd: dirname(planFile), env: { GAMEDAY_RUN_ID: runId, GAMEDAY_FAULT: fault, GAMEDAY_ACTION: action } };
}

/** Runs an injector; resolves with a one-line description of the outcome, rejects with InjectorError. */
export function runInjector(injector: Injector, context: InjectorContext): Promise<string> {
  switch (injector.kind) {
    case 'http':
      return runHttp(injector, context);
    case 'exec':
      return runExec(injector, context);
  }
}

export function describeInjector(injector: Injector): string {
  switch (injector.kind) {
    case 'http':
      return `${injector.method} ${injector.url}`;
    case 'exec':
      return injector.shell ? `sh -c ${JSON.stringify(injector.command[0])}` : injector.command.join(' ');
  }
}

async function runHttp(injector: HttpInjector, context: InjectorContext): Promise<string> {
  let response: HttpAnswer;
  try {
    response = await httpRequest({
      url: injector.url,
      method: injector.method,
      headers: injector.headers,
      body: injector.body,
      timeoutMs: injector.timeoutSeconds * 1000,
      signal: context.signal,
    });
  } catch (error) {
    throw new InjectorError(`${injector.method} ${injector.url} failed: ${describeHttpError(error)}`, { cause: error });
  }
  const text = response.text.slice(0, 300).trim();
  if (!response.ok) {
    throw new InjectorError(`${injector.method} ${injector.url} answered HTTP ${response.status}${text ? `: ${text}` : ''}`);
  }
  return `${injector.method} ${injector.url} → ${response.status}${text ? ` ${text}` : ''}`;
}

/**
 * Runs an exec injector in a process group of its own (`detached`), so that a timeout or an abort
 * kills everything it started, a shell's background jobs and a wrapper's children included: no
 * part of it can land the fault after gameday has moved on to the revert. Being in its own group
 * also keeps a Ctrl-C at the terminal from reaching it: gameday decides when it stops.
 *
 * It has finished when its output is closed, not merely when the direct child has exited: a
 * process left in the background that still holds the output is still part of the injection, and
 * is killed with the rest at the timeout (the error says how to leave one running on purpose).
 * Once the output is closed, what is left running is left alone: `cmd >/dev/null 2>&1 &` may be
 * the fault itself, taken out by the revert.
 */
function runExec(injector: ExecInjector, context: InjectorContext): Promise<string> {
  const [program, ...args] = injector.command;
  const what = describeInjector(injector);
  const { signal } = context;
  if (signal?.aborted) return Promise.reject(new InjectorError(`${what} was not started: ${errorMessage(signal.reason)}`));
  const options = { cwd: context.cwd, env: { ...process.env, ...injector.env, ...context.env }, detached: true };
  return new Promise((resolve, reject) => {
    const child = injector.shell ? spawn(program ?? '', { ...options, shell: true }) : spawn(program ?? '', args, options);
    if (child.pid !== undefined) runningGroups.add(child.pid);
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) runningGroups.delete(child.pid);
      outcome();
    };
    const kill = (why: string) => {
      const exited = child.exitCode !== null || child.signalCode !== null;
      const unkillable = killGroup(child.pid);
      // A process that left the group (setsid) may still hold the output; gameday lets go of it.
      child.stdout?.destroy();
      child.stderr?.destroy();
      const killed = unkillable
        ? `${why} and ${unkillable}: it may still be running and land the fault`
        : exited
          ? `exited (${child.signalCode ? `signal ${child.signalCode}` : `exit ${child.exitCode}`}) but left processes holding its output; ${why}, they were killed. To leave a process running on purpose, redirect its output (cmd >/dev/null 2>&1 &)`
          : `${why} and was killed, with everything it started`;
      settle(() => reject(new InjectorError(`${what} ${killed}. Output: ${output.trim() || '(none)'}`)));
    };
    const timer = setTimeout(() => kill(`did not finish within ${injector.timeoutSeconds}s`), injector.timeoutSeconds * 1000);
    const onAbort = () => kill(`was stopped (${errorMessage(signal?.reason)})`);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (no program "${program}" in ${context.cwd} or on PATH)` : '';
      settle(() => reject(new InjectorError(`${what} could not start: ${error.message}${hint}`, { cause: error })));
    });
    child.once('close', (code, exitSignal) => {
      const tail = output.trim().split('\n').slice(-5).join(' | ');
      settle(() => {
        if (code === 0) resolve(`${what} → exit 0${tail ? `: ${tail}` : ''}`);
        else
          reject(new InjectorError(`${what} failed (${exitSignal ? `signal ${exitSignal}` : `exit ${code}`})${tail ? `: ${tail}` : ''}`));
      });
    });
  });
}

/** Process groups of exec injectors in flight: none may outlive gameday, whichever way it exits. */
const runningGroups = new Set<number>();
process.on('exit', () => runningGroups.forEach((pid) => killGroup(pid)));

/**
 * SIGKILLs an injector's whole process group (its pid is the group's id), background jobs
 * included. Returns why it could not, in words; nothing when it did or the group was gone.
 */
function killGroup(pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    process.kill(-pid, 'SIGKILL');
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return undefined; // every process of the group has exited already
    return `could not be killed (${code}${code === 'EPERM' ? ': it runs as another user, under sudo say' : ''})`;
  }
}
