// Findings about the plan's injectors, without running them: each kind says what it would run and
// whether it can (verifier/faults/: an http URL well formed; an exec program and its script where
// spawn would find them; a signal's pid file holding a live pid).

import { dirname } from 'node:path';
import { checkInjector } from '../faults/injectors.ts';
import { INIT_TODO, isInitTodo } from '../plan/init-todo.ts';
import type { FaultSpec, Injector, Plan } from '../plan/types.ts';
import type { CheckFinding } from './findings.ts';
import type { CheckDeps } from './world.ts';

export async function injectorFinding(
  fault: FaultSpec,
  action: 'inject' | 'revert',
  injector: Injector,
  plan: Plan,
  d: CheckDeps,
): Promise<CheckFinding> {
  if (isInitTodo(injector)) {
    return {
      check: 'injector',
      subject: `${fault.name} ${action}`,
      status: 'fail',
      detail: `a stub left by gameday init (${INIT_TODO}): nothing to run yet`,
      hint: `write the command or HTTP call that ${action === 'inject' ? 'breaks what the alert watches' : 'undoes the fault'}`,
    };
  }
  const outcome = await checkInjector(injector, {
    field: `faults[].${action}`,
    planDir: dirname(plan.file),
    env: d.env,
    fs: d.fs,
    ...(plan.toxiproxy ? { toxiproxy: plan.toxiproxy } : {}),
  });
  return { check: 'injector', subject: `${fault.name} ${action}`, ...outcome };
}
