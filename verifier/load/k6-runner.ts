// Runs k6 as a child process: the trace and each burst are separate processes, so a burst that
// saturates the CPU cannot delay the trace's timers, and each can be started and stopped on its
// own schedule.
//
// A run folder gets, per process, the k6 log (stdout and stderr) and the machine-readable result:
//   k6-trace.log          trace-results.json           (k6's JSON lines of the points gameday reads; trace-stream.ts)
//   k6-burst-<name>.log   burst-<name>-summary.json    (end-of-test summary export)

import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { LoadRole } from '../journal/events.ts';
import { type K6Exit, K6ExitError, LoadError } from '../errors.ts';
import { burstVus as sizeBurst } from '../../loadtests/lib/vus.ts';
import { LineTail } from './line-tail.ts';
import { openTraceOutput, type TraceStream } from './trace-stream.ts';

export { LineTail } from './line-tail.ts';

/** The part of a ChildProcess the runner uses; node's `spawn` returns one. */
export interface SpawnedProcess extends EventEmitter {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
}

export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => SpawnedProcess;

export type { K6Exit } from '../errors.ts';
export { K6ExitError } from '../errors.ts';

export interface K6Process {
  readonly role: LoadRole;
  readonly name: string;
  readonly pid: number;
  /** k6 path and arguments, as started (for the journal and for re-running by hand). */
  readonly command: readonly string[];
  readonly logFile: string;
  /** Trace: k6's JSON lines of its points (readTraceSamples). Burst: the summary export (readBurstResult). */
  readonly resultFile: string;
  /**
   * Settles when k6 has exited and its log is flushed. Resolves on exit code 0, 99 (thresholds
   * failed: the figures are still valid) and on 105 after stop(); rejects with K6ExitError
   * otherwise. Never left unhandled: a rejection nobody awaits does not crash the process.
   */
  readonly done: Promise<K6Exit>;
  /** SIGINT (k6 ends the test, flushes outputs, exits 105), then SIGKILL after the grace. */
  stop(): Promise<K6Exit>;
}

export interface K6RunOptions {
  /** Absolute path of the k6 binary (resolveTool('k6')). */
  k6Path: string;
  /** The k6 script, run unbundled as it is. */
  script: string;
  /** Where the load goes, e.g. http://127.0.0.1:18080. */
  baseUrl: string;
  /** Iterations per second. */
  rate: number;
  durationSeconds: number;
  /** Becomes the `testid` tag on every sample. */
  runId: string;
  /** Folder for the log and result files; created if missing. */
  runDir: string;
  /** Prometheus base URL, e.g. http://127.0.0.1:19090. Without it, no remote write. */
  prometheusUrl?: string | undefined;
  /** Pre-allocated VUs. Default: 3 for the trace, burstVus(rate) for a burst. */
  vus?: number | undefined;
  /** Extra environment for k6 (e.g. K6_PROMETHEUS_RW_TREND_STATS); overrides the runner's. */
  env?: Record<string, string> | undefined;
  /** Extra settings passed to the script as `-e NAME=value` (__ENV), e.g. JOURNEYS_FILE. */
  scriptEnv?: Record<string, string> | undefined;
  /** Between SIGINT and SIGKILL in stop(). Default 15 s. */
  stopGraceMs?: number | undefined;
  spawn?: Spawn | undefined;
  /** The environment k6 inherits, minus any K6_* variables. Default process.env. */
  processEnv?: NodeJS.ProcessEnv | undefined;
}

export type StartTraceOptions = K6RunOptions;

export interface StartBurstOptions extends K6RunOptions {
  /** Names the files and the `burst` tag: letters, digits, '.', '_', '-'. */
  name: string;
  /** The target's measured latency for one read (probeLatency); sizes vus and maxVus. Default 10 ms. */
  latencyMs?: number | undefined;
  /** Upper bound on VUs; default burstVuPool(rate, latencyMs).maxVus. */
  maxVus?: number | undefined;
  /**
   * One process of a burst split over `count` k6 processes (k6-segments.ts): it runs its
   * execution segment, starts `--paused` with its REST API on 127.0.0.1:`restPort`, and tags its
   * samples `instance_id=<index + 1>`, as k6-operator's runners do.
   */
  segment?: { index: number; count: number; restPort: number } | undefined;
}

export const traceVusDefault = 3;

/** The default burst's VU pool for `rate` at `latencyMs` per read: loadtests/lib/vus.ts explains it. */
export function burstVuPool(rate: number, latencyMs = defaultLatencyMs): { vus: number; maxVus: number } {
  return sizeBurst(rate, latencyMs);
}

/** Pre-allocated VUs of the default burst (burstVuPool(...).vus). */
export function burstVus(rate: number, latencyMs = defaultLatencyMs): number {
  return sizeBurst(rate, latencyMs).vus;
}

/** What loadtests/burst.ts assumes without a measurement. */
export const defaultLatencyMs = 10;

/** The trace: k6 writes its JSON output to stdout, read as it arrives by `trace` (trace-stream.ts). */
export async function startTrace(options: StartTraceOptions): Promise<K6Process & { trace: TraceStream }> {
  const resultFile = join(options.runDir, 'trace-results.json');
  const output = await openTraceOutput(resultFile, 'k6 trace stdout');
  let process: K6Process;
  try {
    process = await startK6(options, {
      role: 'trace',
      name: 'trace',
      vus: options.vus ?? traceVusDefault,
      logFile: join(options.runDir, 'k6-trace.log'),
      resultFile,
      extraArgs: ['--out', 'json=-'],
      extraTags: [],
      extraScriptEnv: {},
      stdout: (chunk) => output.trace.push(chunk),
    });
  } catch (error) {
    await output.close();
    throw error;
  }
  // Settled once the kept lines are on disk too.
  const done = output.closeAfter(process.done);
  return { ...process, done, stop: () => output.closeAfter(process.stop()), trace: output.trace };
}

export async function startBurst(options: StartBurstOptions): Promise<K6Process> {
  if (!/^[A-Za-z0-9._-]+$/.test(options.name)) {
    throw new LoadError(`invalid burst name; reason: expected letters, digits, '.', '_' or '-', got ${JSON.stringify(options.name)}`);
  }
  const segment = options.segment;
  const file = segment === undefined ? options.name : `${options.name}.${segment.index + 1}`;
  const resultFile = join(options.runDir, `burst-${file}-summary.json`);
  const pool = burstVuPool(options.rate, options.latencyMs);
  const vus = options.vus ?? pool.vus;
  const maxVus = Math.max(vus, options.maxVus ?? pool.maxVus);
  return startK6(options, {
    role: 'burst',
    name: file,
    vus,
    logFile: join(options.runDir, `k6-burst-${file}.log`),
    resultFile,
    extraArgs: [`--summary-export=${resultFile}`, ...(segment === undefined ? [] : segmentArgs(segment))],
    extraTags: ['--tag', `burst=${options.name}`, ...(segment === undefined ? [] : ['--tag', `instance_id=${segment.index + 1}`])],
    extraScriptEnv: {
      MAX_VUS: String(maxVus),
      ...(options.latencyMs === undefined ? {} : { LATENCY_MS: String(options.latencyMs) }),
    },
  });
}

/** `k6 run` flags for process `index` of `count`, as k6-operator gives its runners. */
export function segmentArgs(segment: { index: number; count: number; restPort: number }): string[] {
  const { index, count } = segment;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) {
    throw new LoadError(`invalid execution segment; reason: expected 0 <= index < count, got index ${index} of ${count}`);
  }
  const point = (i: number) => (i === 0 ? '0' : i === count ? '1' : `${i}/${count}`);
  const sequence = Array.from({ length: count + 1 }, (_, i) => point(i)).join(',');
  return [
    `--execution-segment=${point(index)}:${point(index + 1)}`,
    `--execution-segment-sequence=${sequence}`,
    '--paused',
    '--address',
    `127.0.0.1:${segment.restPort}`,
  ];
}

interface RoleSetup {
  role: LoadRole;
  name: string;
  vus: number;
  logFile: string;
  resultFile: string;
  extraArgs: string[];
  extraTags: string[];
  extraScriptEnv: Record<string, string>;
  /** Takes k6's stdout instead of the log; returns what of it goes to the log. */
  stdout?: (chunk: string) => string;
}

const logTailLines = 30;

async function startK6(options: K6RunOptions, setup: RoleSetup): Promise<K6Process> {
  checkNumbers(options, setup);
  await mkdir(options.runDir, { recursive: true });

  const scriptEnv: Record<string, string> = {
    BASE_URL: options.baseUrl,
    RATE: String(options.rate),
    DURATION: `${options.durationSeconds}s`,
    RUN_ID: options.runId,
    VUS: String(setup.vus),
    ...setup.extraScriptEnv,
    ...options.scriptEnv,
  };
  const args = [
    'run',
    '--no-usage-report',
    '--quiet',
    '--tag',
    `testid=${options.runId}`,
    '--tag',
    `role=${setup.role}`,
    ...setup.extraTags,
    ...Object.entries(scriptEnv).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(options.prometheusUrl === undefined ? [] : ['--out', 'experimental-prometheus-rw']),
    ...setup.extraArgs,
    options.script,
  ];
  const env = k6Environment(options);

  const spawn = options.spawn ?? (nodeSpawn as Spawn);
  const child = spawn(options.k6Path, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl+C in the terminal reaches gameday, which reverts faults and
    // then stops the load in order, instead of k6 dying first and the journal reading "crash".
    detached: true,
  });

  const what = setup.role === 'trace' ? 'k6 trace' : `k6 burst "${setup.name}"`;
  const tail = new LineTail(logTailLines);
  // Errors after a successful start (a failing kill) go to the log tail; the exit decides the outcome.
  let started = false;
  child.on('error', (error: Error) => {
    if (started) tail.push(`[gameday] ${error.message}\n`);
  });
  const pid = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => {
      const message = `${what} could not be started from ${options.k6Path}: ${error.message}`;
      reject(new LoadError(`${message}. Check the path (resolveTool("k6") installs it).`, { cause: error }));
    };
    child.once('error', onError);
    child.once('spawn', () => {
      started = true;
      child.off('error', onError);
      resolve(child.pid ?? -1);
    });
  });

  const log = createWriteStream(setup.logFile, { flags: 'a' });
  log.on('error', (error) => tail.push(`[gameday] cannot write ${setup.logFile}: ${error.message}\n`));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (data: string) => {
      const chunk = stream === child.stdout && setup.stdout ? setup.stdout(data) : data;
      log.write(chunk);
      tail.push(chunk);
    });
  }

  let stopped = false;
  let killedAfterGrace = false;
  let exited = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const done = new Promise<K6Exit>((resolve, reject) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      exited = true;
      clearTimeout(graceTimer);
      // Settle only once the log is on disk, so a reader of the log file sees all of it.
      void closeLog(log).then(() => {
        const exit: K6Exit = { exitCode: code, signal, stopped };
        const problem = exitProblem(exit, killedAfterGrace, options.stopGraceMs ?? defaultStopGraceMs);
        if (problem === undefined) resolve(exit);
        else reject(new K6ExitError(`${what} ${problem}`, exit, setup.logFile, tail.lines()));
      });
    });
  });
  done.catch(() => {});

  return {
    role: setup.role,
    name: setup.name,
    pid,
    command: [options.k6Path, ...args],
    logFile: setup.logFile,
    resultFile: setup.resultFile,
    done,
    stop() {
      if (!exited && !stopped) {
        stopped = true;
        child.kill('SIGINT');
        graceTimer = setTimeout(() => {
          killedAfterGrace = true;
          child.kill('SIGKILL');
        }, options.stopGraceMs ?? defaultStopGraceMs);
      }
      return done;
    },
  };
}

const defaultStopGraceMs = 15_000;

/** Ends the stream and waits until it is closed, also when it already failed (no 'finish' then). */
function closeLog(log: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (log.closed || log.destroyed) return resolve();
    log.once('close', () => resolve());
    log.end();
  });
}

function checkNumbers(options: K6RunOptions, setup: RoleSetup): void {
  const problems: string[] = [];
  if (!(Number.isFinite(options.rate) && options.rate > 0))
    problems.push(`invalid rate; reason: expected a number greater than 0, got ${options.rate}`);
  if (!(Number.isFinite(options.durationSeconds) && options.durationSeconds > 0))
    problems.push(`invalid durationSeconds; reason: expected a number greater than 0, got ${options.durationSeconds}`);
  if (!(Number.isInteger(setup.vus) && setup.vus >= 1))
    problems.push(`invalid vus; reason: expected a whole number of at least 1, got ${setup.vus}`);
  if (problems.length > 0) throw new LoadError(`cannot start k6 ${setup.role} "${setup.name}": ${problems.join('; ')}`);
}

function k6Environment(options: K6RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Inherited K6_* settings (K6_OUT, K6_DURATION, …) would silently change what runs.
  for (const [key, value] of Object.entries(options.processEnv ?? process.env)) {
    if (!key.startsWith('K6_')) env[key] = value;
  }
  if (options.prometheusUrl !== undefined) {
    env.K6_PROMETHEUS_RW_SERVER_URL = `${options.prometheusUrl.replace(/\/+$/, '')}/api/v1/write`;
    // k6 pushes a series only when it got new samples; 1 s keeps a 1 req/s trace's counter
    // near-continuous, so an absent_over_time window can be short.
    env.K6_PROMETHEUS_RW_PUSH_INTERVAL = '1s';
    // When a process ends, its series end with it instead of lingering for Prometheus's 5 min
    // lookback (a burst's gauges would otherwise look alive after it finished).
    env.K6_PROMETHEUS_RW_STALE_MARKERS = 'true';
  }
  Object.assign(env, options.env);
  // The network is closed: a k6/x/ import must fail at once, not try to download a build.
  env.K6_AUTO_EXTENSION_RESOLUTION = 'false';
  return env;
}

/** k6's exit codes (errext/exitcodes), for messages. */
export const k6ExitCodes: Readonly<Record<number, string>> = {
  0: 'success',
  97: 'cloud test run failed',
  98: 'cloud progress failure',
  99: 'thresholds have failed',
  100: 'setup() timed out',
  101: 'teardown() timed out',
  102: 'generic timeout',
  103: 'stopped from the REST API',
  104: 'invalid configuration',
  105: 'external abort (SIGINT or SIGTERM)',
  106: 'cannot start the REST API',
  107: 'script exception',
  108: 'test.abort() called by the script',
  109: 'Go panic',
  110: 'marked as failed',
};

/** Why an exit is a failure, or undefined when it is a normal end. */
export function exitProblem(exit: K6Exit, killedAfterGrace: boolean, stopGraceMs: number): string | undefined {
  if (killedAfterGrace) {
    return `did not exit within ${stopGraceMs / 1000} s of SIGINT and was killed; its outputs may be incomplete`;
  }
  if (exit.exitCode === 0 || exit.exitCode === 99) return undefined;
  if (exit.exitCode === 105 && exit.stopped) return undefined;
  if (exit.exitCode === null) return `was killed by ${exit.signal ?? 'an unknown signal'}`;
  const meaning = k6ExitCodes[exit.exitCode] ?? 'unknown exit code';
  const from = exit.exitCode === 105 ? ', but gameday did not stop it: something else signalled it' : '';
  return `exited with code ${exit.exitCode} (${meaning}${from})`;
}
