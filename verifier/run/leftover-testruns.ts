// After gameday died (`kill -9`, a crash) during a k6-operator burst, its ConfigMap and TestRun may
// still be in the cluster: the runners would go on loading the target. The journal has each one
// applied (load.applied, written before `kubectl apply`) and each one deleted (load.deleted);
// `gameday revert` deletes what has no deletion, with the same kubectl, context and manifests file.

import type { JournalEvent, LoadApplied, LoadDeleted } from '../journal/events.ts';
import { kubectlFromArgv } from '../load/k6-operator/kubectl.ts';
import type { Kubectl } from '../load/k6-operator/lifecycle.ts';

/** TestRuns the journal shows applied and not deleted (a failed deletion counts as not deleted). */
export function testRunsLeft(events: readonly JournalEvent[]): LoadApplied[] {
  const left = new Map<string, LoadApplied>();
  for (const event of events) {
    if (event.kind === 'load.applied') left.set(event.name, event);
    else if (event.kind === 'load.deleted' && event.error === undefined) left.delete(event.name);
  }
  return [...left.values()];
}

export interface LeftoverTestRunsOutcome {
  /** To journal: one per TestRun dealt with. */
  events: Array<Omit<LoadDeleted, 'at'>>;
  /** What is still in the cluster, and how to delete it by hand. */
  failed: string[];
}

/** `kubectl delete -f <manifests> --ignore-not-found` for each: safe to repeat. */
export async function deleteLeftoverTestRuns(
  left: readonly LoadApplied[],
  options: { kubectl?: (argv: readonly string[]) => Kubectl; log?: (line: string) => void } = {},
): Promise<LeftoverTestRunsOutcome> {
  const outcome: LeftoverTestRunsOutcome = { events: [], failed: [] };
  for (const applied of left) {
    const kubectl = (options.kubectl ?? kubectlFromArgv)(applied.kubectl);
    const args = ['delete', '-f', applied.manifestsFile, '--ignore-not-found'];
    const byHand = `${[...applied.kubectl, ...args].join(' ')}`;
    const result = await kubectl(args);
    const what = `TestRun ${applied.namespace}/${applied.testRun} of burst ${applied.name}`;
    if (result.code === 0) {
      outcome.events.push({ kind: 'load.deleted', name: applied.name, detail: `${byHand} (by gameday revert)` });
      options.log?.(`deleted ${what} and its ConfigMap`);
    } else {
      const error = `${result.stderr.trim() || `exit ${result.code}`}; delete it by hand: ${byHand}`;
      outcome.events.push({ kind: 'load.deleted', name: applied.name, detail: 'gameday revert could not delete it', error });
      outcome.failed.push(`${what} (${error})`);
      options.log?.(`COULD NOT DELETE ${what}: ${error}`);
    }
  }
  return outcome;
}
