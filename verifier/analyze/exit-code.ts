// The run's exit code, for CI: 0 only when every expectation was detected in time. Exit code 2
// (bad input) belongs to the CLI.

import type { RunAnalysis, Verdict } from './model.ts';

export type VerdictExitCode = 0 | 1;

/** Whether a verdict lets the run pass; a Record so a new verdict must take a side to compile. */
const passes: Record<Verdict, boolean> = {
  detected: true,
  late: false,
  missed: false,
  'not-injected': false,
};

export function exitCodeFor(analysis: RunAnalysis): VerdictExitCode {
  const all = analysis.faults.flatMap((fault) => fault.expectations);
  return all.every((expectation) => passes[expectation.verdict]) ? 0 : 1;
}
