// A problem found in a plan, where it is, and what to do about it. The loader collects every
// problem before it throws, so a person fixes the whole plan in one pass.

import type { PlanDiagnostic } from '../errors.ts';

export { formatDiagnostics, PlanError } from '../errors.ts';
/** A problem found in a plan: file, line, column, plan path, message and hint. */
export type Diagnostic = PlanDiagnostic;
