// The registry of injector kinds: the plan's `inject` / `revert` to the kind that runs it. Each kind
// is a file of its own (http.ts, exec.ts, signal.ts, toxiproxy.ts, manual.ts) behind the InjectorKind interface (injector.ts).

import type { Injector } from '../plan/types.ts';
import { execInjector } from './exec.ts';
import { httpInjector } from './http.ts';
import { manualInjector } from './manual.ts';
import type { CheckEnvironment, InjectorCheck, InjectorContext, InjectorKind } from './injector.ts';
import { signalInjector } from './signal.ts';
import { toxiproxyInjector } from './toxiproxy.ts';

export {
  type CheckEnvironment,
  type InjectorCheck,
  type InjectorContext,
  injectorContext,
  type MarkReceived,
  type MarkRequest,
} from './injector.ts';

type Kinds = { [K in Injector['kind']]: InjectorKind<Extract<Injector, { kind: K }>> };

/** Every kind; the compiler requires an entry for each kind of Injector. */
const kinds: Kinds = {
  http: httpInjector,
  exec: execInjector,
  signal: signalInjector,
  toxiproxy: toxiproxyInjector,
  manual: manualInjector,
};

function kindOf<I extends Injector>(injector: I): InjectorKind<I> {
  return kinds[injector.kind] as unknown as InjectorKind<I>;
}

/** Runs an injector; resolves with a one-line description of the outcome, rejects with InjectorError. */
export function runInjector(injector: Injector, context: InjectorContext): Promise<string> {
  return kindOf(injector).run(injector, context);
}

export function describeInjector(injector: Injector): string {
  return kindOf(injector).describe(injector);
}

/** What `gameday check` says of an injector, without running it. */
export function checkInjector(injector: Injector, environment: CheckEnvironment): Promise<InjectorCheck> {
  return kindOf(injector).check(injector, environment);
}
