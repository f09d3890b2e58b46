// One k6-operator burst through kubectl: apply the ConfigMap and TestRun, take the start from
// .status.stage reaching `started`, wait for `finished` (or `error`), read the runner pods' exit
// codes (`finished` alone does not mean passed), and delete what was applied on every exit path.
// kubectl is injected: tested here with a fake one only (there is no cluster on this machine), and
// not wired into `gameday run`.

import { LoadError } from '../../errors.ts';
import { type Manifests, manifestsYaml } from './manifests.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}
export type Kubectl = (args: string[], stdin?: string) => Promise<KubectlResult>;

export interface TestRunLifecycleOptions {
  kubectl: Kubectl;
  /** From apply to `started` (the operator pulls images and starts the runner pods). */
  startTimeoutMs: number;
  /** From `started` to `finished` or `error`: the burst's duration and a margin. */
  finishTimeoutMs: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunnerExit {
  pod: string;
  exitCode: number | null;
}

export interface TestRunOutcome {
  startedAt: number;
  endedAt: number;
  runners: RunnerExit[];
}

/** k6's exit codes that still mean the figures are valid: 0, and 99 (thresholds failed). */
const passingExitCodes = new Set([0, 99]);

export async function runTestRun(manifests: Manifests, options: TestRunLifecycleOptions): Promise<TestRunOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1000;
  const ns = ['-n', manifests.namespace];
  const what = `TestRun ${manifests.namespace}/${manifests.name}`;
  const kubectl = async (args: string[], stdin?: string): Promise<string> => {
    const result = await options.kubectl(args, stdin);
    if (result.code !== 0) throw new LoadError(`kubectl ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
    return result.stdout;
  };
  const stage = async () => (await kubectl(['get', 'testrun', manifests.name, ...ns, '-o', 'jsonpath={.status.stage}'])).trim();
  /** Polls until the stage is one of `wanted` or `error`, against an absolute deadline. */
  const waitFor = async (wanted: string[], deadline: number, phase: string): Promise<string> => {
    for (;;) {
      const current = await stage();
      if (current === 'error')
        throw new LoadError(`${what} reached stage error ${phase}; the operator's logs and \`kubectl describe\` say why`);
      if (wanted.includes(current)) return current;
      if (now() >= deadline)
        throw new LoadError(`${what} is at stage ${JSON.stringify(current)} ${phase}, timed out waiting for ${wanted.join(' or ')}`);
      await sleep(pollMs);
    }
  };

  let outcome: TestRunOutcome | undefined;
  let failure: unknown;
  try {
    await kubectl(['apply', '-f', '-'], manifestsYaml(manifests));
    await waitFor(['started', 'stopped', 'finished'], now() + options.startTimeoutMs, 'before starting');
    const startedAt = now();
    await waitFor(['finished'], startedAt + options.finishTimeoutMs, 'while running');
    const endedAt = now();
    const runners = runnerExits(await kubectl(['get', 'pods', ...ns, '-l', `k6_cr=${manifests.name},runner=true`, '-o', 'json']));
    const failed = runners.filter((runner) => runner.exitCode === null || !passingExitCodes.has(runner.exitCode));
    if (runners.length === 0)
      throw new LoadError(`${what} finished but no runner pod was found (label k6_cr=${manifests.name},runner=true)`);
    if (failed.length > 0) {
      const list = failed
        .map((runner) => `${runner.pod}: ${runner.exitCode === null ? 'no exit code' : `exit ${runner.exitCode}`}`)
        .join(', ');
      throw new LoadError(`${what} finished but runners failed: ${list}`);
    }
    outcome = { startedAt, endedAt, runners };
  } catch (error) {
    failure = error;
  }
  // Whatever happened: nothing of this burst stays in the cluster. The TestRun's deletion lets the
  // operator remove its Jobs and pods. A deletion that fails is said, after the first error.
  const left: string[] = [];
  for (const kind of ['testrun', 'configmap']) {
    const result = await options.kubectl(['delete', kind, manifests.name, ...ns, '--ignore-not-found']).catch((error: unknown) => ({
      code: -1,
      stdout: '',
      stderr: error instanceof Error ? error.message : String(error),
    }));
    if (result.code !== 0) left.push(`${kind} ${manifests.namespace}/${manifests.name} (${result.stderr.trim()})`);
  }
  const leftText = left.length === 0 ? '' : `; not deleted, delete by hand: ${left.join(', ')}`;
  if (failure !== undefined) {
    if (leftText === '') throw failure;
    throw new LoadError(`${failure instanceof Error ? failure.message : String(failure)}${leftText}`, { cause: failure });
  }
  if (leftText !== '') throw new LoadError(`${what} ran${leftText}`);
  if (outcome === undefined) throw new LoadError(`${what}: no outcome`);
  return outcome;
}

interface PodList {
  items?: Array<{
    metadata?: { name?: string };
    status?: { containerStatuses?: Array<{ state?: { terminated?: { exitCode?: number } } }> };
  }>;
}

function runnerExits(json: string): RunnerExit[] {
  const list = JSON.parse(json) as PodList;
  return (list.items ?? []).map((pod) => ({
    pod: pod.metadata?.name ?? '(unnamed)',
    exitCode: pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode ?? null,
  }));
}
