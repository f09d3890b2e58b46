// How far the trace has got while it runs, from k6's JSON output as it is written: iterations
// finished and `trace_ok` samples among them. The baseline reads it to tell, before any fault,
// a trace script that keeps the trace contract (traces/lib/contract.ts) from one that emits
// nothing gameday can time impact with.

import { readFile } from 'node:fs/promises';

export interface TraceProgress {
  /** Iterations k6 finished (its `iterations` points). */
  iterations: number;
  /** `trace_ok` points: the samples the impact is computed from. */
  samples: number;
  /** Those of them carrying the iteration's start (metadata `started_ms`): latency needs it. */
  timed: number;
}

/**
 * Counts in the JSON output written so far. A file k6 has not created yet counts as nothing; a
 * torn last line (k6 mid-write) is not counted. Reads the whole file: call it while the output is
 * small (the baseline), not over a long window.
 */
export async function readTraceProgress(file: string, metric = 'trace_ok'): Promise<TraceProgress> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { iterations: 0, samples: 0, timed: 0 };
    throw error;
  }
  const sampleFragment = `"metric":${JSON.stringify(metric)}`;
  const progress: TraceProgress = { iterations: 0, samples: 0, timed: 0 };
  // Only whole lines: the last one is complete when the file ends with a newline.
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    if (!line.includes('"type":"Point"')) continue;
    if (line.includes('"metric":"iterations"')) progress.iterations += 1;
    else if (line.includes(sampleFragment)) {
      progress.samples += 1;
      if (line.includes('"started_ms"')) progress.timed += 1;
    }
  }
  return progress;
}
