// A burst: a short, high, constant arrival rate of cheap reads, started by gameday at a
// scheduled moment as its own k6 process (so it cannot slow the trace's timers).
//
//   k6 run --no-usage-report loadtests/burst.ts                   # 2000 req/s for 30s on :18080
//   k6 run -e RATE=300 -e DURATION=5s -e BASE_URL=http://127.0.0.1:18080 loadtests/burst.ts
//
// Settings (all optional): RATE iterations/s (2000), DURATION (30s), BASE_URL
// (http://127.0.0.1:18080), RUN_ID (tag `testid`, "manual"), VUS pre-allocated
// (max(20, RATE × 0.25)), MAX_VUS (= VUS), TIMEOUT per request (5s).
//
// Every VU is allocated before the start: k6 adds VUs one at a time mid-test, and that costs
// CPU exactly when the rate is already too hard to hold. If VUS run out, iterations are
// dropped (k6's dropped_iterations), which is the figure that says the burst was not held.

import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { arrivalRate, envBaseUrl, envDuration, envPositiveInteger, envPositiveNumber, envString } from './lib/env.ts';

const rate = envPositiveNumber('RATE', 2000);
const duration = envDuration('DURATION', '30s');
const baseUrl = envBaseUrl('BASE_URL', 'http://127.0.0.1:18080');
const runId = envString('RUN_ID', 'manual');
// Enough for 250 ms per request at the full rate (VUs needed ≈ rate × latency), so a stall of
// the target or the machine of up to ~250 ms is absorbed instead of dropping iterations. Measured
// at 2000/s on the demo target with its gateway stopped for 300 ms: 200 VUs dropped 430–470
// iterations, 500 VUs 150–210. An idle VU costs ~0.5 MiB (200 VUs: 128 MiB RSS; 500: 238 MiB).
const vus = envPositiveInteger('VUS', Math.max(20, Math.ceil(rate * 0.25)));
const maxVus = Math.max(vus, envPositiveInteger('MAX_VUS', vus));
const timeout = envDuration('TIMEOUT', '5s');

const keys = 100;
// Built once per VU, so an iteration does no string work beyond picking one.
const urls = Array.from({ length: keys }, (_, i) => `${baseUrl}/items/burst-${i}`);
const params = { timeout, tags: { name: 'GET /items/burst-{n}' } };

export const options: Options = {
  scenarios: {
    burst: {
      executor: 'constant-arrival-rate',
      ...arrivalRate(rate),
      duration,
      preAllocatedVUs: vus,
      maxVUs: maxVus,
      gracefulStop: '5s',
      tags: { role: 'burst' },
    },
  },
  discardResponseBodies: true,
  tags: { role: 'burst', testid: runId },
  // These always pass; they exist so the end-of-test summary also carries the figures of the
  // burst alone, without setup()'s seeding requests (k6 reports sub-metrics only when a
  // threshold names them). gameday's result reader prefers them.
  thresholds: {
    'http_reqs{scenario:burst}': ['count>=0'],
    'http_req_failed{scenario:burst}': ['rate>=0'],
    'http_req_duration{scenario:burst}': ['p(95)>=0'],
  },
};

/** Writes the keys the burst reads, so a healthy target answers 200 rather than 404. */
export function setup(): void {
  const responses = http.batch(
    urls.map((url, i) => ({
      method: 'PUT',
      url,
      body: JSON.stringify({ value: `burst-seed-${i}` }),
      params: { headers: { 'Content-Type': 'application/json' }, timeout, tags: { name: 'PUT /items/burst-{n} (seed)' } },
    })),
  );
  const failed = responses.filter((r) => r.status < 200 || r.status >= 300).length;
  // Not fatal: a burst at a faulted target is the point of a game day; its reads then fail.
  if (failed > 0) console.warn(`seeding: ${failed} of ${keys} PUT /items/burst-{n} did not return 2xx`);
}

export default function burst(): void {
  http.get(urls[exec.scenario.iterationInTest % keys] as string, params);
}
