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
import type * as Env from './lib/env.ts';
import type * as Requests from './lib/requests.ts';
import type * as Vus from './lib/vus.ts';

// k6 evaluates this file once per VU (hundreds in a burst), and first at __VU 0, where it takes the
// options and runs setup(). Every module a VU loads is memory the Go collector walks through the
// whole burst: importing env.ts alone cost a bare script 15 MB and 1.5x its dropped iterations at
// 8000 req/s on 2 cores. So the settings are read and checked at __VU 0 only, with the lib
// modules loaded there by require(); a bad value still stops the test before any VU starts, and
// setup() hands every VU what VU 0 checked. The other VUs load no module of ours for the default
// read, and only requests.ts and env.ts for a plan's requests. (8000 req/s, 3 alternated runs of
// 10 s: 0.990x the iterations of a bare script, peak RSS 150-156 MB; with static imports 0.969x
// and 172-181 MB; the bare script 139 MB.)
const first = __VU === 0;
const planned = (__ENV.REQUESTS_FILE ?? '').trim() !== '';
const env = first || planned ? (require('./lib/env.ts') as typeof Env) : undefined;

/** What setup() hands every VU: the read's URL and params, as VU 0 checked them. */
interface Read {
  url: string;
  params?: { timeout: string };
}

// One URL prepared once, and a bare k6 script's iteration: `http.get(url)`. Any params object
// costs k6 a conversion per request (a `timeout` and a `name` tag cost ~10 % more CPU than a bare
// script at 2000 req/s), so the `name` its series have always carried in Prometheus is a tag of
// the scenario (k6 takes it for the request's name and url), and a timeout is passed only when
// TIMEOUT is set. Picking one of 100 keys per iteration through k6/execution cost ~15 % more; the
// figures gameday reports do not depend on which key is read.
/** A plan's requests, and the seeding write, without TIMEOUT. */
const defaultTimeout = '5s';
const read: Read | undefined = first ? checkedRead(target(env as typeof Env)) : undefined;
const readName = 'GET /items/burst-{n}';

/** BASE_URL and TIMEOUT, checked; `timeout` is undefined when TIMEOUT is not set. */
function target(checked: typeof Env): { baseUrl: string; timeout: string | undefined } {
  const baseUrl = checked.envBaseUrl('BASE_URL', 'http://127.0.0.1:18080');
  return { baseUrl, timeout: checked.envString('TIMEOUT', '') === '' ? undefined : checked.envDuration('TIMEOUT', defaultTimeout) };
}

function checkedRead({ baseUrl, timeout }: ReturnType<typeof target>): Read {
  const url = `${baseUrl}/items/burst-0`;
  return timeout === undefined ? { url } : { url, params: { timeout } };
}

// A plan's own requests: URLs, bodies and params prepared at init too, so an iteration costs one
// Math.random() and a pick over the cumulative weights more than the default read.
const plannedRequests = planned ? prepared(env as typeof Env, require('./lib/requests.ts') as typeof Requests) : undefined;

function prepared(checked: typeof Env, requests: typeof Requests) {
  const list = readRequests(checked.envString('REQUESTS_FILE', ''));
  const { baseUrl, timeout = defaultTimeout } = target(checked);
  const ready = requests.prepareRequests(baseUrl, list).map((request, index) => ({
    request,
    params: {
      timeout,
      headers: (request.json ? { 'Content-Type': 'application/json' } : {}) as Record<string, string>,
      tags: { name: `${request.method} ${list[index]?.path ?? ''}` },
    },
  }));
  return requests.weightedPicker(
    ready,
    list.map((request) => request.weight),
  );
}

export const options: Options = first ? burstOptions(env as typeof Env, require('./lib/vus.ts') as typeof Vus) : {};

function burstOptions(checked: typeof Env, vus: typeof Vus): Options {
  const rate = checked.envPositiveNumber('RATE', 2000);
  const sized = vus.burstVus(rate, checked.envPositiveNumber('LATENCY_MS', 10));
  const preAllocated = checked.envPositiveInteger('VUS', sized.vus);
  return {
    scenarios: {
      burst: {
        executor: 'constant-arrival-rate',
        ...checked.arrivalRate(rate),
        duration: checked.envDuration('DURATION', '30s'),
        preAllocatedVUs: preAllocated,
        maxVUs: Math.max(preAllocated, checked.envPositiveInteger('MAX_VUS', sized.maxVus)),
        gracefulStop: '5s',
        tags: { role: 'burst', ...(planned ? {} : { name: readName }) },
        ...(planned ? { exec: 'burstRequests' } : {}),
      },
    },
    discardResponseBodies: true,
    tags: { role: 'burst', testid: checked.envString('RUN_ID', 'manual') },
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

/** Writes the key the burst reads, so a healthy target answers 200 rather than 404; hands every VU the read. */
export function setup(): Read | undefined {
  if (planned || read === undefined) return undefined;
  const response = http.put(read.url, JSON.stringify({ value: 'burst-seed' }), {
    headers: { 'Content-Type': 'application/json' },
    ...(read.params ?? { timeout: defaultTimeout }),
    tags: { name: 'PUT /items/burst-{n} (seed)' },
  });
  // Not fatal: a burst at a faulted target is the point of a game day; its reads then fail.
  if (response.status < 200 || response.status >= 300) console.warn(`seeding: PUT ${read.url} returned ${response.status}, not 2xx`);
  return read;
}

export default function burst(data: Read): void {
  if (data.params === undefined) http.get(data.url);
  else http.get(data.url, data.params);
}

/** The iteration when the plan lists requests (see `options.scenarios.burst.exec`). */
export function burstRequests(): void {
  const { request, params } = (plannedRequests as NonNullable<typeof plannedRequests>)(Math.random());
  http.request(request.method, request.url, request.body, params);
}

function readRequests(file: string): Requests.BurstRequest[] {
  const parsed = JSON.parse(open(file)) as { requests?: Requests.BurstRequest[] };
  if (!Array.isArray(parsed.requests) || parsed.requests.length === 0) {
    throw new Error(`invalid REQUESTS_FILE; reason: expected {"requests": [at least one]}, got ${file} without requests`);
  }
  return parsed.requests;
}
