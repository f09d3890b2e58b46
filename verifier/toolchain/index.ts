// Finds, and when missing installs, the real programs gameday drives:
//   k6                      built from source with `go install` at the version pinned in ./k6/go.mod
//   prometheus, promtool    Debian package `prometheus`
//   alertmanager, amtool    Debian package `prometheus-alertmanager`
//   vegeta                  built from source with `go install` at VEGETA_VERSION (bench only)
//   nginx                   Debian package `nginx-light` (bench only: the target the load generators share)
//   toxiproxy-server        built from source with `go install` at TOXIPROXY_VERSION (plans with a managed Toxiproxy)
//   redis-server            Debian package `redis-server` (the demo's datastore)
// Order for each: an override in the environment (GAMEDAY_K6, GAMEDAY_PROMETHEUS, ...), then a
// clone's .tools/bin (development), then the user's tool cache (~/.cache/gameday/<tool>/<version>,
// shared by every project; toolCacheDir), then PATH, then an install with progress on the console:
// Go tools are built into the cache, Debian packages installed with apt-get.

import { spawn } from 'node:child_process';
import { access, constants, mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ToolchainError } from '../errors.ts';
import { packageRoot, packageVersion } from '../package-root.ts';

export type ToolName =
  'k6' | 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'chromium' | 'vegeta' | 'nginx' | 'toxiproxy-server' | 'redis-server';

export const K6_VERSION = 'v2.2.0';
export const K6_MODULE = 'go.k6.io/k6/v2';
export const VEGETA_VERSION = 'v12.13.0';
export const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
export const TOXIPROXY_VERSION = 'v2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';

/** gameday's own folder (a clone, or the installed package). */
export const repoRoot = packageRoot;
/** A clone's tools folder: a tool found here is used (development); nothing is installed into it. */
export const toolsDir = join(packageRoot, '.tools');

/** gameday's own version, from its package.json: journaled with every run and shown in every report. */
export async function gamedayVersion(): Promise<string> {
  return packageVersion;
}

/** The Go module that pins k6 and its dependencies (go.mod, go.sum), shipped in the package. */
const k6BuildDir = join(packageRoot, 'verifier', 'toolchain', 'k6');

/**
 * Where gameday builds its tools, per user and shared by every project: $GAMEDAY_CACHE_DIR, else
 * $XDG_CACHE_HOME/gameday, else ~/.cache/gameday; each tool in a folder of its version.
 */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GAMEDAY_CACHE_DIR) return resolve(env.GAMEDAY_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), 'gameday');
  return join(env.HOME || homedir(), '.cache', 'gameday');
}

/** A built tool's place: the clone's .tools/bin when it is there (development), else the user's cache. */
function builtToolPath(binary: string, version: string, env: NodeJS.ProcessEnv): { clone: string; cache: string } {
  return { clone: join(toolsDir, 'bin', binary), cache: join(toolCacheDir(env), binary, version, binary) };
}

const envOverride: Record<ToolName, string> = {
  k6: 'GAMEDAY_K6',
  prometheus: 'GAMEDAY_PROMETHEUS',
  promtool: 'GAMEDAY_PROMTOOL',
  alertmanager: 'GAMEDAY_ALERTMANAGER',
  amtool: 'GAMEDAY_AMTOOL',
  chromium: 'GAMEDAY_CHROMIUM',
  vegeta: 'GAMEDAY_VEGETA',
  nginx: 'GAMEDAY_NGINX',
  'toxiproxy-server': 'GAMEDAY_TOXIPROXY',
  'redis-server': 'GAMEDAY_REDIS_SERVER',
};

/** Names to look for on PATH; Debian calls Alertmanager `prometheus-alertmanager`. */
const pathNames: Record<ToolName, string[]> = {
  k6: ['k6'],
  prometheus: ['prometheus'],
  promtool: ['promtool'],
  alertmanager: ['prometheus-alertmanager', 'alertmanager'],
  amtool: ['amtool'],
  chromium: ['chromium', 'chromium-browser'],
  vegeta: ['vegeta'],
  nginx: ['nginx'],
  'toxiproxy-server': ['toxiproxy-server'],
  'redis-server': ['redis-server'],
};

/** Debian installs daemons in /usr/sbin, which a user's PATH often leaves out. */
const extraDirs: Partial<Record<ToolName, string[]>> = { nginx: ['/usr/sbin'] };

const debianPackage: Record<Exclude<ToolName, 'k6' | 'vegeta' | 'toxiproxy-server'>, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  // Only the browser test of report.html needs it; test tools cannot download a browser here.
  chromium: 'chromium',
  // The smallest nginx build: enough to serve a fixed body as the bench's target.
  nginx: 'nginx-light',
  // The demo's primary, replicas and cache: plain processes on loopback.
  'redis-server': 'redis-server',
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
  if (name === 'vegeta') return locateOrBuildVegeta(env, log);
  if (name === 'toxiproxy-server') return locateOrBuildToxiproxy(env, log);

  const dirs = extraDirs[name] ?? [];
  const onPath = await findOnPath(pathNames[name], env, dirs);
  if (onPath) return onPath;
  await aptInstall(debianPackage[name], envOverride[name], log);
  const installed = await findOnPath(pathNames[name], env, dirs);
  if (!installed) {
    throw new ToolchainError(
      `Installed the Debian package ${debianPackage[name]} but still cannot find ${pathNames[name].join(' or ')} on PATH.`,
    );
  }
  return installed;
}

async function locateOrBuildK6(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const { clone, cache: ours } = builtToolPath('k6', K6_VERSION, env);
  if ((await isExecutable(clone)) && (await k6Version(clone)) === K6_VERSION) return clone;
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

interface GoTool {
  /** The binary's name in the cache, on PATH and in messages. */
  binary: string;
  /** The module whose version the binary's build info must carry. */
  module: string;
  version: string;
  /** What `go install` builds, when not the module itself (toxiproxy's `…/cmd/server`). */
  installPath?: string;
  /** The name `go install` gives the binary, when not `binary` (toxiproxy's `server`). */
  built?: string;
  /** Whether a binary of that name on PATH is used before building one. */
  fromPath?: boolean;
}

/**
 * A Go tool gameday builds itself: the clone's .tools/bin or the user's cache when its build info
 * says the pinned module version (built by `go install`, they print no version of their own, or
 * "git"), else PATH when allowed, else `go install` into the cache.
 */
async function locateOrBuildGoTool(tool: GoTool, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const { clone, cache: ours } = builtToolPath(tool.binary, tool.version, env);
  for (const candidate of [clone, ours]) {
    if ((await isExecutable(candidate)) && (await goModuleVersion(candidate, tool.module, tool.version, env)) !== 'other') return candidate;
  }
  if (tool.fromPath) {
    const onPath = await findOnPath([tool.binary], env);
    if (onPath) return onPath;
  }
  await goInstall({
    module: tool.installPath ?? tool.module,
    version: tool.version,
    binary: tool.binary,
    ...(tool.built ? { built: tool.built } : {}),
    target: ours,
    env,
    log,
  });
  return ours;
}

function locateOrBuildVegeta(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  return locateOrBuildGoTool({ binary: 'vegeta', module: VEGETA_MODULE, version: VEGETA_VERSION }, env, log);
}

function locateOrBuildToxiproxy(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  return locateOrBuildGoTool(
    {
      binary: 'toxiproxy-server',
      module: TOXIPROXY_MODULE,
      version: TOXIPROXY_VERSION,
      installPath: `${TOXIPROXY_MODULE}/cmd/server`,
      built: 'server',
      fromPath: true,
    },
    env,
    log,
  );
}

/**
 * Whether a Go binary was built from `module` at `version`, read from its build info with
 * `go version -m` (a line "mod <module> <version> <sum>"); 'unknown' when Go is not there to ask.
 */
async function goModuleVersion(
  path: string,
  module: string,
  version: string,
  env: NodeJS.ProcessEnv,
): Promise<'pinned' | 'other' | 'unknown'> {
  const go = await findOnPath(['go'], env);
  if (!go) return 'unknown';
  const lines: string[] = [];
  try {
    await run(go, ['version', '-m', path], {
      onLine: (line) => lines.push(line.trim().split(/\s+/).join(' ')),
      what: `go version -m ${path}`,
    });
  } catch {
    return 'other';
  }
  return lines.some((line) => line.startsWith(`mod ${module} ${version}`)) ? 'pinned' : 'other';
}

/** `go install` of the pinned k6 into the user's tool cache. */
function buildK6(target: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  // Inside verifier/toolchain/k6, whose go.mod pins k6 and every dependency.
  return goInstall({ module: K6_MODULE, version: K6_VERSION, binary: 'k6', target, env, log, cwd: k6BuildDir });
}

interface GoInstall {
  module: string;
  version: string;
  binary: string;
  /** The name `go install` gives the binary, when it is not `binary` (toxiproxy's is `server`). */
  built?: string;
  target: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** A folder with a go.mod that pins the module; without it, `go install module@version`. */
  cwd?: string;
}

/** `go install` into `target`'s folder, through a temporary GOBIN beside it so a half-built binary never appears. */
async function goInstall(options: GoInstall): Promise<void> {
  const { binary, env, log } = options;
  const go = await findOnPath(['go'], env);
  if (!go) {
    throw new ToolchainError(
      `${binary} is not installed and Go is not on PATH, so it cannot be built. Install Go (https://go.dev/doc/install), or set ${envOverride[binary as ToolName]} to a ${binary} ${options.version} binary.`,
    );
  }
  const stagingBin = join(dirname(options.target), `.staging-${process.pid}`);
  await mkdir(stagingBin, { recursive: true });
  log(`${binary}: building ${options.module}@${options.version} from source with go install (first run only; takes a minute or more)`);
  const started = Date.now();
  let packages = 0;
  const ticker = setInterval(() => {
    log(`${binary}: still building... ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)}s`);
  }, 10_000);
  const what = `go install ${options.module}@${options.version}`;
  try {
    await run(go, ['install', '-v', options.cwd === undefined ? `${options.module}@${options.version}` : options.module], {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...env, GOBIN: stagingBin, GOFLAGS: '-buildvcs=false' },
      onLine: (line) => {
        if (line.startsWith('go: downloading')) log(`${binary}: ${line.slice(4)}`);
        else if (!line.startsWith('go: ')) packages++;
      },
      what,
    });
    await rename(join(stagingBin, options.built ?? binary), options.target);
  } finally {
    clearInterval(ticker);
    await rm(stagingBin, { recursive: true, force: true });
  }
  log(`${binary}: built ${options.target} in ${Math.round((Date.now() - started) / 1000)}s`);
}

async function aptInstall(pkg: string, override: string, log: (line: string) => void): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  const apt = async (args: string[]) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    await run(cmd as string, rest, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      onLine: (line) => log(`apt: ${line}`),
      what: `apt-get ${args.join(' ')}`,
      hint: isRoot ? undefined : `Install it yourself with: sudo apt-get install ${pkg} (or set ${override})`,
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

async function findOnPath(names: string[], env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string | undefined> {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extra];
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
