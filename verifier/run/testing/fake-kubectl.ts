// A fake `kubectl` executable for tests (there is no cluster here): a shell script gameday runs as
// it runs the real one. It records every call (one line of arguments each) and simulates one
// TestRun from files in its folder:
//   stages      one .status.stage per line: each `get testrun` reads the next, the last repeats
//   pods.json   what `get pods … -o json` prints (the runner pods and their exit codes)
//   apply.fail / delete.fail   when present, that call fails with the file's text on stderr
//   applied.yaml               what is "in the cluster": written by apply, removed by delete

import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = `#!/bin/sh
dir="$(cd "$(dirname "$0")" && pwd)"
printf '%s\\n' "$*" >> "$dir/calls.log"
if [ "$1" = "--context" ]; then shift 2; fi
case "$1" in
  version) echo "Client Version: v1.31.0 (fake)"; exit 0 ;;
  apply)
    if [ -f "$dir/apply.fail" ]; then cat "$dir/apply.fail" >&2; exit 1; fi
    if [ ! -f "$3" ]; then echo "error: the path \\"$3\\" does not exist" >&2; exit 1; fi
    cp "$3" "$dir/applied.yaml"
    echo "configmap/fake created"; echo "testrun.k6.io/fake created"; exit 0 ;;
  get)
    if [ "$2" = "testrun" ]; then
      if [ ! -f "$dir/applied.yaml" ]; then echo "Error from server (NotFound): testruns.k6.io \\"$3\\" not found" >&2; exit 1; fi
      n=$(( $(cat "$dir/polls" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$dir/polls"
      total=$(wc -l < "$dir/stages"); line=$n; if [ "$line" -gt "$total" ]; then line=$total; fi
      sed -n "\${line}p" "$dir/stages" | tr -d '\\n'; exit 0
    fi
    if [ "$2" = "pods" ]; then cat "$dir/pods.json"; exit 0; fi ;;
  delete)
    if [ -f "$dir/delete.fail" ]; then cat "$dir/delete.fail" >&2; exit 1; fi
    rm -f "$dir/applied.yaml"; exit 0 ;;
esac
echo "fake kubectl: unexpected arguments: $*" >&2
exit 1
`;

export interface FakeKubectl {
  /** The executable: put it in a plan's `kubernetes.kubectl`. */
  path: string;
  dir: string;
  /** Every call's arguments, in order. */
  calls(): Promise<string[]>;
  /** Whether the ConfigMap and TestRun are "in the cluster" (applied and not deleted). */
  applied(): Promise<boolean>;
  fail(call: 'apply' | 'delete', stderr: string): Promise<void>;
}

/** Runner pods as `kubectl get pods -o json` lists them; null: still running (no exit code). */
export function runnerPods(name: string, ...exitCodes: Array<number | null>): string {
  return JSON.stringify({
    items: exitCodes.map((code, index) => ({
      metadata: { name: `${name}-${index + 1}-x7k2p` },
      status: { containerStatuses: [{ state: code === null ? { running: {} } : { terminated: { exitCode: code } } }] },
    })),
  });
}

export async function fakeKubectl(stages: string[], pods: string): Promise<FakeKubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'gameday-fake-kubectl-'));
  const path = join(dir, 'kubectl');
  await writeFile(path, script);
  await chmod(path, 0o755);
  await writeFile(join(dir, 'stages'), `${stages.join('\n')}\n`);
  await writeFile(join(dir, 'pods.json'), pods);
  const exists = (file: string) =>
    readFile(join(dir, file)).then(
      () => true,
      () => false,
    );
  return {
    path,
    dir,
    calls: async () => (await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
    applied: () => exists('applied.yaml'),
    fail: (call, stderr) => writeFile(join(dir, `${call}.fail`), stderr),
  };
}
