// The rules for Toxiproxy in a plan that the schema cannot say: proxies named once and listening
// on distinct addresses, a managed Toxiproxy only on loopback, and toxiproxy injectors that name a
// declared proxy, change exactly one thing, and give only the attributes their toxic type has.

import { type Finding, isRecord, show } from './finding.ts';
import type { PathSegment } from './source.ts';
import { closest } from './suggest.ts';
import type { ToxicType } from './types.ts';

type Report = (path: PathSegment[], message: string, hint: Finding['hint']) => void;

/** Each toxic type's attributes, as Toxiproxy v2.12 names them (times in ms, rate in KB/s, sizes in bytes). */
export const TOXIC_ATTRIBUTES: Record<ToxicType, readonly string[]> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
};

/** The proxies the plan declares; undefined when it has no `toxiproxy` section. */
export function toxiproxyProxyNames(toxiproxy: unknown): string[] | undefined {
  if (!isRecord(toxiproxy)) return undefined;
  const proxies = Array.isArray(toxiproxy.proxies) ? toxiproxy.proxies : [];
  return proxies.flatMap((proxy) => (isRecord(proxy) && typeof proxy.name === 'string' ? [proxy.name] : []));
}

export function checkToxiproxy(toxiproxy: unknown, report: Report): void {
  if (!isRecord(toxiproxy)) return;
  if (toxiproxy.managed === true && typeof toxiproxy.url === 'string') {
    const host = /^https?:\/\/(\[[^\]]+\]|[^/:?#]+)/.exec(toxiproxy.url)?.[1]?.replace(/^\[|\]$/g, '') ?? '';
    if (!(host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) {
      report(
        ['toxiproxy', 'url'],
        `a managed Toxiproxy listens on loopback, not on ${host}`,
        'use a URL such as http://127.0.0.1:8474, or set `managed: false` to use a Toxiproxy already running there',
      );
    }
  }
  const proxies = Array.isArray(toxiproxy.proxies) ? toxiproxy.proxies : [];
  const names = new Map<string, number>();
  const listens = new Map<string, number>();
  for (const [index, proxy] of proxies.entries()) {
    if (!isRecord(proxy)) continue;
    for (const [key, seen, what] of [
      ['name', names, 'name'],
      ['listen', listens, 'listen address'],
    ] as const) {
      const value = proxy[key];
      if (typeof value !== 'string') continue;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else
        report(
          ['toxiproxy', 'proxies', index, key],
          `toxiproxy.proxies[${first}] already has this ${what}`,
          `give each proxy its own ${what}`,
        );
    }
  }
}

export function checkToxiproxyInjector(value: unknown, path: PathSegment[], proxyNames: string[] | undefined, report: Report): void {
  if (!isRecord(value)) return;
  if (proxyNames === undefined) {
    report(
      path,
      'a toxiproxy injector needs the plan’s `toxiproxy` section',
      'add `toxiproxy: { proxies: [{ name, listen, upstream }] }` at the top level of the plan',
    );
  } else if (typeof value.proxy === 'string' && !proxyNames.includes(value.proxy)) {
    const suggestion = closest(value.proxy, proxyNames);
    report(
      [...path, 'proxy'],
      `no proxy is named ${show(value.proxy)} under toxiproxy.proxies`,
      suggestion !== undefined
        ? `did you mean ${show(suggestion)}?`
        : proxyNames.length === 0
          ? 'declare it under toxiproxy.proxies'
          : `name one of: ${proxyNames.join(', ')}, or declare it under toxiproxy.proxies`,
    );
  }
  if ((value.toxic === undefined) === (value.enabled === undefined)) {
    report(
      path,
      value.toxic === undefined ? 'a toxiproxy injector needs a toxic or `enabled`' : 'give a toxic or `enabled`, not both',
      'add a toxic (toxic: { type: latency, attributes: { latency: 1000 } }), or take the proxy down with `enabled: false`',
    );
  }
  const toxic = value.toxic;
  if (!isRecord(toxic) || typeof toxic.type !== 'string' || !isRecord(toxic.attributes)) return;
  const known = TOXIC_ATTRIBUTES[toxic.type as ToxicType] as readonly string[] | undefined;
  if (known === undefined) return; // the schema reports an unknown type
  for (const name of Object.keys(toxic.attributes)) {
    if (known.includes(name)) continue;
    const suggestion = closest(name, [...known]);
    report(
      [...path, 'toxic', 'attributes', name],
      `a ${toxic.type} toxic has no attribute ${show(name)}`,
      `${suggestion !== undefined ? `did you mean ${show(suggestion)}? ` : ''}its attributes: ${known.join(', ')}`,
    );
  }
}
