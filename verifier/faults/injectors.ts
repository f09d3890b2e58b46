// Injectors put a fault in place and take it out again. Both kinds are destructive by design, so
// they are bounded in time and report exactly what happened; the orchestrator journals the result.

import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { GamedayError } from '../errors.ts';
import type { ExecInjector, HttpInjector, Injector } from '../plan/types.ts';

export class InjectorError extends GamedayError {}

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
  const headers: Record<string, string> = { ...injector.headers };
  let body: string | undefined;
  if (typeof injector.body === 'string') body = injector.body;
  else if (injector.body !== undefined) {
    body = JSON.stringify(injector.body);
    headers['content-type'] ??= 'application/json';
  }
  const signals = [AbortSignal.timeout(injector.timeoutSeconds * 1000), ...(context.signal ? [context.signal] : [])];
  let response: Response;
  try {
    response = await fetch(injector.url, {
      method: injector.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new InjectorError(`${injector.method} ${injector.url} failed: ${cause}`, { cause: error });
  }
  const text = (await response.text().catch(() => '')).slice(0, 300).trim();
  if (!response.ok) {
    throw new InjectorError(`${injector.method} ${injector.url} answered HTTP ${response.status}${text ? `: ${text}` : ''}`);
  }
  return `${injector.method} ${injector.url} → ${response.status}${text ? ` ${text}` : ''}`;
}

function runExec(injector: ExecInjector, context: InjectorContext): Promise<string> {
  const [program, ...args] = injector.command;
  const what = describeInjector(injector);
  return new Promise((resolve, reject) => {
    const child = injector.shell
      ? spawn(program ?? '', { shell: true, cwd: context.cwd, env: { ...process.env, ...injector.env, ...context.env } })
      : spawn(program ?? '', args, { cwd: context.cwd, env: { ...process.env, ...injector.env, ...context.env } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new InjectorError(`${what} did not finish within ${injector.timeoutSeconds}s and was killed. Output: ${output.trim() || '(none)'}`),
      );
    }, injector.timeoutSeconds * 1000);
    child.once('error', (error) => {
      clearTimeout(timer);
      const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (no program "${program}" in ${context.cwd} or on PATH)` : '';
      reject(new InjectorError(`${what} could not start: ${error.message}${hint}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-5).join(' | ');
      if (code === 0) resolve(`${what} → exit 0${tail ? `: ${tail}` : ''}`);
      else reject(new InjectorError(`${what} failed (${signal ? `signal ${signal}` : `exit ${code}`})${tail ? `: ${tail}` : ''}`));
    });
  });
}
