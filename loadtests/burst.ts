// A burst: a short, high, constant arrival rate of cheap reads, started by gameday at a
// scheduled moment as its own k6 process (so it cannot slow the trace's timers).
//
//   k6 run --no-usage-report loadtests/burst.ts                   # 2000 req/s for 30s on :18080
//   k6 run -e RATE=300 -e DURATION=5s -e BASE_URL=http://127.0.0.1:18080 loadtests/burst.ts
//
// Settings (all optional): RATE iterations/s (2000), DURATION (30s), BASE_URL
// (http://127.0.0.1:18080), RUN_ID (tag `testid`, "manual"), LATENCY_MS the target's measured
// latency for one read (10), VUS pre-allocated (from RATE and LATENCY_MS, see burstVus),
// MAX_VUS (max(VUS, RATE × 0.25)), TIMEOUT per request (k6's 60 s for the default read, 5s for a
// plan's requests; the burst's 5 s gracefulStop bounds both at its end), REQUESTS_FILE an absolute path to
// {"requests": [{method, path, body?, weight}]} (a plan's `bursts[].requests`, which gameday writes
// into the run folder): each iteration sends one of them, picked by weight, instead of the demo's read.
//
// It is kept as lean per iteration as a bare k6 script (`npm run bench` compares the two): one
// GET of a prepared URL with no params, no checks, no custom metrics, bodies discarded. The
// figures gameday reports (iterations, dropped_iterations, http_req_*) are k6's own.

import http from 'k6/http';
import type { Options } from 'k6/options';
import { arrivalRate, envBaseUrl, envDuration, envPositiveInteger, envPositiveNumber, envString } from './lib/env.ts';
import { type BurstRequest, prepareRequests, weightedPicker } from './lib/requests.ts';
import { burstVus } from './lib/vus.ts';

// k6 evaluates this file once per VU (hundreds in a burst), and first at __VU 0, where it takes
// the options and runs setup(). The settings only the options need are read and checked there,
// once: a bad value still stops the test before any VU starts, and each VU builds only what its
// iteration sends (a VU's init state is memory the Go collector walks through the whole burst).
const first = __VU === 0;
const baseUrl = envBaseUrl('BASE_URL', 'http://127.0.0.1:18080');
const ownTimeout = envString('TIMEOUT', '');
const timeout = ownTimeout === '' ? '5s' : envDuration('TIMEOUT', '5s');

// One URL prepared at init, and a bare k6 script's iteration: `http.get(url)`. Any params object
// costs k6 a conversion per request (a `timeout` and a `name` tag cost ~10 % more CPU than a bare
// script at 2000 req/s), so the `name` its series have always carried in Prometheus is a tag of
// the scenario (k6 takes it for the request's name and url), and a timeout is passed only when
// TIMEOUT is set. Picking one of 100 keys per iteration through k6/execution cost ~15 % more; the
// figures gameday reports do not depend on which key is read.
const url = `${baseUrl}/items/burst-0`;
const readName = 'GET /items/burst-{n}';
const readParams = ownTimeout === '' ? undefined : { timeout };

// A plan's own requests: URLs, bodies and params prepared at init too, so an iteration costs one
// Math.random() and a pick over the cumulative weights more than the default read.
const requestsFile = envString('REQUESTS_FILE', '');
const planned = requestsFile === '' ? [] : readRequests(requestsFile);
const prepared = prepareRequests(baseUrl, planned).map((request, index) => ({
  request,
  params: {
    timeout,
    headers: (request.json ? { 'Content-Type': 'application/json' } : {}) as Record<string, string>,
    tags: { name: `${request.method} ${planned[index]?.path ?? ''}` },
  },
}));
const pick = weightedPicker(
  prepared,
  planned.map((request) => request.weight),
);

export const options: Options = first ? burstOptions() : {};

function burstOptions(): Options {
  const rate = envPositiveNumber('RATE', 2000);
  const sized = burstVus(rate, envPositiveNumber('LATENCY_MS', 10));
  const vus = envPositiveInteger('VUS', sized.vus);
  return {
    scenarios: {
      burst: {
        executor: 'constant-arrival-rate',
        ...arrivalRate(rate),
        duration: envDuration('DURATION', '30s'),
        preAllocatedVUs: vus,
        maxVUs: Math.max(vus, envPositiveInteger('MAX_VUS', sized.maxVus)),
        gracefulStop: '5s',
        tags: { role: 'burst', ...(prepared.length > 0 ? {} : { name: readName }) },
        ...(prepared.length > 0 ? { exec: 'burstRequests' } : {}),
      },
    },
    discardResponseBodies: true,
    tags: { role: 'burst', testid: envString('RUN_ID', 'manual') },
    // These always pass; they exist so the end-of-test summary also carries the figures of the
    // burst alone, without setup()'s seeding requests (k6 reports sub-metrics only when a
    // threshold names them). gameday's result reader prefers them.
    thresholds: {
      'http_reqs{scenario:burst}': ['count>=0'],
      'http_req_failed{scenario:burst}': ['rate>=0'],
      'http_req_duration{scenario:burst}': ['p(95)>=0'],
    },
  };
}

/** Writes the key the burst reads, so a healthy target answers 200 rather than 404. */
export function setup(): void {
  if (prepared.length > 0) return;
  const response = http.put(url, JSON.stringify({ value: 'burst-seed' }), {
    headers: { 'Content-Type': 'application/json' },
    timeout,
    tags: { name: 'PUT /items/burst-{n} (seed)' },
  });
  // Not fatal: a burst at a faulted target is the point of a game day; its reads then fail.
  if (response.status < 200 || response.status >= 300) console.warn(`seeding: PUT ${url} returned ${response.status}, not 2xx`);
}

export default function burst(): void {
  if (readParams === undefined) http.get(url);
  else http.get(url, readParams);
}

/** The iteration when the plan lists requests (see `options.scenarios.burst.exec`). */
export function burstRequests(): void {
  const { request, params: own } = pick(Math.random());
  http.request(request.method, request.url, request.body, own);
}

function readRequests(file: string): BurstRequest[] {
  const parsed = JSON.parse(open(file)) as { requests?: BurstRequest[] };
  if (!Array.isArray(parsed.requests) || parsed.requests.length === 0) {
    throw new Error(`invalid REQUESTS_FILE; reason: expected {"requests": [at least one]}, got ${file} without requests`);
  }
  return parsed.requests;
}
