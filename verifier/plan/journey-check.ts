// The rules of trace journeys a JSON Schema cannot say: unique journey names, and placeholders
// that name something defined by then ({{runId}}, {{iteration}}, {{unique}} or a capture of an
// earlier step), so a typo is refused when the plan loads, not discovered as a failing journey.

import { type Finding, isRecord, show } from './finding.ts';
import type { PathSegment } from './source.ts';
import { closest } from './suggest.ts';

const BUILT_IN = ['runId', 'iteration', 'unique'];
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function journeyFindings(trace: unknown): Finding[] {
  if (!isRecord(trace) || !Array.isArray(trace.journeys)) return [];
  const findings: Finding[] = [];
  const firstIndex = new Map<string, number>();
  for (const [index, journey] of trace.journeys.entries()) {
    if (!isRecord(journey)) continue;
    const path: PathSegment[] = ['trace', 'journeys', index];
    if (typeof journey.name === 'string') {
      const first = firstIndex.get(journey.name);
      if (first === undefined) firstIndex.set(journey.name, index);
      else {
        findings.push({
          path: [...path, 'name'],
          message: `duplicate journey name ${show(journey.name)}`,
          hint: `trace.journeys[${first}] already has this name; each journey's name is its own \`journey\` label`,
        });
      }
    }
    if (Array.isArray(journey.steps)) findings.push(...placeholderFindings(journey.steps, [...path, 'steps']));
  }
  return findings;
}

function placeholderFindings(steps: unknown[], path: PathSegment[]): Finding[] {
  const findings: Finding[] = [];
  const known = [...BUILT_IN];
  for (const [index, step] of steps.entries()) {
    if (!isRecord(step)) continue;
    const expect = isRecord(step.expect) ? step.expect : {};
    const places: Array<[PathSegment[], unknown]> = [
      [['path'], step.path],
      [['headers'], step.headers],
      [['body'], step.body],
      [['expect', 'contains'], expect.contains],
      [['expect', 'json'], expect.json],
    ];
    for (const [where, value] of places) {
      for (const name of placeholdersIn(value)) {
        if (known.includes(name)) continue;
        const capturedLater = steps.slice(index).some((later) => isRecord(later) && isRecord(later.capture) && name in later.capture);
        const suggestion = closest(name, known);
        findings.push({
          path: [...path, index, ...where],
          message: `placeholder {{${name}}} is not defined in step ${index + 1}`,
          hint: capturedLater
            ? `{{${name}}} is captured by this or a later step; a step can use only what earlier steps captured`
            : suggestion !== undefined
              ? `did you mean {{${suggestion}}}?`
              : `use {{runId}}, {{iteration}}, {{unique}} or a name an earlier step captures (capture: { ${name}: <JSON field> })`,
        });
      }
    }
    if (isRecord(step.capture)) known.push(...Object.keys(step.capture));
  }
  return findings;
}

function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (isRecord(value)) return Object.values(value).flatMap(placeholdersIn);
  return [];
}
