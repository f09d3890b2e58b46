// Findings about the plan's injectors, without running them: an http injector's URL is well
// formed; an exec injector's program (and the script an interpreter would run) exists and is
// executable where spawn would look for it: the plan's folder for paths, else PATH.

import { constants } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { FaultSpec, Injector, Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import type { CheckDeps, CheckFs } from './world.ts';
import { shellWord } from './words.ts';

/** Interpreters whose first non-option argument is a script file the injector depends on. */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'node', 'python', 'python3', 'perl', 'ruby', 'tsx']);

export async function injectorFinding(
  fault: FaultSpec,
  action: 'inject' | 'revert',
  injector: Injector,
  plan: Plan,
  d: CheckDeps,
): Promise<CheckFinding> {
  const base = { check: 'injector', subject: `${fault.name} ${action}` } as const;
  if (injector.kind === 'http') {
    const problem = httpUrlProblem(injector.url);
    if (problem)
      return {
        ...base,
        status: 'fail',
        detail: `${injector.method} ${injector.url}: ${problem}`,
        hint: `fix faults[].${action}.http.url in the plan`,
      };
    return { ...base, status: 'ok', detail: `${injector.method} ${injector.url}` };
  }
  const planDir = dirname(plan.file);
  const [program = '', ...args] = injector.command;
  if (injector.shell) {
    const sh = await findProgram('sh', planDir, d);
    if (!sh.path)
      return { ...base, status: 'fail', detail: `shell line ${JSON.stringify(program)}: ${sh.problem}`, hint: 'install a POSIX sh' };
    return { ...base, status: 'ok', detail: `${sh.path} -c ${JSON.stringify(program)}` };
  }
  const found = await findProgram(program, planDir, d);
  if (!found.path) {
    return {
      ...base,
      status: 'fail',
      detail: `${program}: ${found.problem}`,
      hint: program.includes('/')
        ? `paths with a / resolve against the plan's folder ${planDir}; run a script without the execute bit through its interpreter, e.g. [bash, ${program}]`
        : 'install it, or give its path',
    };
  }
  const script = INTERPRETERS.has(basename(program)) ? scriptArgument(args) : undefined;
  if (script !== undefined) {
    const scriptPath = isAbsolute(script) ? script : resolve(planDir, script);
    if (!(await isFile(scriptPath, d.fs))) {
      return {
        ...base,
        status: 'fail',
        detail: `${program} ${script}: the script ${scriptPath} does not exist`,
        hint: `paths resolve against the plan's folder ${planDir}`,
      };
    }
  }
  return { ...base, status: 'ok', detail: [found.path, ...args.map(shellWord)].join(' ') };
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
async function findProgram(program: string, planDir: string, d: CheckDeps): Promise<{ path?: string; problem?: string }> {
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(planDir, program);
    if (!(await isFile(path, d.fs))) return { problem: `${path} does not exist` };
    if (!(await isExecutable(path, d.fs))) return { problem: `${path} exists but is not executable` };
    return { path };
  }
  const dirs = (d.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const path = join(dir, program);
    if ((await isFile(path, d.fs)) && (await isExecutable(path, d.fs))) return { path };
  }
  return { problem: `not found on PATH (${dirs.length} folders searched)` };
}

async function isFile(path: string, fs: CheckFs): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isExecutable(path: string, fs: CheckFs): Promise<boolean> {
  try {
    await fs.access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function httpUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a well-formed URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the scheme is ${parsed.protocol}, expected http: or https:`;
  if (parsed.hostname === '') return 'the URL has no host';
  return undefined;
}
