import type { SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  burstVuPool,
  burstVus,
  exitProblem,
  segmentArgs,
  K6ExitError,
  type K6RunOptions,
  LineTail,
  type Spawn,
  startBurst,
  startTrace,
} from './k6-runner.ts';
import { LoadError } from '../errors.ts';

/** A k6 stand-in: records how it was started and which signals it got; the test decides when it exits. */
class FakeK6 extends EventEmitter {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly signals: NodeJS.Signals[] = [];
  onSignal: (signal: NodeJS.Signals) => void = () => {};
  readonly command: string;
  readonly args: readonly string[];
  readonly options: SpawnOptions;

  constructor(command: string, args: readonly string[], options: SpawnOptions) {
    super();
    this.command = command;
    this.args = args;
    this.options = options;
    process.nextTick(() => this.emit('spawn'));
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    this.onSignal(signal);
    return true;
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

let runDir: string;
let started: FakeK6[];
const spawn: Spawn = (command, args, options) => {
  const child = new FakeK6(command, args, options);
  started.push(child);
  return child;
};

beforeEach(async () => {
  runDir = await mkdtemp(join(tmpdir(), 'gameday-load-runner-'));
  started = [];
});

function base(overrides: Partial<K6RunOptions> = {}): K6RunOptions {
  return {
    k6Path: '/opt/k6',
    script: '/repo/traces/trace.ts',
    baseUrl: 'http://127.0.0.1:18080',
    rate: 1,
    durationSeconds: 300,
    runId: 'run-1',
    runDir,
    spawn,
    processEnv: { PATH: '/usr/bin', K6_OUT: 'json=/elsewhere.json', K6_AUTO_EXTENSION_RESOLUTION: 'true' },
    ...overrides,
  };
}

const only = (): FakeK6 => {
  expect(started).toHaveLength(1);
  return started[0] as FakeK6;
};

describe('startTrace', () => {
  it('runs k6 quietly with the run tags, the script settings and JSON output into the run folder', async () => {
    const trace = await startTrace(base());
    const k6 = only();
    expect(k6.command).toBe('/opt/k6');
    expect(k6.args).toEqual([
      'run',
      '--no-usage-report',
      '--quiet',
      '--tag',
      'testid=run-1',
      '--tag',
      'role=trace',
      '-e',
      'BASE_URL=http://127.0.0.1:18080',
      '-e',
      'RATE=1',
      '-e',
      'DURATION=300s',
      '-e',
      'RUN_ID=run-1',
      '-e',
      'VUS=3',
      '--out',
      'json=-',
      '/repo/traces/trace.ts',
    ]);
    expect(trace).toMatchObject({
      role: 'trace',
      name: 'trace',
      pid: 4242,
      resultFile: join(runDir, 'trace-results.json'),
      logFile: join(runDir, 'k6-trace.log'),
    });
    expect(trace.command).toEqual(['/opt/k6', ...k6.args]);
    k6.exit(0);
    await trace.done;
  });

  it('drops inherited K6_* settings and always disables extension resolution', async () => {
    const trace = await startTrace(base({ env: { K6_AUTO_EXTENSION_RESOLUTION: 'true', EXTRA: 'x' } }));
    const env = only().options.env ?? {};
    expect(env.K6_OUT).toBeUndefined();
    expect(env.K6_AUTO_EXTENSION_RESOLUTION).toBe('false');
    expect(env.PATH).toBe('/usr/bin');
    expect(env.EXTRA).toBe('x');
    expect(env.K6_PROMETHEUS_RW_SERVER_URL).toBeUndefined();
    expect(only().args).not.toContain('experimental-prometheus-rw');
    only().exit(0);
    await trace.done;
  });

  it('adds remote write, pushing every second with stale markers, when given Prometheus', async () => {
    const trace = await startTrace(base({ prometheusUrl: 'http://127.0.0.1:19090/', env: { K6_PROMETHEUS_RW_TREND_STATS: 'p(95)' } }));
    const k6 = only();
    expect(k6.args.join(' ')).toContain('--out experimental-prometheus-rw --out json=');
    expect(k6.options.env).toMatchObject({
      K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:19090/api/v1/write',
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
      K6_PROMETHEUS_RW_STALE_MARKERS: 'true',
      K6_PROMETHEUS_RW_TREND_STATS: 'p(95)',
    });
    k6.exit(0);
    await trace.done;
  });

  it('writes everything k6 prints to the log file', async () => {
    const trace = await startTrace(base());
    const k6 = only();
    k6.stdout.write('summary line\n');
    k6.stderr.write('time="…" level=warn msg="slow"\n');
    k6.exit(0);
    expect(await trace.done).toEqual({ exitCode: 0, signal: null, stopped: false });
    const log = await readFile(trace.logFile, 'utf8');
    expect(log).toContain('summary line\n');
    expect(log).toContain('level=warn msg="slow"\n');
  });

  it("reads the trace's JSON from stdout as it comes: samples to the stream, their lines to the result file, not the log", async () => {
    const trace = await startTrace(base());
    const k6 = only();
    const ok =
      '{"metric":"trace_ok","type":"Point","data":{"time":"2026-11-23T02:28:31.6Z","value":1,"tags":{},"metadata":{"started_ms":"1795400911625"}}}';
    const reqs = '{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-23T02:28:31.6Z","value":1,"tags":{}}}';
    const seen: number[] = [];
    trace.trace.onIteration(({ at }) => seen.push(at));
    k6.stdout.write(`${ok}\n${reqs}\n`);
    await vi.waitFor(() => expect(seen).toEqual([1795400911625]));
    k6.stdout.write('summary line\n');
    k6.exit(0);
    await trace.done;
    expect(trace.trace.take(true).samples).toEqual([[1795400911625, 1]]);
    expect(await readFile(trace.resultFile, 'utf8')).toBe(`${ok}\n`);
    const log = await readFile(trace.logFile, 'utf8');
    expect(log).toBe('summary line\n');
  });

  it('still settles when the log file cannot be written', async () => {
    await mkdir(join(runDir, 'k6-trace.log'));
    const trace = await startTrace(base());
    const k6 = only();
    k6.stderr.write('level=error msg="boom"\n');
    k6.exit(107);
    const error = (await trace.done.catch((e: unknown) => e)) as K6ExitError;
    expect(error.logTail).toContain('level=error msg="boom"');
    expect(error.logTail.some((line) => line.startsWith(`[gameday] cannot write ${trace.logFile}: EISDIR`))).toBe(true);
  });

  it('rejects a crash with the exit code, its meaning and the tail of the log', async () => {
    const trace = await startTrace(base());
    const k6 = only();
    for (let i = 1; i <= 40; i += 1) k6.stderr.write(`line ${i}\n`);
    k6.stderr.write('level=error msg="Error: invalid BASE_URL" hint="script exception"');
    k6.exit(107);
    const error = await trace.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(K6ExitError);
    expect(error).toBeInstanceOf(LoadError);
    const exitError = error as K6ExitError;
    expect(exitError.message).toMatch(/^k6 trace exited with code 107 \(script exception\)\./);
    expect(exitError.message).toContain(`Last lines of ${trace.logFile}:`);
    expect(exitError.logTail).toHaveLength(30);
    expect(exitError.logTail[0]).toBe('line 12');
    expect(exitError.logTail.at(-1)).toContain('invalid BASE_URL');
    expect(exitError.exit).toEqual({ exitCode: 107, signal: null, stopped: false });
  });

  it('stop() sends SIGINT and resolves on k6 exit 105', async () => {
    const trace = await startTrace(base());
    const k6 = only();
    k6.onSignal = (signal) => signal === 'SIGINT' && k6.exit(105);
    expect(await trace.stop()).toEqual({ exitCode: 105, signal: null, stopped: true });
    expect(k6.signals).toEqual(['SIGINT']);
    // A second stop() neither signals again nor fails.
    expect(await trace.stop()).toEqual({ exitCode: 105, signal: null, stopped: true });
    expect(k6.signals).toEqual(['SIGINT']);
  });

  it('stop() kills k6 after the grace when it ignores SIGINT, and says so', async () => {
    const trace = await startTrace(base({ stopGraceMs: 20 }));
    const k6 = only();
    k6.onSignal = (signal) => signal === 'SIGKILL' && k6.exit(null, 'SIGKILL');
    await expect(trace.stop()).rejects.toThrow('k6 trace did not exit within 0.02 s of SIGINT and was killed');
    expect(k6.signals).toEqual(['SIGINT', 'SIGKILL']);
  });

  it('treats an exit 105 that gameday did not ask for as a failure', async () => {
    const trace = await startTrace(base());
    only().exit(105);
    await expect(trace.done).rejects.toThrow('exited with code 105 (external abort (SIGINT or SIGTERM), but gameday did not stop it');
  });

  it('collects every bad number before starting anything', async () => {
    const start = startTrace(base({ rate: 0, durationSeconds: Number.NaN, vus: 1.5 }));
    await expect(start).rejects.toThrow(
      'cannot start k6 trace "trace": invalid rate; reason: expected a number greater than 0, got 0; ' +
        'invalid durationSeconds; reason: expected a number greater than 0, got NaN; ' +
        'invalid vus; reason: expected a whole number of at least 1, got 1.5',
    );
    expect(started).toHaveLength(0);
  });

  it('fails to start with the path when the binary is missing (real spawn)', async () => {
    const start = startTrace(base({ k6Path: join(runDir, 'no-such-k6'), spawn: undefined }));
    await expect(start).rejects.toThrow(`k6 trace could not be started from ${join(runDir, 'no-such-k6')}: spawn`);
    await expect(start).rejects.toBeInstanceOf(LoadError);
  });
});

describe('startBurst', () => {
  it('sizes VUs from the rate and the measured latency, tags the burst and exports its summary', async () => {
    const burst = await startBurst({ ...base({ rate: 2000, durationSeconds: 20 }), name: 'peak-1', latencyMs: 2 });
    const k6 = only();
    const args = k6.args.join(' ');
    expect(args).toContain('--tag role=burst --tag burst=peak-1');
    // 2 ms is under the 10 ms floor: 2000 × 0.01 × 4 = 80 ready; 2000 × 0.25 = 500 at most.
    expect(args).toContain('-e RATE=2000 -e DURATION=20s -e RUN_ID=run-1 -e VUS=80 -e MAX_VUS=500 -e LATENCY_MS=2 ');
    expect(args).not.toContain('--paused');
    expect(args).toContain(`--summary-export=${join(runDir, 'burst-peak-1-summary.json')}`);
    expect(burst.resultFile).toBe(join(runDir, 'burst-peak-1-summary.json'));
    expect(burst.logFile).toBe(join(runDir, 'k6-burst-peak-1.log'));
    k6.exit(0);
    await burst.done;
  });

  it('passes explicit VUS and MAX_VUS, and accepts exit 99 (thresholds) as a finished run', async () => {
    const burst = await startBurst({ ...base({ rate: 300, vus: 50 }), name: 'b', maxVus: 80 });
    const k6 = only();
    expect(k6.args.join(' ')).toContain('-e VUS=50 -e MAX_VUS=80 ');
    k6.exit(99);
    expect(await burst.done).toEqual({ exitCode: 99, signal: null, stopped: false });
  });

  it('refuses a name that cannot be a file name', async () => {
    await expect(startBurst({ ...base(), name: '../evil' })).rejects.toThrow(
      `invalid burst name; reason: expected letters, digits, '.', '_' or '-', got "../evil"`,
    );
    expect(started).toHaveLength(0);
  });
});

describe('burstVuPool', () => {
  it('pre-allocates 4× the measured latency (at least 10 ms, at least 20 VUs) and keeps 250 ms per request as the ceiling', () => {
    expect(burstVuPool(2000)).toEqual({ vus: 80, maxVus: 500 });
    expect(burstVuPool(2000, 0.3)).toEqual({ vus: 80, maxVus: 500 });
    expect(burstVuPool(300, 1)).toEqual({ vus: 20, maxVus: 75 });
    expect(burstVuPool(10)).toEqual({ vus: 20, maxVus: 20 });
    // A stalled target (the probe ran out of its budget) gets the old 250 ms pool, and no more.
    expect(burstVuPool(2000, 500)).toEqual({ vus: 4000, maxVus: 4000 });
    expect(burstVus(1001, 10)).toBe(41);
  });
});

describe('segmentArgs', () => {
  it('gives process i of N its segment of the sequence, paused, with its REST API on loopback (as k6-operator does)', () => {
    expect(segmentArgs({ index: 0, count: 2, restPort: 6565 })).toEqual([
      '--execution-segment=0:1/2',
      '--execution-segment-sequence=0,1/2,1',
      '--paused',
      '--address',
      '127.0.0.1:6565',
    ]);
    expect(segmentArgs({ index: 2, count: 4, restPort: 7000 }).slice(0, 2)).toEqual([
      '--execution-segment=2/4:3/4',
      '--execution-segment-sequence=0,1/4,2/4,3/4,1',
    ]);
    expect(() => segmentArgs({ index: 2, count: 2, restPort: 1 })).toThrow('expected 0 <= index < count, got index 2 of 2');
  });

  it('names the files per instance and tags instance_id', async () => {
    const burst = await startBurst({ ...base({ rate: 100 }), name: 'peak', segment: { index: 1, count: 2, restPort: 6566 } });
    const args = only().args.join(' ');
    expect(args).toContain('--tag burst=peak --tag instance_id=2');
    expect(args).toContain('--execution-segment=1/2:1 --execution-segment-sequence=0,1/2,1 --paused --address 127.0.0.1:6566');
    expect(burst.resultFile).toBe(join(runDir, 'burst-peak.2-summary.json'));
    expect(burst.logFile).toBe(join(runDir, 'k6-burst-peak.2.log'));
  });
});

describe('exitProblem', () => {
  const exit = (exitCode: number | null, stopped = false, signal: NodeJS.Signals | null = null) => ({
    exitCode,
    signal,
    stopped,
  });
  it('accepts the normal ends', () => {
    expect(exitProblem(exit(0), false, 1000)).toBeUndefined();
    expect(exitProblem(exit(99), false, 1000)).toBeUndefined();
    expect(exitProblem(exit(105, true), false, 1000)).toBeUndefined();
  });
  it('names everything else', () => {
    expect(exitProblem(exit(104), false, 1000)).toBe('exited with code 104 (invalid configuration)');
    expect(exitProblem(exit(null, false, 'SIGSEGV'), false, 1000)).toBe('was killed by SIGSEGV');
    expect(exitProblem(exit(3), false, 1000)).toBe('exited with code 3 (unknown exit code)');
    expect(exitProblem(exit(105, true), true, 15000)).toContain('did not exit within 15 s of SIGINT');
  });
});

describe('LineTail', () => {
  it('keeps the last lines across chunk boundaries, including an unterminated one', () => {
    const tail = new LineTail(3);
    tail.push('a\nb');
    tail.push('c\n\nd\ne');
    expect(tail.lines()).toEqual(['bc', 'd', 'e']);
  });
});
