// A run's folder: runs/<run-id>/ holds journal.jsonl and the reports made from it. Run ids sort by
// time: `<UTC stamp>-<plan name>`, with `-N` when two runs of a plan start in one second.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function freshRunId(runsDir: string, planName: string, at: Date): Promise<string> {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  for (let n = 0; ; n++) {
    const id = `${stamp}-${planName}${n ? `-${n}` : ''}`;
    try {
      await stat(join(runsDir, id));
    } catch {
      return id;
    }
  }
}
