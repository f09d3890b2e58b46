// The pure part of a journey step, shared by traces/journeys.ts (k6) and the unit tests (node):
// placeholder substitution, captures from a JSON response, and the step's expectations. Nothing
// here imports k6 or node, so both runtimes load it as it is.
//
// Placeholders, in a path, a header value or a body (every string inside a JSON body too):
//   {{runId}}      the run's id (RUN_ID)
//   {{iteration}}  the iteration's number in the test
//   {{unique}}     a fresh value per iteration, the same in every step of it (write, then read it back)
//   {{<capture>}}  a value an earlier step captured from its JSON response

// The journeys file's shape: the loaded plan's JourneySpec (verifier/plan/types.ts), restated here
// so k6 scripts never type-check the verifier's files (journey.test.ts holds the two together).
export interface Journey {
  name: string;
  rate?: number | undefined;
  critical: boolean;
  steps: JourneyStep[];
}

export interface JourneyStep {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Record<string, unknown> | unknown[] | undefined;
  expect: StepExpect;
  capture: Record<string, string>;
}

export interface StepExpect {
  /** Inclusive ranges of accepted statuses. */
  status: Array<[number, number]>;
  contains?: string | undefined;
  json?: Record<string, unknown> | undefined;
  maxDurationMs?: number | undefined;
}

export type Vars = Readonly<Record<string, string>>;

/** What the step checks in a response; k6's Response and a plain object both fit. */
export interface StepResponse {
  status: number;
  body: string | ArrayBuffer | null;
  /** Milliseconds from sending to the last byte (k6's timings.duration). */
  durationMs: number;
}

export interface StepOutcome {
  ok: boolean;
  /** One sentence per expectation that failed, empty when ok. */
  failures: string[];
  /** The captures this step made (only when ok). */
  captured: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces every {{name}} with its value; an unknown name is an error, never silently empty. */
export function substitute(template: string, vars: Vars): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`unknown placeholder {{${name}}}; known: ${Object.keys(vars).join(', ')}`);
    return value;
  });
}

/** A body as sent: a string substituted as text, anything else substituted string by string and sent as JSON. */
export function renderBody(body: JourneyStep['body'], vars: Vars): { text: string; json: boolean } | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return { text: substitute(body, vars), json: false };
  return { text: JSON.stringify(substituteDeep(body, vars)), json: true };
}

function substituteDeep(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return substitute(value, vars);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteDeep(item, vars)]));
  }
  return value;
}

/** The field at a dotted path (`order.id`, `items.0.sku`), or undefined. */
export function jsonField(document: unknown, path: string): unknown {
  let current = document;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function statusAccepted(status: number, ranges: StepExpect['status']): boolean {
  return ranges.some(([low, high]) => status >= low && status <= high);
}

/** Checks a response against the step's expectations and takes its captures. */
export function evaluateStep(step: Pick<JourneyStep, 'expect' | 'capture'>, response: StepResponse, vars: Vars): StepOutcome {
  const failures: string[] = [];
  const { expect } = step;
  const text = typeof response.body === 'string' ? response.body : '';
  if (!statusAccepted(response.status, expect.status)) {
    failures.push(`status ${response.status}, expected ${expect.status.map(([l, h]) => (l === h ? `${l}` : `${l}-${h}`)).join(' or ')}`);
  }
  if (expect.maxDurationMs !== undefined && response.durationMs > expect.maxDurationMs) {
    failures.push(`took ${Math.round(response.durationMs)} ms, more than ${expect.maxDurationMs} ms`);
  }
  if (expect.contains !== undefined) {
    const wanted = substitute(expect.contains, vars);
    if (!text.includes(wanted)) failures.push(`body does not contain ${JSON.stringify(wanted)}`);
  }
  const needsJson = expect.json !== undefined || Object.keys(step.capture).length > 0;
  const document = needsJson ? parseJson(text) : undefined;
  for (const [path, expected] of Object.entries(expect.json ?? {})) {
    const want = substituteDeep(expected, vars);
    const got = jsonField(document, path);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      failures.push(`JSON field ${path} is ${got === undefined ? 'missing' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  const captured: Record<string, string> = {};
  for (const [name, path] of Object.entries(step.capture)) {
    const value = jsonField(document, path);
    if (value === undefined || value === null || typeof value === 'object')
      failures.push(`no value to capture as ${name} at JSON field ${path}`);
    else captured[name] = String(value);
  }
  return { ok: failures.length === 0, failures, captured: failures.length === 0 ? captured : {} };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Which journey runs next in the shared round-robin: journeys without their own rate take turns
 * by the iteration number, so each gets an equal share of the trace rate.
 */
export function roundRobin<T>(items: readonly T[], iteration: number): T {
  const item = items[iteration % items.length];
  if (item === undefined) throw new Error('roundRobin over no items');
  return item;
}
