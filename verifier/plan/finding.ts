import type { Anchor, PathSegment } from './source.ts';

/** A problem at a path in the plan's data; the loader turns it into a positioned Diagnostic. */
export interface Finding {
  path: PathSegment[];
  /** Point at the key (unknown or duplicate keys) or at its value (the default). */
  anchor?: Anchor;
  message: string;
  hint: string;
}

/** What a plan needs, for hints on an empty or shapeless file. */
export const START_HINT = 'start with `version: 1`, then `name`, `window`, `target`, `monitoring` and `faults`';

/** How a value reads in a message: strings quoted, containers by kind. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
