// Finds, and when missing installs, the real programs gameday drives:
//   k6                      built from source with `go install` at the version pinned in ./k6/go.mod
//   prometheus, promtool    Debian package `prometheus`
//   alertmanager, amtool    Debian package `prometheus-alertmanager`
// Order for each: an override in the environment (GAMEDAY_K6, GAMEDAY_PROMETHEUS, ...), then what
// this project installed before, then PATH, then an install with progress on the console.

import { spawn } from 'node:child_process';
import { access, constants, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ToolchainError } from '../errors.ts';

export type ToolName = 'k6' | 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'chromium';

export const K6_VERSION = 'v2.2.0';
export const K6_MODULE = 'go.k6.io/k6/v2';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const toolsDir = join(repoRoot, '.tools');

/** gameday's own version, from its package.json: journaled with every run and shown in every report. */
export async function gamedayVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
const k6BuildDir = fileURLToPath(new URL('./k6/', import.meta.url));

const envOverride: Record<ToolName, string> = {
  k6: 'GAMEDAY_K6',
  prometheus: 'GAMEDAY_PROMETHEUS',
  promtool: 'GAMEDAY_PROMTOOL',
  alertmanager: 'GAMEDAY_ALERTMANAGER',
  amtool: 'GAMEDAY_AMTOOL',
  chromium: 'GAMEDAY_CHROMIUM',
};

/** Names to look for on PATH; Debian calls Alertmanager `prometheus-alertmanager`. */
const pathNames: Record<ToolName, string[]> = {
  k6: ['k6'],
  prometheus: ['prometheus'],
  promtool: ['promtool'],
  alertmanager: ['prometheus-alertmanager', 'alertmanager'],
  amtool: ['amtool'],
  chromium: ['chromium', 'chromium-browser'],
};

const debianPackage: Record<Exclude<ToolName, 'k6'>, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  // Only the browser test of report.html needs it; test tools cannot download a browser here.
  chromium: 'chromium',
};

export interface ToolchainOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines; defaults to stderr so stdout stays clean for reports. */
  log?: (line: string) => void;
}

const resolved = new Map<ToolName, Promise<string>>();

/** Absolute path of a working `name`, installing it first if needed. Memoised per process. */
export function resolveTool(name: ToolName, options: ToolchainOptions = {}): Promise<string> {
  let found = resolved.get(name);
  if (!found) {
    found = locateOrInstall(name, options);
    found.catch(() => resolved.delete(name));
    resolved.set(name, found);
  }
  return found;
}

/** Resolves every tool gameday runs; installs run one after another so their progress stays readable. */
export async function ensureToolchain(options: ToolchainOptions = {}): Promise<Record<ToolName, string>> {
  const out = {} as Record<ToolName, string>;
  for (const name of ['prometheus', 'promtool', 'alertmanager', 'amtool', 'k6'] as const) {
    out[name] = await resolveTool(name, options);
  }
  return out;
}

async function locateOrInstall(name: ToolName, options: ToolchainOptions): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const override = env[envOverride[name]];
  if (override) {
    if (!(await isExecutable(override))) {
      throw new ToolchainError(`${envOverride[name]}=${override} is not an executable file. Point it at a working ${name} or unset it.`);
    }
    return override;
  }

  if (name === 'k6') return locateOrBuildK6(env, log);

  const onPath = await findOnPath(pathNames[name], env);
  if (onPath) return onPath;
  await aptInstall(debianPackage[name], log);
  const installed = await findOnPath(pathNames[name], env);
  if (!installed) {
    throw new ToolchainError(
      `Installed the Debian package ${debianPackage[name]} but still cannot find ${pathNames[name].join(' or ')} on PATH.`,
    );
  }
  return installed;
}

async function locateOrBuildK6(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const ours = join(toolsDir, 'bin', 'k6');
  if ((await isExecutable(ours)) && (await k6Version(ours)) === K6_VERSION) return ours;

  const onPath = await findOnPath(['k6'], env);
  if (onPath) {
    const version = await k6Version(onPath);
    if (version?.startsWith('v2.')) {
      if (version !== K6_VERSION) log(`k6: using ${onPath} (${version}); gameday is tested with ${K6_VERSION}`);
      return onPath;
    }
  }
  await buildK6(ours, env, log);
  return ours;
}

/** `go install` of the pinned k6 into .tools/bin, through a temporary GOBIN so a half-built binary never appears. */
async function buildK6(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const go = await findOnPath(['go'], env);
  if (!go) {
    throw new ToolchainError(
      `k6 is not installed and Go is not on PATH, so it cannot be built. Install Go (https://go.dev/doc/install), or set GAMEDAY_K6 to a k6 ${K6_VERSION} binary.`,
    );
  }
  const stagingBin = join(toolsDir, `bin.staging-${process.pid}`);
  await mkdir(stagingBin, { recursive: true });
  log(`k6: building ${K6_MODULE}@${K6_VERSION} from source with go install (first run only; takes a minute or more)`);
  const started = Date.now();
  let packages = 0;
  const ticker = setInterval(() => {
    log(`k6: still building... ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)}s`);
  }, 10_000);
  try {
    await run(go, ['install', '-v', K6_MODULE], {
      cwd: k6BuildDir,
      env: { ...env, GOBIN: stagingBin, GOFLAGS: '-buildvcs=false' },
      onLine: (line) => {
        if (line.startsWith('go: downloading')) log(`k6: ${line.slice(4)}`);
        else if (!line.startsWith('go: ')) packages++;
      },
      what: `go install ${K6_MODULE}@${K6_VERSION}`,
    });
    await mkdir(join(toolsDir, 'bin'), { recursive: true });
    await rename(join(stagingBin, 'k6'), target);
  } finally {
    clearInterval(ticker);
    await rm(stagingBin, { recursive: true, force: true });
  }
  log(`k6: built ${target} in ${Math.round((Date.now() - started) / 1000)}s`);
}

async function aptInstall(pkg: string, log: (line: string) => void): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const apt = async (args: string[]) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    await run(cmd as string, rest, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      onLine: (line) => log(`apt: ${line}`),
      what: `apt-get ${args.join(' ')}`,
      hint: isRoot
        ? undefined
        : `Install it yourself with: sudo apt-get install ${pkg} (or set ${pkg === 'prometheus' ? 'GAMEDAY_PROMETHEUS' : 'GAMEDAY_ALERTMANAGER'})`,
    });
  };
  log(`${pkg}: not found; installing the Debian package (apt-get update, then apt-get install ${pkg})`);
  await apt(['update', '-q']);
  await apt(['install', '-y', '-q', '--no-install-recommends', pkg]);
  log(`${pkg}: installed`);
}

interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine: (line: string) => void;
  what: string;
  hint?: string | undefined;
}

function run(cmd: string, args: string[], options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (() => {
      let pending = '';
      return (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          tail.push(line);
          if (tail.length > 20) tail.shift();
          options.onLine(line);
        }
      };
    })();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new ToolchainError(`${options.what} could not start: ${error.message}`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const hint = options.hint ? `\n${options.hint}` : '';
      reject(new ToolchainError(`${options.what} failed with exit code ${code}:\n${tail.join('\n')}${hint}`));
    });
  });
}

async function k6Version(path: string): Promise<string | undefined> {
  let out = '';
  try {
    await run(path, ['version'], { onLine: (line) => (out += line), what: `${path} version` });
  } catch {
    return undefined;
  }
  return /k6 (v\d+\.\d+\.\d+\S*)/.exec(out)?.[1];
}

async function findOnPath(names: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
