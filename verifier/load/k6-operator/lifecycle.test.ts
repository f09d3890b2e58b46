// The TestRun lifecycle against a fake kubectl (no cluster here): what it asks kubectl, in what
// order, and that it deletes what it applied on every exit path.

import { describe, expect, it } from 'vitest';
import { runTestRun, type Kubectl, type KubectlResult } from './lifecycle.ts';
import type { Manifests } from './manifests.ts';

const manifests: Manifests = {
  name: 'gameday-r1-peak',
  namespace: 'load-tests',
  configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gameday-r1-peak' } },
  testRun: { apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: 'gameday-r1-peak' } },
};
const ok = (stdout = ''): KubectlResult => ({ code: 0, stdout, stderr: '' });
const pods = (...codes: Array<number | null>) =>
  JSON.stringify({
    items: codes.map((code, index) => ({
      metadata: { name: `gameday-r1-peak-${index + 1}-abcde` },
      status: { containerStatuses: [{ state: code === null ? { running: {} } : { terminated: { exitCode: code } } }] },
    })),
  });

/** A fake cluster: each `get testrun` returns the next stage (the last repeats); a fake clock moves 1 s per poll. */
function cluster(stages: string[], runnerPods: string, overrides: { apply?: KubectlResult; deleteTestRun?: KubectlResult } = {}) {
  const calls: string[] = [];
  let clock = 0;
  let stageIndex = 0;
  const kubectl: Kubectl = async (args, stdin) => {
    calls.push(args.join(' ') + (stdin === undefined ? '' : ' <stdin>'));
    if (args[0] === 'apply') return overrides.apply ?? ok();
    if (args[0] === 'get' && args[1] === 'testrun') return ok(stages[Math.min(stageIndex++, stages.length - 1)]);
    if (args[0] === 'get' && args[1] === 'pods') return ok(runnerPods);
    if (args[0] === 'delete') return overrides.deleteTestRun ?? ok();
    return ok();
  };
  const options = {
    kubectl,
    manifestsFile: '/runs/r1/k6-operator-peak.yaml',
    startTimeoutMs: 5000,
    finishTimeoutMs: 10_000,
    pollMs: 1000,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  };
  return { calls, options };
}

const deletions = ['delete -f /runs/r1/k6-operator-peak.yaml --ignore-not-found'];

describe('runTestRun', () => {
  it('applies, takes the start at stage started, waits for finished, reads the runners, deletes both', async () => {
    const { calls, options } = cluster(['', 'initialization', 'created', 'started', 'started', 'started', 'finished'], pods(0, 99));
    const outcome = await runTestRun(manifests, options);
    expect(outcome).toEqual({
      startedAt: 3000,
      endedAt: 5000,
      runners: [
        { pod: 'gameday-r1-peak-1-abcde', exitCode: 0 },
        { pod: 'gameday-r1-peak-2-abcde', exitCode: 99 },
      ],
    });
    expect(calls[0]).toBe('apply -f /runs/r1/k6-operator-peak.yaml');
    expect(calls.filter((call) => call.startsWith('get testrun'))).toHaveLength(7);
    expect(calls.at(-2)).toBe('get pods -n load-tests -l k6_cr=gameday-r1-peak,runner=true -o json');
    expect(calls.slice(-1)).toEqual(deletions);
  });

  it('fails on stage error, and still deletes', async () => {
    const { calls, options } = cluster(['initialization', 'error'], pods());
    await expect(runTestRun(manifests, options)).rejects.toThrow('TestRun load-tests/gameday-r1-peak reached stage error before starting');
    expect(calls.slice(-1)).toEqual(deletions);
  });

  it('fails when finished hides a failed runner (exit 107) or one with no exit code, and still deletes', async () => {
    const { calls, options } = cluster(['started', 'finished'], pods(0, 107, null));
    await expect(runTestRun(manifests, options)).rejects.toThrow(
      'finished but runners failed: gameday-r1-peak-2-abcde: exit 107, gameday-r1-peak-3-abcde: no exit code',
    );
    expect(calls.slice(-1)).toEqual(deletions);
  });

  it('times out against its deadline when the runners never start, and still deletes', async () => {
    const { calls, options } = cluster(['initialization'], pods());
    await expect(runTestRun(manifests, options)).rejects.toThrow(
      'is at stage "initialization" before starting, timed out waiting for started',
    );
    expect(calls.filter((call) => call.startsWith('get testrun'))).toHaveLength(6);
    expect(calls.slice(-1)).toEqual(deletions);
  });

  it('deletes after a refused apply, and says what it could not delete', async () => {
    const { calls, options } = cluster([], pods(), {
      apply: { code: 1, stdout: '', stderr: 'error: namespaces "load-tests" not found\n' },
      deleteTestRun: { code: 1, stdout: '', stderr: 'the server is unreachable' },
    });
    await expect(runTestRun(manifests, options)).rejects.toThrow(
      'kubectl apply -f /runs/r1/k6-operator-peak.yaml failed (exit 1): error: namespaces "load-tests" not found; ' +
        'not deleted (the server is unreachable); delete by hand: kubectl delete -f /runs/r1/k6-operator-peak.yaml --ignore-not-found',
    );
    expect(calls).toEqual(['apply -f /runs/r1/k6-operator-peak.yaml', ...deletions]);
  });
});
