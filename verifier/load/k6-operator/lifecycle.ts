// One k6-operator burst through kubectl, in steps: apply the ConfigMap and TestRun from their file,
// take the start from .status.stage reaching `started`, wait for `finished` (or `error`), read the
// runner pods' exit codes (`finished` alone does not mean passed), and delete what was applied
// (`kubectl delete -f` the same file). `runTestRun` composes them with the deletion on every exit
// path; gameday's run (run/k6-operator-bursts.ts) calls the steps itself, to journal the start.
// kubectl is injected: tested with fake ones only (there is no cluster on this machine).

import { LoadError } from '../../errors.ts';
import type { Manifests } from './manifests.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when kubectl could not be run at all (not found, not executable): nothing reached a cluster. */
  notRun?: boolean;
}
export type Kubectl = (args: string[], stdin?: string) => Promise<KubectlResult>;

export interface TestRunSessionOptions {
  kubectl: Kubectl;
  /** manifestsYaml(manifests), written where `gameday revert` finds it again: applied and deleted with -f. */
  manifestsFile: string;
  pollMs?: number;
  now?: () => number;
  /** Resolves after `ms`, or earlier once `signal` is aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ends a wait for a stage early (Ctrl-C, a stop condition): the wait throws TestRunStopped. */
  signal?: AbortSignal;
}

export interface RunnerExit {
  pod: string;
  exitCode: number | null;
}

/** A wait that ended because gameday was asked to stop, not because of the cluster. */
export class TestRunStopped extends LoadError {}

/** k6's exit codes that still mean the figures are valid: 0, and 99 (thresholds failed). */
export const passingExitCodes: ReadonlySet<number> = new Set([0, 99]);

export class TestRunSession {
  readonly what: string;
  readonly #manifests: Manifests;
  readonly #options: TestRunSessionOptions;

  constructor(manifests: Manifests, options: TestRunSessionOptions) {
    this.#manifests = manifests;
    this.#options = options;
    this.what = `TestRun ${manifests.namespace}/${manifests.name}`;
  }

  now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** Throws with kubectl's own words when it exits non-zero or cannot be run. */
  async #kubectl(args: string[]): Promise<string> {
    const result = await this.#options.kubectl(args);
    if (result.code !== 0) {
      throw new LoadError(
        `kubectl ${args.join(' ')} failed (${result.notRun ? 'not run' : `exit ${result.code}`}): ${result.stderr.trim()}`,
        {
          cause: result,
        },
      );
    }
    return result.stdout;
  }

  async apply(): Promise<void> {
    await this.#kubectl(['apply', '-f', this.#options.manifestsFile]);
  }

  async stage(): Promise<string> {
    const { name, namespace } = this.#manifests;
    return (await this.#kubectl(['get', 'testrun', name, '-n', namespace, '-o', 'jsonpath={.status.stage}'])).trim();
  }

  /** Polls until the stage is one of `wanted` or `error`, against an absolute deadline. */
  async waitFor(wanted: readonly string[], deadline: number, phase: string): Promise<string> {
    const { signal } = this.#options;
    const sleep = this.#options.sleep ?? abortableSleep;
    for (;;) {
      if (signal?.aborted) throw new TestRunStopped(`${this.what} was stopped ${phase} (${stopReason(signal)})`);
      const current = await this.stage();
      if (current === 'error')
        throw new LoadError(`${this.what} reached stage error ${phase}; the operator's logs and \`kubectl describe\` say why`);
      if (wanted.includes(current)) return current;
      if (this.now() >= deadline)
        throw new LoadError(`${this.what} is at stage ${JSON.stringify(current)} ${phase}, timed out waiting for ${wanted.join(' or ')}`);
      await sleep(this.#options.pollMs ?? 1000, signal);
    }
  }

  /** The runner pods' exit codes; throws when there is none, or when one did not pass. */
  async runnerExits(): Promise<RunnerExit[]> {
    const { name, namespace } = this.#manifests;
    const runners = parseRunnerExits(
      await this.#kubectl(['get', 'pods', '-n', namespace, '-l', `k6_cr=${name},runner=true`, '-o', 'json']),
    );
    if (runners.length === 0) throw new LoadError(`${this.what} finished but no runner pod was found (label k6_cr=${name},runner=true)`);
    return runners;
  }

  /** `kubectl delete -f` what was applied. Undefined when done, else what is left and how to delete it by hand. */
  async delete(): Promise<string | undefined> {
    const args = ['delete', '-f', this.#options.manifestsFile, '--ignore-not-found'];
    const result = await this.#options.kubectl(args).catch((error: unknown) => ({
      code: -1,
      stdout: '',
      stderr: error instanceof Error ? error.message : String(error),
    }));
    if (result.code === 0) return undefined;
    return `not deleted (${result.stderr.trim()}); delete by hand: kubectl ${args.join(' ')}`;
  }
}

/** Runners whose exit does not pass, as `pod: exit N` words; empty when all passed. */
export function failedRunners(runners: readonly RunnerExit[]): string[] {
  return runners
    .filter((runner) => runner.exitCode === null || !passingExitCodes.has(runner.exitCode))
    .map((runner) => `${runner.pod}: ${runner.exitCode === null ? 'no exit code' : `exit ${runner.exitCode}`}`);
}

export interface TestRunLifecycleOptions extends TestRunSessionOptions {
  /** From apply to `started` (the operator pulls images and starts the runner pods). */
  startTimeoutMs: number;
  /** From `started` to `finished` or `error`: the burst's duration and a margin. */
  finishTimeoutMs: number;
}

export interface TestRunOutcome {
  startedAt: number;
  endedAt: number;
  runners: RunnerExit[];
}

/** The whole lifecycle in one call; the TestRun and ConfigMap are deleted whatever happens. */
export async function runTestRun(manifests: Manifests, options: TestRunLifecycleOptions): Promise<TestRunOutcome> {
  const session = new TestRunSession(manifests, options);
  let outcome: TestRunOutcome | undefined;
  let failure: unknown;
  try {
    await session.apply();
    await session.waitFor(['started', 'stopped', 'finished'], session.now() + options.startTimeoutMs, 'before starting');
    const startedAt = session.now();
    await session.waitFor(['finished'], startedAt + options.finishTimeoutMs, 'while running');
    const endedAt = session.now();
    const runners = await session.runnerExits();
    const failed = failedRunners(runners);
    if (failed.length > 0) throw new LoadError(`${session.what} finished but runners failed: ${failed.join(', ')}`);
    outcome = { startedAt, endedAt, runners };
  } catch (error) {
    failure = error;
  }
  // Whatever happened: nothing of this burst stays in the cluster. The TestRun's deletion lets the
  // operator remove its Jobs and pods. A deletion that fails is said, after the first error.
  const left = await session.delete();
  const leftText = left === undefined ? '' : `; ${left}`;
  if (failure !== undefined) {
    if (leftText === '') throw failure;
    throw new LoadError(`${failure instanceof Error ? failure.message : String(failure)}${leftText}`, { cause: failure });
  }
  if (leftText !== '') throw new LoadError(`${session.what} ran${leftText}`);
  if (outcome === undefined) throw new LoadError(`${session.what}: no outcome`);
  return outcome;
}

interface PodList {
  items?: Array<{
    metadata?: { name?: string };
    status?: { containerStatuses?: Array<{ state?: { terminated?: { exitCode?: number } } }> };
  }>;
}

function parseRunnerExits(json: string): RunnerExit[] {
  const list = JSON.parse(json) as PodList;
  return (list.items ?? []).map((pod) => ({
    pod: pod.metadata?.name ?? '(unnamed)',
    exitCode: pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode ?? null,
  }));
}

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
