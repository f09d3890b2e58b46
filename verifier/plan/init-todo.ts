// The marker `gameday init` leaves where a person must fill in a plan: an injector whose command
// holds it is a stub, and `gameday check` fails on it (a starter plan never injects by accident).

import type { Injector } from './types.ts';

export const INIT_TODO = 'TODO(gameday init)';

/** Whether an injector is one of `gameday init`'s stubs (its command, URL or body holds the marker). */
export function isInitTodo(injector: Injector): boolean {
  return JSON.stringify(injector).includes(INIT_TODO);
}
