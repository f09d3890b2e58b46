// The exec injector: a command, without a shell unless asked, from the plan's folder. Attached (the
// default), it is done when it exits, and a timeout kills its whole process group. Detached
// (`detach: true`), it is started in a session of its own with its output in a log file, and is done
// once it is started (and ready, with `waitFor`): a revert that restarts a service returns while the
// service keeps running, after the injector and after gameday.

import { spawn } from 'node:child_process';
import { constants, closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import { errorMessage, InjectorError } from '../errors.ts';
import { describeHttpError, httpRequest } from '../http.ts';
import type { ExecInjector, Readiness } from '../plan/types.ts';
import type { CheckEnvironment, InjectorContext, InjectorFs, InjectorKind } from './injector.ts';

/** Interpreters whose first non-option argument is a script file the injector depends on. */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'node', 'python', 'python3', 'perl', 'ruby', 'tsx']);

export const execInjector: InjectorKind<ExecInjector> = {
  describe: describeExec,
  run: (injector, context) => (injector.detach ? runDetached(injector, context) : runAttached(injector, context)),
  check: checkExec,
};

function describeExec(injector: ExecInjector): string {
  const line = injector.shell ? `sh -c ${JSON.stringify(injector.command[0])}` : injector.command.join(' ');
  return injector.detach ? `${line} (detached)` : line;
}

/**
 * Starts the command in a session of its own, stdin from /dev/null and output to a log file, and
 * lets go of it: it is not killed when gameday ends. Done once it is started, and ready when
 * `waitFor` says how to tell; a command that exits non-zero before that is an InjectorError.
 */
async function runDetached(injector: ExecInjector, context: InjectorContext): Promise<string> {
  const [program, ...args] = injector.command;
  const what = describeExec(injector);
  const logDir = context.logDir ?? join(tmpdir(), 'gameday-injectors');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${context.label ?? 'detached'}-${Date.now()}.log`);
  const out = openSync(logFile, 'a');
  const options = {
    cwd: context.cwd,
    env: { ...process.env, ...injector.env, ...context.env },
    detached: true,
    stdio: ['ignore', out, out] as ['ignore', number, number],
  };
  let child: ReturnType<typeof spawn>;
  try {
    child = injector.shell ? spawn(program ?? '', { ...options, shell: true }) : spawn(program ?? '', args, options);
  } finally {
    closeSync(out);
  }
  const started = await new Promise<{ pid: number } | { error: Error }>((resolvePid) => {
    child.once('error', (error) => resolvePid({ error }));
    child.once('spawn', () => resolvePid({ pid: child.pid ?? 0 }));
  });
  if ('error' in started) {
    const hint =
      (started.error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (no program "${program}" in ${context.cwd} or on PATH)` : '';
    throw new InjectorError(`${what} could not start: ${started.error.message}${hint}`, { cause: started.error });
  }
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.once('exit', (code, signal) => (exit = { code, signal }));
  child.unref();
  if (injector.waitFor) {
    const deadline = Date.now() + injector.waitFor.timeoutSeconds * 1000;
    for (;;) {
      if (exit && exit.code !== 0) {
        throw new InjectorError(
          `${what} exited (${exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`}) before it was ready; its output is in ${logFile}`,
        );
      }
      const problem = await notReady(injector.waitFor);
      if (problem === undefined) break;
      if (Date.now() > deadline) {
        throw new InjectorError(
          `${what} started (pid ${started.pid}) but was not ready within ${injector.waitFor.timeoutSeconds}s: ${problem}; its output is in ${logFile}`,
        );
      }
      await new Promise((wait) => setTimeout(wait, 200));
    }
  }
  const ready = injector.waitFor ? `, ready (${injector.waitFor.url ?? injector.waitFor.tcp})` : '';
  return `${what} → started pid ${started.pid}${ready}; output in ${logFile}`;
}

/** Why the thing is not ready yet; undefined when it is. */
async function notReady(readiness: Readiness): Promise<string | undefined> {
  if (readiness.url !== undefined) {
    try {
      const answer = await httpRequest({ url: readiness.url, method: 'GET', timeoutMs: 2000 });
      if (!answer.ok) return `${readiness.url} answered HTTP ${answer.status}`;
    } catch (error) {
      return `${readiness.url}: ${describeHttpError(error)}`;
    }
  }
  if (readiness.tcp !== undefined) {
    const index = readiness.tcp.lastIndexOf(':');
    const host = readiness.tcp.slice(0, index);
    const port = Number(readiness.tcp.slice(index + 1));
    const problem = await new Promise<string | undefined>((done) => {
      const socket = connect({ host, port, timeout: 2000 });
      socket.once('connect', () => {
        socket.destroy();
        done(undefined);
      });
      socket.once('timeout', () => {
        socket.destroy();
        done('no answer');
      });
      socket.once('error', (error) => done(errorMessage(error)));
    });
    if (problem !== undefined) return `${readiness.tcp}: ${problem}`;
  }
  return undefined;
}

async function checkExec(injector: ExecInjector, environment: CheckEnvironment) {
  const { planDir } = environment;
  const [program = '', ...args] = injector.command;
  if (injector.shell) {
    const sh = await findProgram('sh', planDir, environment);
    if (!sh.path)
      return { status: 'fail' as const, detail: `shell line ${JSON.stringify(program)}: ${sh.problem}`, hint: 'install a POSIX sh' };
    return { status: 'ok' as const, detail: `${sh.path} -c ${JSON.stringify(program)}` };
  }
  const found = await findProgram(program, planDir, environment);
  if (!found.path) {
    return {
      status: 'fail' as const,
      detail: `${program}: ${found.problem}`,
      hint: program.includes('/')
        ? `paths with a / resolve against the plan's folder ${planDir}; run a script without the execute bit through its interpreter, e.g. [bash, ${program}]`
        : 'install it, or give its path',
    };
  }
  const script = INTERPRETERS.has(basename(program)) ? scriptArgument(args) : undefined;
  if (script !== undefined) {
    const scriptPath = isAbsolute(script) ? script : resolve(planDir, script);
    if (!(await isFile(scriptPath, environment.fs))) {
      return {
        status: 'fail' as const,
        detail: `${program} ${script}: the script ${scriptPath} does not exist`,
        hint: `paths resolve against the plan's folder ${planDir}`,
      };
    }
  }
  return { status: 'ok' as const, detail: [found.path, ...args.map(shellWord)].join(' ') };
}

/** An argument as a person would type it: quoted when it holds spaces or quotes. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** The script an interpreter would run: its first non-option argument, unless code comes inline (-c, -e). */
function scriptArgument(args: string[]): string | undefined {
  for (const arg of args) {
    if (arg === '-c' || arg === '-e' || arg === '--eval' || arg === '-m') return undefined;
    if (arg.startsWith('-')) continue;
    return arg;
  }
  return undefined;
}

/** `command[0]` as spawn finds it: a path with a / relative to the plan's folder, else on PATH. */
async function findProgram(program: string, planDir: string, environment: CheckEnvironment): Promise<{ path?: string; problem?: string }> {
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(planDir, program);
    if (!(await isFile(path, environment.fs))) return { problem: `${path} does not exist` };
    if (!(await isExecutable(path, environment.fs))) return { problem: `${path} exists but is not executable` };
    return { path };
  }
  const dirs = (environment.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const path = join(dir, program);
    if ((await isFile(path, environment.fs)) && (await isExecutable(path, environment.fs))) return { path };
  }
  return { problem: `not found on PATH (${dirs.length} folders searched)` };
}

async function isFile(path: string, fs: InjectorFs): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isExecutable(path: string, fs: InjectorFs): Promise<boolean> {
  try {
    await fs.access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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
function runAttached(injector: ExecInjector, context: InjectorContext): Promise<string> {
  const [program, ...args] = injector.command;
  const what = describeExec(injector);
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
