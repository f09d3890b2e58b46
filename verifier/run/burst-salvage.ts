// A burst whose k6 died (killed, out of memory, its disk full) writes no end-of-test summary, but
// until it died it pushed its counters to Prometheus by remote write every second. What it
// achieved up to then is read back from there, so the report says how far the burst got instead of
// nothing. Counters are cumulative per process: the last value of each series, summed over the
// processes of a split burst (instance_id), is what the burst did.

import type { LoadResult } from '../journal/events.ts';
import type { InstantResult } from '../observe/prometheus.ts';

export interface SalvageSpan {
  runId: string;
  burst: string;
  requestedRate: number;
  durationSeconds: number;
  /** When the burst started and when its k6 ended (gameday's clock; k6 stamps its samples with the same host's). */
  startedAt: Date;
  endedAt: Date;
}

/** The burst's figures from Prometheus; undefined when it has no sample of the burst (remote write off or failing). */
export async function salvageBurst(
  query: (expr: string, time?: Date) => Promise<InstantResult>,
  span: SalvageSpan,
): Promise<LoadResult | undefined> {
  const seconds = Math.max(1, Math.ceil((span.endedAt.getTime() - span.startedAt.getTime()) / 1000));
  // A little past the end: the last push lands up to a second after k6 counted it.
  const at = new Date(span.endedAt.getTime() + 2000);
  const window = `${seconds + 5}s`;
  const selector = `testid=${JSON.stringify(span.runId)},burst=${JSON.stringify(span.burst)}`;
  const total = async (metric: string): Promise<number | undefined> => {
    const result = await query(`sum(max_over_time(${metric}{${selector}}[${window}]))`, at);
    if (result.kind === 'vector') return result.series[0]?.value;
    return Number.isNaN(result.value) ? undefined : result.value;
  };
  const iterations = await total('k6_iterations_total');
  if (iterations === undefined) return undefined;
  const [dropped, requests, failedRatio] = await Promise.all([
    total('k6_dropped_iterations_total'),
    total('k6_http_reqs_total'),
    // A Rate: k6 pushes the ratio so far; the burst's last one (averaged over split processes).
    query(`avg(last_over_time(k6_http_req_failed_rate{${selector}}[${window}]))`, at).then((result) =>
      result.kind === 'vector' ? result.series[0]?.value : undefined,
    ),
  ]);
  const httpReqs = requests ?? iterations;
  return {
    requestedRate: span.requestedRate,
    durationSeconds: span.durationSeconds,
    iterations,
    achievedRate: Math.round((iterations / seconds) * 100) / 100,
    droppedIterations: dropped ?? 0,
    httpReqs,
    httpReqFailedRate: failedRatio === undefined ? 0 : Math.round(failedRatio * 1000) / 1000,
    httpReqDurationP95Ms: null,
    source: 'prometheus',
  };
}
