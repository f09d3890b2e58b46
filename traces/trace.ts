// The trace: a constant, low-rate write-then-read through the whole game-day window.
//
// Each iteration writes a fresh value to one of 20 keys and reads it back. Besides status codes
// it checks read-after-write, which is what catches a fault that keeps answering 200 while
// serving stale data (e.g. replication that never started).
//
//   k6 run --no-usage-report traces/trace.ts                      # 1 req/s for 5m on :18080
//   k6 run -e RATE=2 -e DURATION=30s -e BASE_URL=http://127.0.0.1:18080 traces/trace.ts
//
// Settings (all optional): RATE iterations/s (1), DURATION (5m), BASE_URL
// (http://127.0.0.1:18080), RUN_ID (tag `testid`, "manual"), VUS pre-allocated (3),
// TIMEOUT per request (2s).
//
// Metrics for gameday: the trace contract (lib/contract.ts): trace_success and trace_ok, with
// the iteration's start as metadata `started_ms`.

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { arrivalRate, envBaseUrl, envDuration, envPositiveInteger, envPositiveNumber, envString } from '../loadtests/lib/env.ts';
import { beginIteration, endIteration } from './lib/contract.ts';

const rate = envPositiveNumber('RATE', 1);
const duration = envDuration('DURATION', '5m');
const baseUrl = envBaseUrl('BASE_URL', 'http://127.0.0.1:18080');
const runId = envString('RUN_ID', 'manual');
// Few VUs so each one's keep-alive connection is reused often and stays warm (arrival-rate
// executors rotate over idle VUs); three still absorb iterations of up to ~3 s at 1/s.
const vus = envPositiveInteger('VUS', 3);
const timeout = envDuration('TIMEOUT', '2s');

const keys = 20;

export const options: Options = {
  scenarios: {
    trace: {
      executor: 'constant-arrival-rate',
      ...arrivalRate(rate),
      duration,
      preAllocatedVUs: vus,
      maxVUs: vus,
      // An iteration is bounded by two request timeouts; past that it is cut off rather than
      // holding the run open. Slots missed meanwhile show up as dropped_iterations.
      gracefulStop: '5s',
      tags: { role: 'trace' },
    },
  },
  // `--tag` on the command line replaces these; gameday passes both.
  tags: { role: 'trace', testid: runId },
};

const jsonHeaders = { 'Content-Type': 'application/json' };

export default function trace(): void {
  beginIteration();

  const n = exec.scenario.iterationInTest;
  const url = `${baseUrl}/items/trace-${n % keys}`;
  const written = `${runId}-${n}-${Date.now()}`;

  const put = http.put(url, JSON.stringify({ value: written }), {
    headers: jsonHeaders,
    timeout,
    tags: { name: 'PUT /items/trace-{n}' },
  });
  let ok = check(put, { 'PUT status is 2xx': (r) => r.status >= 200 && r.status < 300 });

  // Without a successful write there is nothing to read back; skipping the read keeps a hung
  // target from costing two timeouts per slot.
  if (ok) {
    const get = http.get(url, { timeout, tags: { name: 'GET /items/trace-{n}' } });
    const value = readValue(get.body);
    ok = check(get, {
      'GET status is 2xx': (r) => r.status >= 200 && r.status < 300,
      'GET body is {"value": string}': () => value !== undefined,
      'GET returns the value just written': () => value === written,
    });
  }

  endIteration(ok);
}

function readValue(body: string | ArrayBuffer | null): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || !('value' in parsed)) return undefined;
    return typeof parsed.value === 'string' ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}
