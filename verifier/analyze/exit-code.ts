// The run's exit code, for CI: 0 only when every expectation was detected in time; 1 when one
// failed (late, missed, not injected); 5 when none failed but one could not be judged
// (inconclusive: monitoring was blind), so CI can tell "fix the alerts" from "run it again with
// a working pipeline". The codes themselves are in ../errors.ts.

import { EXIT } from '../errors.ts';
import type { RunAnalysis, Verdict } from './model.ts';

export type VerdictExitCode = typeof EXIT.ok | typeof EXIT.expectationsFailed | typeof EXIT.inconclusive;

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
  if (outcomes.includes('fail')) return EXIT.expectationsFailed;
  if (outcomes.includes('unknown')) return EXIT.inconclusive;
  return EXIT.ok;
}
