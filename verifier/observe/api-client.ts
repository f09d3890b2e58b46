// What the Prometheus and Alertmanager clients share: a base URL that may carry a path prefix,
// headers (credentials, tenant) on every request, a timeout, and a readiness probe that works on
// servers without `/-/ready` (Mimir, Cortex).

import axios, { type AxiosInstance } from 'axios';
import { describeHttpError } from '../http.ts';

export interface ApiClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Whether a server answers `/-/ready` with 200, and if not, why not in a person's words. */
export type Readiness = { ready: true } | { ready: false; reason: string };

export abstract class ApiClient {
  readonly baseUrl: string;
  protected readonly http: AxiosInstance;
  readonly #what: string;
  readonly #readinessFallback: string;

  protected constructor(options: ApiClientOptions, what: string, readinessFallback: string) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#what = what;
    this.#readinessFallback = readinessFallback;
    this.http = axios.create({
      baseURL: this.baseUrl,
      headers: options.headers ?? {},
      timeout: options.timeoutMs ?? 5000,
      // Every status is an answer; the subclasses turn the ones they do not expect into MonitoringError.
      validateStatus: () => true,
    });
  }

  async ready(): Promise<boolean> {
    return (await this.readiness()).ready;
  }

  readiness(): Promise<Readiness> {
    return probeReady(this.http, `${this.#what} at ${this.baseUrl}`, this.#readinessFallback);
  }
}

/** `/-/ready` answered 200, or the reason it did not, ready to show a person. */
export async function probeReady(http: AxiosInstance, what: string, fallbackPath?: string): Promise<Readiness> {
  try {
    const response = await http.get('/-/ready');
    if (response.status === 200) return { ready: true };
    if (response.status === 404 && fallbackPath !== undefined) {
      const fallback = await http.get(fallbackPath);
      if (fallback.status === 200) return { ready: true };
      return { ready: false, reason: `${what} has no /-/ready and answered ${fallbackPath} with HTTP ${fallback.status}` };
    }
    const body = typeof response.data === 'string' ? response.data.trim().slice(0, 200) : '';
    return { ready: false, reason: `${what} answered /-/ready with HTTP ${response.status}${body ? `: ${body}` : ''}` };
  } catch (error) {
    return { ready: false, reason: `${what} did not answer /-/ready: ${describeHttpError(error)}` };
  }
}
