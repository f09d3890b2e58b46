// The trace contract: what a k6 script does so that gameday can time what users saw. Any k6 script
// becomes a gameday trace with two calls per iteration:
//
//   import { beginIteration, endIteration } from './node_modules/gameday/traces/lib/contract.ts';
//   export default function () {
//     beginIteration();
//     const res = http.get(`${__ENV.BASE_URL}/checkout/health`);
//     endIteration(check(res, { 'status is 200': (r) => r.status === 200 }));
//   }
//
// What it records:
// - trace_success (Counter): +1 per iteration that succeeded. By remote write it is
//   `k6_trace_success_total`: an `absent_over_time` alert on it fires when success stops.
// - trace_ok (Rate): one sample per iteration, 1 ok / 0 failed. gameday reads these from k6's JSON
//   output; each carries the iteration's start as metadata `started_ms`, which times the impact.
// The iteration's duration comes from k6's own `iteration_duration`, joined by `started_ms`.

import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';

const traceSuccess = new Counter('trace_success');
const traceOk = new Rate('trace_ok');

/**
 * Call first in each iteration: marks its start (its slot), carried on every sample of the
 * iteration. With a journey name, every sample of the iteration (trace_success, trace_ok and the
 * requests' own) is tagged `journey`, which remote write turns into a label:
 * `k6_trace_success_total{journey="checkout"}` is what a per-journey absence alert reads.
 */
export function beginIteration(journey?: string): void {
  // Metadata, not a tag: the JSON output carries it, Prometheus never sees it as a label.
  exec.vu.metrics.metadata.started_ms = Date.now();
  // A VU's tags outlive the iteration: set or clear it every time, so a VU that ran one journey
  // never lends its name to the next.
  if (journey === undefined) delete exec.vu.metrics.tags.journey;
  else exec.vu.metrics.tags.journey = journey;
}

/** Call last in each iteration, with whether everything it checked passed. */
export function endIteration(ok: boolean): void {
  traceOk.add(ok);
  if (ok) traceSuccess.add(1);
}
