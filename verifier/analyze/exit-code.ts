// The run's exit code, for CI: 0 only when every expectation was detected in time; 1 when one
// failed (late, missed, not injected); 5 when none failed but one could not be judged
// (inconclusive: monitoring was blind), so CI can tell "fix the alerts" from "run it again with
// a working pipeline". Exit codes 2, 3 and 4 belong to the CLI.

import type { RunAnalysis, Verdict } from './model.ts';

export type VerdictExitCode = 0 | 1 | 5;

export const INCONCLUSIVE_EXIT_CODE = 5;

/** What a verdict does to the run; a Record so a new verdict must take a side to compile. */
const outcome: Record<Verdict, 'pass' | 'fail' | 'unknown'> = {
  detected: 'pass',
  late: 'fail',
  missed: 'fail',
  inconclusive: 'unknown',
  'not-injected': 'fail',
};

export function exitCodeFor(analysis: RunAnalysis): VerdictExitCode {
  const outcomes = analysis.faults.flatMap((fault) => fault.expectations).map((expectation) => outcome[expectation.verdict]);
  if (outcomes.includes('fail')) return 1;
  if (outcomes.includes('unknown')) return INCONCLUSIVE_EXIT_CODE;
  return 0;
}
