// The generic trace: a plan's `trace.journeys`, each a few HTTP steps run in order per iteration,
// one success or failure per iteration, tagged with the journey's name. gameday writes the plan's
// journeys to journeys.json in the run folder and runs this script when a plan has journeys; by hand:
//
//   k6 run -e JOURNEYS_FILE=$PWD/runs/<run>/journeys.json -e BASE_URL=http://127.0.0.1:18080 traces/journeys.ts
//
// Settings: JOURNEYS_FILE (required) an absolute path to {"journeys": [...]} in the loaded plan's
// form (verifier/plan/types.ts JourneySpec); RATE iterations/s shared round-robin by the journeys
// without a rate of their own (1); DURATION (5m); BASE_URL (http://127.0.0.1:18080); RUN_ID
// (tag `testid` and {{runId}}, "manual"); VUS per scenario (3); TIMEOUT per request (2s).
//
// Journeys with their own rate run as their own scenario (`journey-<name>`); the others share the
// `trace` scenario. Each iteration follows the trace contract (lib/contract.ts) with the journey's
// name, so `k6_trace_success_total{journey="<name>"}` counts each journey's successes.

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options, Scenario } from 'k6/options';
import { arrivalRate, envBaseUrl, envDuration, envPositiveInteger, envPositiveNumber, envString } from '../loadtests/lib/env.ts';
import { beginIteration, endIteration } from './lib/contract.ts';
import { evaluateStep, type Journey, renderBody, roundRobin, substitute } from './lib/journey.ts';

const rate = envPositiveNumber('RATE', 1);
const duration = envDuration('DURATION', '5m');
const baseUrl = envBaseUrl('BASE_URL', 'http://127.0.0.1:18080');
const runId = envString('RUN_ID', 'manual');
const vus = envPositiveInteger('VUS', 3);
const timeout = envDuration('TIMEOUT', '2s');
const journeys = readJourneys(envString('JOURNEYS_FILE', ''));

const shared = journeys.filter((journey) => journey.rate === undefined);
const byName = new Map(journeys.map((journey) => [journey.name, journey]));

function scenario(perSecond: number, journey: string | undefined): Scenario {
  return {
    executor: 'constant-arrival-rate',
    ...arrivalRate(perSecond),
    duration,
    preAllocatedVUs: vus,
    maxVUs: vus,
    gracefulStop: '5s',
    tags: { role: 'trace' },
    ...(journey === undefined ? {} : { env: { JOURNEY: journey } }),
  };
}

export const options: Options = {
  scenarios: {
    ...(shared.length > 0 ? { trace: scenario(rate, undefined) } : {}),
    ...Object.fromEntries(
      journeys.flatMap((journey) =>
        journey.rate === undefined ? [] : [[`journey-${journey.name}`, scenario(journey.rate, journey.name)]],
      ),
    ),
  },
  tags: { role: 'trace', testid: runId },
};

/** A journey's failures are logged at most this often, so a fault does not flood the k6 log. */
const warnEveryMs = 10_000;
const lastWarned = new Map<string, number>();

export default function journeysTrace(): void {
  const iteration = exec.scenario.iterationInTest;
  const own = __ENV.JOURNEY;
  const journey = own === undefined ? roundRobin(shared, iteration) : byName.get(own);
  if (journey === undefined) throw new Error(`no journey named ${JSON.stringify(own)} in JOURNEYS_FILE`);
  beginIteration(journey.name);
  endIteration(runJourney(journey, iteration));
}

function runJourney(journey: Journey, iteration: number): boolean {
  const vars: Record<string, string> = {
    runId,
    iteration: String(iteration),
    unique: `${runId}-${exec.vu.idInTest}-${iteration}-${Date.now()}`,
  };
  for (const [index, step] of journey.steps.entries()) {
    const label = `${journey.name} step ${index + 1}: ${step.method} ${step.path}`;
    let failures: string[];
    try {
      const body = renderBody(step.body, vars);
      const headers: Record<string, string> = body?.json ? { 'Content-Type': 'application/json' } : {};
      for (const [name, value] of Object.entries(step.headers)) headers[name] = substitute(value, vars);
      const response = http.request(step.method, `${baseUrl}${substitute(step.path, vars)}`, body?.text ?? null, {
        headers,
        timeout,
        // The template, not the substituted path: one series per step, not one per value.
        tags: { name: `${step.method} ${step.path}` },
      });
      const outcome = evaluateStep(step, { status: response.status, body: response.body, durationMs: response.timings.duration }, vars);
      Object.assign(vars, outcome.captured);
      failures = outcome.failures;
    } catch (error) {
      failures = [String(error)];
    }
    check(null, { [label]: () => failures.length === 0 });
    if (failures.length > 0) {
      warn(journey.name, `${label}: ${failures.join('; ')}`);
      // Later steps read what this one wrote or captured: running them would only fail again.
      return false;
    }
  }
  return true;
}

function warn(journey: string, message: string): void {
  const now = Date.now();
  if (now - (lastWarned.get(journey) ?? 0) < warnEveryMs) return;
  lastWarned.set(journey, now);
  console.warn(message);
}

function readJourneys(file: string): Journey[] {
  if (file === '') throw new Error('invalid JOURNEYS_FILE; reason: expected the path of a journeys JSON file, got nothing');
  const parsed = JSON.parse(open(file)) as { journeys?: Journey[] };
  if (!Array.isArray(parsed.journeys) || parsed.journeys.length === 0) {
    throw new Error(`invalid JOURNEYS_FILE; reason: expected {"journeys": [at least one]}, got ${file} without journeys`);
  }
  return parsed.journeys;
}
