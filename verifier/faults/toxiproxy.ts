// The toxiproxy injector: one change to one proxy of a Toxiproxy — a toxic added (latency, a
// timeout, reset connections...), the toxic deleted again, or the proxy disabled ("down") and
// enabled again. The revert of a toxiproxy inject is derived by the plan loader (to-plan.ts) and
// journaled with the plan, so `gameday revert` after a crash deletes the same toxic; deleting a
// toxic that is already gone is a no-op, so a second revert changes nothing.

import { errorMessage } from '../errors.ts';
import type { Toxic, ToxiproxyInjector } from '../plan/types.ts';
import type { InjectorKind } from './injector.ts';
import { toxiproxyClient } from './toxiproxy-client.ts';

const TOXIC_TYPES: ReadonlySet<string> = new Set(['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data']);

export const toxiproxyInjector: InjectorKind<ToxiproxyInjector> = {
  describe(injector) {
    const on = `proxy ${injector.proxy} at ${injector.url}`;
    if ('removeToxic' in injector) return `delete toxic ${injector.removeToxic} of ${on}`;
    if (injector.toxic !== undefined) return `add ${describeToxic(injector.toxic)} to ${on}`;
    return `${injector.enabled === false ? 'disable' : 'enable'} ${on}`;
  },

  async run(injector, context) {
    const client = toxiproxyClient(injector.url, context.signal ? { signal: context.signal } : {});
    const { proxy } = injector;
    if ('removeToxic' in injector) {
      const deleted = await client.deleteToxic(proxy, injector.removeToxic);
      return deleted
        ? `deleted toxic ${injector.removeToxic} of proxy ${proxy}`
        : `toxic ${injector.removeToxic} of proxy ${proxy} was already gone`;
    }
    if (injector.toxic !== undefined) {
      await client.addToxic(proxy, injector.toxic);
      return `added ${describeToxic(injector.toxic)} to proxy ${proxy}`;
    }
    const enabled = injector.enabled ?? true;
    await client.setEnabled(proxy, enabled);
    return `proxy ${proxy} ${enabled ? 'enabled' : 'disabled'}`;
  },

  // The plan's own proxies are created at preflight, so at check time a missing one is expected;
  // what check can say is that Toxiproxy answers and whether the proxy is there now.
  async check(injector, { field, toxiproxy }) {
    if ('toxic' in injector && injector.toxic !== undefined && !TOXIC_TYPES.has(injector.toxic.type)) {
      return { status: 'fail', detail: `unknown toxic type ${injector.toxic.type}`, hint: `use one of: ${[...TOXIC_TYPES].join(', ')}` };
    }
    if (toxiproxy?.managed) {
      return {
        status: 'ok',
        detail: `${toxiproxyInjector.describe(injector)} (toxiproxy-server started by gameday for the run; the proxy created at preflight)`,
      };
    }
    const client = toxiproxyClient(injector.url, { timeoutMs: 3000 });
    try {
      const [version, proxies] = [await client.version(), await client.proxies()];
      const found = proxies[injector.proxy];
      const what = toxiproxyInjector.describe(injector);
      if (found === undefined) return { status: 'ok', detail: `${what} (Toxiproxy ${version}; the proxy is created at preflight)` };
      return {
        status: 'ok',
        detail: `${what} (Toxiproxy ${version}; proxy ${found.listen} -> ${found.upstream}, ${found.toxics.length} toxics now)`,
      };
    } catch (error) {
      return {
        status: 'fail',
        detail: errorMessage(error),
        hint: `start Toxiproxy at ${injector.url}, set toxiproxy.managed: true in the plan, or fix ${field}.toxiproxy`,
      };
    }
  },
};

function describeToxic(toxic: Toxic): string {
  const attributes = Object.entries(toxic.attributes)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const share = toxic.toxicity === 1 ? '' : `, toxicity ${toxic.toxicity}`;
  return `a ${toxic.type} toxic ${toxic.name} (${toxic.stream}${attributes ? `, ${attributes}` : ''}${share})`;
}
