// The k6 processes of a run: the trace for the whole window and each burst at its time. Every
// start and end is journaled with k6's figures; at the end of the run the trace is stopped (and,
// on an abort, the bursts too), and the run waits for each to have exited and been read.

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage, LoadError } from '../errors.ts';
import type { LoadResult, LoadRole } from '../journal/events.ts';
import type { BurstSpec } from '../plan/types.ts';
import type { TraceIteration } from '../load/trace-stream.ts';
import type { RunContext } from './context.ts';
import type { OperatorBursts } from './k6-operator-bursts.ts';
import type { LoadFinish, LoadHandle, LoadRunner, TraceHandle, TraceProgress } from './ports.ts';

export type Salvage = (span: {
  burst: string;
  requestedRate: number;
  durationSeconds: number;
  startedAt: Date;
  endedAt: Date;
}) => Promise<LoadResult | undefined>;

interface TrackedLoad {
  handle: LoadHandle;
  role: LoadRole;
  name: string;
  done: Promise<void>;
}

/** A trace whose k6 dies mid-window is started again this many times (each restart journaled). */
const TRACE_RESTARTS = 1;

/**
 * The trace's samples are journaled this often while it runs: gameday keeps none in memory for
 * long (an 8-hour window is 28,800 iterations at 1 req/s), and a report after a crash has them.
 */
export const TRACE_CHUNK_SECONDS = 15;

export class Loads {
  private readonly loads: TrackedLoad[] = [];
  /** Set once the run ends: a k6 that exits from here on was stopped, not lost. */
  private stopping = false;
  private traceRestarts = 0;
  private traceEndsAt = 0;
  /** The trace's k6 now running (the latest restart). */
  private trace: TraceHandle | undefined;
  private readonly iterationListeners = new Set<(iteration: TraceIteration) => void>();
  private readonly run: RunContext;
  private readonly runner: LoadRunner;

  /** What a burst whose k6 died achieved, from what it pushed to Prometheus (burst-salvage.ts). */
  private readonly salvage: Salvage | undefined;

  /** Bursts with engine: k6-operator, run as TestRuns through kubectl (k6-operator-bursts.ts). */
  private readonly operator: OperatorBursts | undefined;

  constructor(run: RunContext, runner: LoadRunner, salvage?: Salvage, operator?: OperatorBursts) {
    this.run = run;
    this.runner = runner;
    this.salvage = salvage;
    this.operator = operator;
  }

  /** Starts the trace for `durationSeconds` (longer than the window: it must outlive the grace). */
  async startTrace(durationSeconds: number): Promise<void> {
    this.traceEndsAt = this.run.now().getTime() + durationSeconds * 1000;
    await this.launchTrace(durationSeconds, 0);
  }

  private async launchTrace(durationSeconds: number, restart: number): Promise<void> {
    const { plan } = this.run;
    const trace = await this.runner.startTrace({
      script: plan.trace.script,
      baseUrl: plan.target.baseUrl,
      rate: plan.trace.rate,
      durationSeconds,
      runId: this.run.runId,
      // A restarted trace writes its results beside the first one's, never over them.
      runDir: restart === 0 ? this.run.runDir : join(this.run.runDir, `trace-restart-${restart}`),
      prometheusUrl: plan.monitoring.prometheus.url,
      ...(plan.trace.journeys && {
        scriptEnv: { JOURNEYS_FILE: await this.writeLoadFile('journeys.json', { journeys: plan.trace.journeys }) },
      }),
    });
    this.trace = trace;
    this.streamTrace(trace);
    this.track(trace, 'trace', 'trace', plan.trace.rate, durationSeconds, restart);
    this.run.log(`trace: k6 pid ${trace.pid}, ${plan.trace.rate} req/s to ${plan.target.baseUrl}${restart ? ' (restarted)' : ''}`);
  }

  /** How far the running trace has got (k6's output so far); zeros before it started. */
  async traceProgress(): Promise<TraceProgress> {
    return this.trace ? this.trace.progress() : { iterations: 0, samples: 0, timed: 0 };
  }

  /** Calls `listener` with each trace iteration as it arrives (also after a restart); returns the unsubscribe. */
  onTraceIteration(listener: (iteration: TraceIteration) => void): () => void {
    this.iterationListeners.add(listener);
    return () => this.iterationListeners.delete(listener);
  }

  /** Journals the trace's samples in chunks while its k6 runs; the rest come with its end (ended()). */
  private streamTrace(trace: TraceHandle): void {
    const { stream } = trace;
    if (!stream) return;
    stream.onIteration((iteration) => {
      for (const listener of this.iterationListeners) listener(iteration);
    });
    const timer = setInterval(() => {
      const chunk = stream.take();
      if (chunk.samples.length > 0)
        this.recordTrace({ traceSamples: chunk.samples, traceLatencies: chunk.latencies, traceJourneys: chunk.journeys });
    }, TRACE_CHUNK_SECONDS * 1000);
    const stop = () => clearInterval(timer);
    trace.finished.then(stop, stop);
  }

  /**
   * The trace's k6 ended while the run goes on (killed, out of memory, its disk full): the gap is
   * a blind interval for the verdicts that need the trace; start it once more for the rest.
   */
  private async restartTrace(): Promise<void> {
    const remainingSeconds = Math.round((this.traceEndsAt - this.run.now().getTime()) / 1000);
    if (this.stopping || this.traceRestarts >= TRACE_RESTARTS || remainingSeconds < 5) return;
    this.traceRestarts++;
    this.run.log(`${this.run.schedule.clock()} trace: k6 ended mid-window; starting it again for the remaining ${remainingSeconds}s`);
    await this.launchTrace(remainingSeconds, this.traceRestarts).catch((error: unknown) =>
      this.run.log(`${this.run.schedule.clock()} trace: could not start it again: ${errorMessage(error)}`),
    );
  }

  /** Waits for the burst's time, starts it, and resolves when it has ended. */
  async runBurst(burst: BurstSpec): Promise<void> {
    const { plan, schedule } = this.run;
    await schedule.sleepUntil(burst.atSeconds);
    if (burst.engine === 'k6-operator') return this.runOperatorBurst(burst);
    const handle = await this.runner.startBurst({
      name: burst.name,
      script: burst.script,
      baseUrl: plan.target.baseUrl,
      rate: burst.rate,
      durationSeconds: burst.durationSeconds,
      ...(burst.vus ? { vus: burst.vus } : {}),
      ...(burst.processes ? { processes: burst.processes } : {}),
      runId: this.run.runId,
      runDir: this.run.runDir,
      prometheusUrl: plan.monitoring.prometheus.url,
      ...(burst.requests && {
        scriptEnv: { REQUESTS_FILE: await this.writeLoadFile(`burst-${burst.name}-requests.json`, { requests: burst.requests }) },
      }),
    });
    const where = handle.processes
      ? `${handle.processes.length} k6 processes, pids ${handle.processes.map((p) => p.pid).join(' ')}, released within ${handle.releaseSkewMs} ms`
      : `k6 pid ${handle.pid}`;
    this.run.log(
      `${schedule.clock()} burst ${burst.name}: ${burst.rate} req/s for ${burst.durationSeconds}s (${where}, ${handle.vus} VUs)`,
    );
    await this.untilEndedOrAborted(this.track(handle, 'burst', burst.name, burst.rate, burst.durationSeconds).done);
  }

  /** A TestRun: journaled as started once its stage is `started`; ended (and deleted) like any burst. */
  private async runOperatorBurst(burst: BurstSpec): Promise<void> {
    if (!this.operator) throw new LoadError(`burst ${burst.name} has engine: k6-operator, but this run has no k6-operator engine`);
    const handle = await this.operator.start(burst);
    if (!handle) return;
    const { namespace } = burst.kubernetes ?? { namespace: 'default' };
    const { schedule } = this.run;
    this.run.log(
      `${schedule.clock()} burst ${burst.name}: ${burst.rate} req/s for ${burst.durationSeconds}s (TestRun in ${namespace}, started)`,
    );
    await this.untilEndedOrAborted(this.track(handle, 'burst', burst.name, burst.rate, burst.durationSeconds).done);
  }

  /**
   * A burst's end, or an abort (Ctrl-C, SIGTERM, a stop condition), whichever comes first: an abort
   * does not wait for the burst (up to its whole duration); the run's clean-up stops it at once.
   */
  private async untilEndedOrAborted(done: Promise<unknown>): Promise<void> {
    const { schedule } = this.run;
    const aborted = new Promise<void>((resolve) =>
      schedule.signal.aborted ? resolve() : schedule.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.race([done, aborted]);
    schedule.throwIfAborted();
  }

  /** What a k6 script reads with open(): written into the run folder, kept beside its results. */
  private async writeLoadFile(name: string, content: unknown): Promise<string> {
    await mkdir(this.run.runDir, { recursive: true });
    const file = resolve(this.run.runDir, name);
    await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
    return file;
  }

  /** Stops the trace (and on an abort every burst), then waits until every k6 has exited and been read. */
  async stop(reason: 'scheduled' | 'aborted'): Promise<void> {
    this.stopping = true;
    for (const load of this.loads) {
      if (load.role === 'trace' || reason === 'aborted') await load.handle.stop().catch(() => undefined);
    }
    // TestRuns not started yet are stopped too (each deletes what it applied), and waited for.
    if (reason === 'aborted') this.operator?.stopAll('the game day is ending');
    await this.operator?.settled();
    // A restart may have been started meanwhile: wait until no load is left running.
    for (let settled = 0; settled < this.loads.length;) {
      settled = this.loads.length;
      await Promise.all(this.loads.map((load) => load.done));
    }
  }

  private track(handle: LoadHandle, role: LoadRole, name: string, rate: number, durationSeconds: number, restart = 0): TrackedLoad {
    this.run.record({
      kind: 'load.started',
      role,
      name,
      pid: handle.pid,
      requestedRate: rate,
      durationSeconds,
      vus: handle.vus,
      ...(restart ? { restart } : {}),
      ...(handle.processes ? { processes: handle.processes } : {}),
      ...(handle.releaseSkewMs !== undefined ? { releaseSkewMs: handle.releaseSkewMs } : {}),
    });
    const startedAt = this.run.now();
    const done = handle.finished
      .then(
        async (finish) => this.ended(role, name, await this.salvaged(role, name, rate, durationSeconds, startedAt, finish)),
        (error) => this.ended(role, name, { exitCode: null, signal: null, error: errorMessage(error) }),
      )
      .then(() => (role === 'trace' && !this.stopping ? this.restartTrace() : undefined));
    const load = { handle, role, name, done };
    this.loads.push(load);
    return load;
  }

  /**
   * The trace's samples: one event per named journey (the analysis judges impact per journey and
   * overall from them), and one for iterations without a journey, or all of them when none has one.
   */
  private recordTrace(finish: Pick<LoadFinish, 'traceSamples' | 'traceLatencies' | 'traceJourneys'>): void {
    const { record } = this.run;
    const journeys = finish.traceJourneys ?? [];
    if (journeys.length === 0) {
      record({
        kind: 'trace.samples',
        samples: finish.traceSamples ?? [],
        ...(finish.traceLatencies ? { latencies: finish.traceLatencies } : {}),
      });
      return;
    }
    // The journeys hold the very sample tuples of traceSamples (k6-results.ts): what is left is untagged.
    const named = new Set(journeys.flatMap((journey) => journey.samples));
    const rest = (finish.traceSamples ?? []).filter((sample) => !named.has(sample));
    if (rest.length > 0) {
      const restAt = new Set(rest.map(([at]) => at));
      record({ kind: 'trace.samples', samples: rest, latencies: (finish.traceLatencies ?? []).filter(([at]) => restAt.has(at)) });
    }
    for (const journey of journeys) {
      record({ kind: 'trace.samples', journey: journey.journey, samples: journey.samples, latencies: journey.latencies });
    }
  }

  /** A burst that ended without its summary gets the figures it pushed to Prometheus, when there are any. */
  private async salvaged(
    role: LoadRole,
    name: string,
    rate: number,
    durationSeconds: number,
    startedAt: Date,
    finish: LoadFinish,
  ): Promise<LoadFinish> {
    if (role !== 'burst' || finish.result || !this.salvage) return finish;
    const result = await this.salvage({ burst: name, requestedRate: rate, durationSeconds, startedAt, endedAt: this.run.now() }).catch(
      () => undefined,
    );
    if (!result) return finish;
    const note = 'its figures are what k6 pushed to Prometheus until it ended (no summary)';
    return { ...finish, result, error: finish.error ? `${finish.error}; ${note}` : note };
  }

  private ended(role: LoadRole, name: string, finish: LoadFinish): void {
    const { record, log, schedule } = this.run;
    record({
      kind: 'load.ended',
      role,
      name,
      exitCode: finish.exitCode,
      signal: finish.signal,
      ...(finish.result ? { result: finish.result } : {}),
      ...(finish.error ? { error: finish.error } : {}),
      ...(finish.processes ? { processes: finish.processes } : {}),
    });
    if (finish.traceSamples) this.recordTrace(finish);
    if (finish.result) {
      const r = finish.result;
      log(
        `${schedule.clock()} burst ${name} done: ${r.achievedRate.toFixed(1)} of ${r.requestedRate} req/s, ${r.droppedIterations} dropped iterations`,
      );
    }
    if (finish.error) log(`${schedule.clock()} ${role} ${name}: ${finish.error}`);
  }
}
