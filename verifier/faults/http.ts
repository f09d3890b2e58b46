// The http injector: one request; any 2xx is success, anything else an InjectorError with the answer.

import { InjectorError } from '../errors.ts';
import { describeHttpError, type HttpAnswer, httpRequest } from '../http.ts';
import type { HttpInjector } from '../plan/types.ts';
import type { InjectorKind } from './injector.ts';

export const httpInjector: InjectorKind<HttpInjector> = {
  describe: (injector) => `${injector.method} ${injector.url}`,

  async run(injector, context) {
    let response: HttpAnswer;
    try {
      response = await httpRequest({
        url: injector.url,
        method: injector.method,
        headers: injector.headers,
        body: injector.body,
        timeoutMs: injector.timeoutSeconds * 1000,
        signal: context.signal,
      });
    } catch (error) {
      throw new InjectorError(`${injector.method} ${injector.url} failed: ${describeHttpError(error)}`, { cause: error });
    }
    const text = response.text.slice(0, 300).trim();
    if (!response.ok) {
      throw new InjectorError(`${injector.method} ${injector.url} answered HTTP ${response.status}${text ? `: ${text}` : ''}`);
    }
    return `${injector.method} ${injector.url} → ${response.status}${text ? ` ${text}` : ''}`;
  },

  async check(injector, { field }) {
    const problem = urlProblem(injector.url);
    if (problem)
      return { status: 'fail', detail: `${injector.method} ${injector.url}: ${problem}`, hint: `fix ${field}.http.url in the plan` };
    return { status: 'ok', detail: `${injector.method} ${injector.url}` };
  },
};

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a well-formed URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the scheme is ${parsed.protocol}, expected http: or https:`;
  if (parsed.hostname === '') return 'the URL has no host';
  return undefined;
}
