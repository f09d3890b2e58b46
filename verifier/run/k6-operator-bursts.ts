// The bursts of a plan with `engine: k6-operator`: at the burst's time gameday writes the ConfigMap
// and TestRun into the run folder, journals them (load.applied: `gameday revert` deletes them after
// a crash), applies them with the plan's kubectl and context, and takes the burst's start from
// .status.stage reaching `started` (load.started then). It waits for `finished` (or `error`) for
// the burst's duration and a margin, reads the runner pods' exit codes (finished is not passed),
// and reads what the runners pushed by remote write from Prometheus (their summaries stay in the
// pods). Whatever ends it (its end, Ctrl-C, a stop condition, kubectl failing), it deletes what it
// applied with `kubectl delete -f` and journals load.deleted.

import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { LoadResult } from '../journal/events.ts';
import { burstVuPool } from '../load/index.ts';
import { testRunProblems } from '../load/k6-operator/crd.ts';
import { kubectlArgv, kubectlCommand } from '../load/k6-operator/kubectl.ts';
import { failedRunners, type Kubectl, type RunnerExit, TestRunSession } from '../load/k6-operator/lifecycle.ts';
import { k6OperatorManifests, manifestsYaml, scriptFiles } from '../load/k6-operator/manifests.ts';
import type { InstantResult } from '../observe/prometheus.ts';
import type { BurstSpec, KubernetesRun, Plan } from '../plan/types.ts';
import type { RunContext } from './context.ts';
import type { LoadFinish, LoadHandle } from './ports.ts';

export interface OperatorBurstsOptions {
  query: (expr: string, time?: Date) => Promise<InstantResult>;
  /** How to run kubectl for a burst; default: kubectlCommand with the plan's kubectl and context. */
  kubectl?: (kubernetes: KubernetesRun) => Kubectl;
  /** From apply to stage `started` (image pulls, pods scheduled). Default 300 s. */
  startTimeoutMs?: number;
  /** After the burst's duration, how long `finished` may take. Default 60 s. */
  finishMarginMs?: number;
  pollMs?: number;
}

export class OperatorBursts {
  readonly #run: RunContext;
  readonly #options: OperatorBurstsOptions;
  /** Stops every burst of this kind, started or not yet (Loads.stop on an abort). */
  readonly #stop = new AbortController();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(run: RunContext, options: OperatorBurstsOptions) {
    this.#run = run;
    this.#options = options;
  }

  /** Aborts the waits of every burst; each then deletes what it applied. */
  stopAll(reason: string): void {
    this.#stop.abort(new Error(reason));
  }

  /** Resolves once every burst has ended and deleted what it applied. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Applies the burst and resolves with its handle once it started, or with undefined when it ended
   * before (its load.ended is journaled then, with why).
   */
  async start(burst: BurstSpec): Promise<LoadHandle | undefined> {
    let release: () => void = () => {};
    const whole = new Promise<void>((done) => (release = done));
    this.#inFlight.add(whole);
    void whole.then(() => this.#inFlight.delete(whole));
    try {
      const handle = await this.#start(burst, release);
      if (handle === undefined) release();
      return handle;
    } catch (error) {
      release();
      throw error;
    }
  }

  async #start(burst: BurstSpec, release: () => void): Promise<LoadHandle | undefined> {
    const { plan, runId, runDir, record, log, schedule } = this.#run;
    const kubernetes = burst.kubernetes ?? { namespace: 'default' };
    const ended = (error: string) => record({ kind: 'load.ended', role: 'burst', name: burst.name, exitCode: null, signal: null, error });
    let manifests;
    try {
      manifests = k6OperatorManifests({
        burst,
        runId,
        baseUrl: plan.target.baseUrl,
        prometheus: plan.monitoring.prometheus,
        files: scriptFiles(burst.script, (path) => readFileSync(path, 'utf8')),
        ...(burst.requests !== undefined && { requestsJson: `${JSON.stringify({ requests: burst.requests })}\n` }),
      });
      const problems = testRunProblems(manifests.testRun);
      if (problems.length > 0) throw new Error(`the TestRun does not match the k6-operator's CRD schema: ${problems.join('; ')}`);
    } catch (error) {
      ended(`burst ${burst.name}: its manifests could not be written, nothing was applied: ${errorMessage(error)}`);
      return undefined;
    }
    await mkdir(runDir, { recursive: true });
    const manifestsFile = resolve(runDir, `k6-operator-${burst.name}.yaml`);
    await writeFile(manifestsFile, manifestsYaml(manifests));
    const command = { command: kubectlPath(kubernetes.kubectl, plan.file), context: kubernetes.context };
    const kubectl = this.#options.kubectl?.(kubernetes) ?? kubectlCommand(command);
    const session = new TestRunSession(manifests, {
      kubectl,
      manifestsFile,
      signal: this.#stop.signal,
      ...(this.#options.pollMs !== undefined && { pollMs: this.#options.pollMs }),
    });
    // Journaled before apply: a gameday killed while kubectl runs still leaves the way to delete it.
    record({
      kind: 'load.applied',
      name: burst.name,
      namespace: manifests.namespace,
      testRun: manifests.name,
      manifestsFile,
      kubectl: kubectlArgv(command),
    });
    const remove = async (reason: string | undefined): Promise<string | undefined> => {
      const left = await session.delete();
      record({
        kind: 'load.deleted',
        name: burst.name,
        detail: `kubectl delete -f ${manifestsFile}${reason ? ` (${reason})` : ''}`,
        ...(left !== undefined && { error: left }),
      });
      if (left !== undefined) log(`${schedule.clock()} burst ${burst.name}: ${session.what} ${left}`);
      return left;
    };

    try {
      log(`${schedule.clock()} burst ${burst.name}: kubectl apply -f ${manifestsFile} (${session.what})`);
      await session.apply();
      await session.waitFor(
        ['started', 'stopped', 'finished'],
        session.now() + (this.#options.startTimeoutMs ?? 300_000),
        'before starting',
      );
    } catch (error) {
      const left = await remove('it did not start');
      ended([errorMessage(error), left].filter(Boolean).join('; '));
      return undefined;
    }

    const startedAt = this.#run.now();
    const finished = this.#finish(burst, session, startedAt, remove).finally(release);
    return {
      pid: -1,
      vus: burst.vus ?? burstVuPool(burst.rate).vus,
      finished,
      stop: () => {
        this.stopAll('stopped');
        return finished;
      },
    };
  }

  async #finish(
    burst: BurstSpec,
    session: TestRunSession,
    startedAt: Date,
    remove: (reason: string | undefined) => Promise<string | undefined>,
  ): Promise<LoadFinish> {
    const deadline = startedAt.getTime() + burst.durationSeconds * 1000 + (this.#options.finishMarginMs ?? 60_000);
    let runners: RunnerExit[] = [];
    const problems: string[] = [];
    try {
      await session.waitFor(['finished'], deadline, 'while running');
      runners = await session.runnerExits();
      const failed = failedRunners(runners);
      if (failed.length > 0) problems.push(`${session.what} finished but runners failed: ${failed.join(', ')}`);
    } catch (error) {
      problems.push(errorMessage(error));
    }
    const endedAt = this.#run.now();
    const left = await remove(problems.length > 0 ? 'the burst did not finish cleanly' : undefined);
    if (left !== undefined) problems.push(`${session.what} ${left}`);
    // The window reaches back over the longest the burst may have run: the selector is this run's burst alone.
    const windowSeconds = Math.ceil((deadline - startedAt.getTime()) / 1000) + 5;
    const result = await operatorResult(this.#options.query, { runId: this.#run.runId, burst, endedAt, windowSeconds }).catch(
      (error: unknown) => {
        problems.push(`its figures could not be read from Prometheus: ${errorMessage(error)}`);
        return undefined;
      },
    );
    if (result === undefined && problems.length === 0) problems.push('Prometheus has no sample of it: did the runners reach remote write?');
    const worst = runners.find((runner) => runner.exitCode !== 0) ?? runners[0];
    return {
      exitCode: worst?.exitCode ?? null,
      signal: null,
      ...(result && { result }),
      ...(problems.length > 0 && { error: problems.join('; ') }),
    };
  }
}

/** A relative kubectl path with a slash is the plan folder's; a bare name is looked up on PATH. */
function kubectlPath(kubectl: string | undefined, planFile: string): string {
  if (kubectl === undefined) return 'kubectl';
  return kubectl.includes('/') && !isAbsolute(kubectl) ? join(dirname(planFile), kubectl) : kubectl;
}

/**
 * What the runners pushed: each counter's last value per runner, `sum without(instance_id)` over
 * the runners (then over any other series, e.g. scenarios), for the burst's span. The runners' own
 * summaries stay in their pods, so there is no p95 (percentiles of several runners do not add up).
 */
export async function operatorResult(
  query: (expr: string, time?: Date) => Promise<InstantResult>,
  span: { runId: string; burst: BurstSpec; endedAt: Date; windowSeconds: number },
): Promise<LoadResult | undefined> {
  // A little past the end: the last push lands up to a second after k6 counted it.
  const at = new Date(span.endedAt.getTime() + 2000);
  const window = `${span.windowSeconds}s`;
  const selector = `testid=${JSON.stringify(span.runId)},burst=${JSON.stringify(span.burst.name)}`;
  const total = async (metric: string): Promise<number | undefined> => {
    const result = await query(`sum without(instance_id) (max_over_time(${metric}{${selector}}[${window}]))`, at);
    if (result.kind !== 'vector' || result.series.length === 0) return undefined;
    return result.series.reduce((sum, series) => sum + series.value, 0);
  };
  const iterations = await total('k6_iterations_total');
  if (iterations === undefined) return undefined;
  const [dropped, requests, failed] = await Promise.all([
    total('k6_dropped_iterations_total'),
    total('k6_http_reqs_total'),
    query(`avg(last_over_time(k6_http_req_failed_rate{${selector}}[${window}]))`, at),
  ]);
  const failedRatio = failed.kind === 'vector' ? failed.series[0]?.value : undefined;
  const { rate, durationSeconds } = span.burst;
  return {
    requestedRate: rate,
    durationSeconds,
    iterations,
    // Over the burst's own duration, as k6's summary does: the stages are seen a poll late.
    achievedRate: Math.round((iterations / durationSeconds) * 100) / 100,
    droppedIterations: dropped ?? 0,
    httpReqs: requests ?? iterations,
    httpReqFailedRate: failedRatio === undefined ? 0 : Math.round(failedRatio * 1000) / 1000,
    httpReqDurationP95Ms: null,
    source: 'prometheus',
  };
}

/**
 * Before anything starts: the kubectl of every k6-operator burst runs (`kubectl version --client`,
 * which needs no cluster). Returns one problem per burst whose kubectl cannot be run.
 */
export async function kubectlProblems(plan: Plan, kubectlFor?: (kubernetes: KubernetesRun) => Kubectl): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, burst] of plan.bursts.entries()) {
    if (burst.engine !== 'k6-operator' || burst.kubernetes === undefined) continue;
    const command = { command: kubectlPath(burst.kubernetes.kubectl, plan.file), context: burst.kubernetes.context };
    const kubectl = kubectlFor?.(burst.kubernetes) ?? kubectlCommand(command);
    const result = await kubectl(['version', '--client']);
    if (result.code !== 0) {
      problems.push(
        `bursts[${index}] (${burst.name}): ${kubectlArgv(command).join(' ')} version --client failed` +
          `${result.notRun ? '' : ` (exit ${result.code})`}: ${result.stderr.trim() || 'no output'}`,
      );
    }
  }
  return problems;
}
