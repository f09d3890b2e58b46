// The YAML form of trace journeys and burst requests -> the loaded form traces/journeys.ts and
// loadtests/burst.ts read: defaults filled in, statuses as ranges, the latency bound in ms.

import { parseDuration } from './duration.ts';
import type { BurstRequest, JourneySpec, JourneyStep, StepExpect } from './types.ts';

type Body = string | Record<string, unknown> | unknown[];

export interface JourneyYaml {
  name: string;
  rate?: number;
  critical?: boolean;
  steps: StepYaml[];
}
interface StepYaml {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Body;
  expect?: ExpectYaml;
  capture?: Record<string, string>;
}
interface ExpectYaml {
  status?: number | number[] | string;
  contains?: string;
  json?: Record<string, unknown>;
  maxDuration?: string;
}
export interface BurstRequestYaml {
  method?: string;
  path: string;
  body?: Body;
  weight?: number;
}

const DEFAULT_STATUS: Array<[number, number]> = [[200, 299]];

export function toJourney(journey: JourneyYaml): JourneySpec {
  return {
    name: journey.name,
    ...(journey.rate !== undefined && { rate: journey.rate }),
    critical: journey.critical ?? false,
    steps: journey.steps.map(toStep),
  };
}

function toStep(step: StepYaml): JourneyStep {
  return {
    method: step.method ?? 'GET',
    path: step.path,
    headers: step.headers ?? {},
    ...(step.body !== undefined && { body: step.body }),
    expect: toExpect(step.expect ?? {}),
    capture: step.capture ?? {},
  };
}

function toExpect(expect: ExpectYaml): StepExpect {
  const maxDuration = expect.maxDuration === undefined ? undefined : parseDuration(expect.maxDuration);
  return {
    status: statusRanges(expect.status),
    ...(expect.contains !== undefined && { contains: expect.contains }),
    ...(expect.json !== undefined && { json: expect.json }),
    ...(maxDuration !== undefined && { maxDurationMs: Math.round(maxDuration * 1000) }),
  };
}

/** 201 -> [[201, 201]]; [200, 404] -> one range each; "200-299" -> [[200, 299]]. */
export function statusRanges(status: ExpectYaml['status']): Array<[number, number]> {
  if (status === undefined) return DEFAULT_STATUS;
  if (typeof status === 'number') return [[status, status]];
  if (Array.isArray(status)) return status.map((code) => [code, code]);
  const [low = 200, high = 299] = status.split('-').map(Number);
  return [[low, high]];
}

export function toBurstRequest(request: BurstRequestYaml): BurstRequest {
  return {
    method: request.method ?? 'GET',
    path: request.path,
    ...(request.body !== undefined && { body: request.body }),
    weight: request.weight ?? 1,
  };
}
