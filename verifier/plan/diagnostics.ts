// A problem found in a plan, where it is, and what to do about it. The loader collects every
// problem before it throws, so a person fixes the whole plan in one pass.

import { UsageError } from '../errors.ts';

export interface Diagnostic {
  /** The plan file, as the caller named it. */
  file: string;
  /** 1-based line; 0 when the problem is the file itself (missing, unreadable, binary). */
  line: number;
  /** 1-based column; 0 when `line` is 0. */
  column: number;
  /** Where in the plan, e.g. `faults[2].expect[0].within`; empty for the whole document. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint: string;
}

/** One line per diagnostic: `plan.yaml:12:7 faults[2].within: "-5s" is not a duration; write …` */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n');
}

function formatDiagnostic(diagnostic: Diagnostic): string {
  const { file, line, column, path, message, hint } = diagnostic;
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  const what = hint === '' ? message : `${message}; ${hint}`;
  return path === '' ? `${where}: ${what}` : `${where} ${path}: ${what}`;
}

/** The plan cannot be used. `diagnostics` holds every problem found, in file order. */
export class PlanError extends UsageError {
  readonly diagnostics: Diagnostic[];

  constructor(file: string, diagnostics: Diagnostic[], options?: ErrorOptions) {
    const count = diagnostics.length === 1 ? '1 problem' : `${diagnostics.length} problems`;
    super(`invalid plan ${file}: ${count}\n${formatDiagnostics(diagnostics)}`, options);
    this.diagnostics = diagnostics;
  }
}
