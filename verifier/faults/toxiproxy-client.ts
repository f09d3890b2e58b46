// Toxiproxy's HTTP API (v2.12), through the one HTTP client: proxies and their toxics. Every
// call names the Toxiproxy and what it asked; no answer at all is an InjectorError that says
// Toxiproxy is unreachable and how to start it.

import { InjectorError } from '../errors.ts';
import { describeHttpError, type HttpAnswer, httpRequest } from '../http.ts';
import type { Toxic, ToxiproxyProxy } from '../plan/types.ts';

export interface ProxyState extends ToxiproxyProxy {
  enabled: boolean;
  toxics: Toxic[];
}

export interface ToxiproxyClient {
  readonly url: string;
  version(): Promise<string>;
  /** Every proxy, by name. */
  proxies(): Promise<Record<string, ProxyState>>;
  createProxy(proxy: ToxiproxyProxy): Promise<void>;
  /** Resolves false when there was no such proxy. */
  deleteProxy(name: string): Promise<boolean>;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  addToxic(proxy: string, toxic: Toxic): Promise<void>;
  /** Resolves false when the toxic (or its proxy) was not there: nothing to delete. */
  deleteToxic(proxy: string, toxic: string): Promise<boolean>;
  toxics(proxy: string): Promise<Toxic[]>;
}

export function toxiproxyClient(url: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): ToxiproxyClient {
  const base = url.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
    try {
      return await httpRequest({
        url: `${base}${path}`,
        method,
        ...(body === undefined ? {} : { body }),
        timeoutMs: options.timeoutMs ?? 5000,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw new InjectorError(
        `Toxiproxy at ${base} is unreachable (${method} ${path}: ${describeHttpError(error)}). Start toxiproxy-server there, or set toxiproxy.managed: true so gameday starts one.`,
        { cause: error },
      );
    }
  };
  const expect = (answer: HttpAnswer, what: string, statuses: number[]): void => {
    if (statuses.includes(answer.status)) return;
    const said = typeof answer.data === 'object' && answer.data !== null ? (answer.data as { error?: unknown }).error : undefined;
    throw new InjectorError(
      `Toxiproxy at ${base}: ${what} answered ${answer.status}: ${typeof said === 'string' ? said : answer.text.slice(0, 200)}`,
    );
  };
  const path = (proxy: string) => `/proxies/${encodeURIComponent(proxy)}`;
  return {
    url: base,
    async version() {
      const answer = await call('GET', '/version');
      expect(answer, 'GET /version', [200]);
      const data = answer.data as { version?: unknown };
      return typeof data?.version === 'string' ? data.version : answer.text.trim();
    },
    async proxies() {
      const answer = await call('GET', '/proxies');
      expect(answer, 'GET /proxies', [200]);
      return answer.data as Record<string, ProxyState>;
    },
    async createProxy(proxy) {
      const answer = await call('POST', '/proxies', { ...proxy, enabled: true });
      expect(answer, `creating proxy ${proxy.name} (${proxy.listen} -> ${proxy.upstream})`, [200, 201]);
    },
    async deleteProxy(name) {
      const answer = await call('DELETE', path(name));
      expect(answer, `deleting proxy ${name}`, [200, 204, 404]);
      return answer.status !== 404;
    },
    async setEnabled(proxy, enabled) {
      const answer = await call('POST', path(proxy), { enabled });
      expect(answer, `${enabled ? 'enabling' : 'disabling'} proxy ${proxy}`, [200]);
    },
    async addToxic(proxy, toxic) {
      const answer = await call('POST', `${path(proxy)}/toxics`, toxic);
      expect(answer, `adding the ${toxic.type} toxic ${toxic.name} to proxy ${proxy}`, [200]);
    },
    async deleteToxic(proxy, toxic) {
      const answer = await call('DELETE', `${path(proxy)}/toxics/${encodeURIComponent(toxic)}`);
      expect(answer, `deleting toxic ${toxic} of proxy ${proxy}`, [200, 204, 404]);
      return answer.status !== 404;
    },
    async toxics(proxy) {
      const answer = await call('GET', `${path(proxy)}/toxics`);
      expect(answer, `listing the toxics of proxy ${proxy}`, [200]);
      return answer.data as Toxic[];
    },
  };
}
