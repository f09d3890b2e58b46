// The one HTTP client on the Node side (axios), and the one way to say in words why a request got
// no answer. Every HTTP status is an answer here: callers decide what a 404 or a 500 means to
// them; only a request that got no answer at all (refused, timed out, aborted) throws.

import axios, { AxiosError, AxiosHeaders } from 'axios';
import { errorMessage } from './errors.ts';

export interface HttpRequestOptions {
  url: string;
  /** GET unless said otherwise. */
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as it is (text/plain unless a content-type says otherwise); anything else as JSON. */
  body?: unknown;
  /** For the whole exchange, from connecting to the last byte of the answer; 5000 unless said otherwise. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  /** The status is 2xx. */
  ok: boolean;
  /** The body as UTF-8 text. */
  text: string;
  /** The body parsed when the server says it is JSON and it parses; the text otherwise. */
  data: unknown;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** Sends one request; resolves with any answer, whatever its status; rejects when none came (see describeHttpError). */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const headers: Record<string, string> = { ...options.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  let data: string | undefined;
  if (typeof options.body === 'string') {
    data = options.body;
    if (!hasContentType) headers['content-type'] = 'text/plain;charset=UTF-8';
  } else if (options.body !== undefined) {
    data = JSON.stringify(options.body);
    if (!hasContentType) headers['content-type'] = 'application/json';
  }
  // axios's own timeout only bounds a silent socket; the deadline bounds the whole exchange, a
  // server that trickles its answer included.
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const response = await axios.request<string>({
      url: options.url,
      method: options.method ?? 'GET',
      headers,
      data,
      timeout: timeoutMs,
      signal: options.signal ? AbortSignal.any([deadline, options.signal]) : deadline,
      validateStatus: () => true,
      responseType: 'text',
      // The body is serialized above and parsed below: no guessing by axios on either side.
      transformRequest: (body: unknown) => body,
      transformResponse: (body: unknown) => body,
    });
    const text = typeof response.data === 'string' ? response.data : String(response.data ?? '');
    const answerHeaders = Object.fromEntries(
      Object.entries(AxiosHeaders.from(response.headers as AxiosHeaders).toJSON(true)).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
    return {
      status: response.status,
      ok: response.status >= 200 && response.status < 300,
      text,
      data: parseJson(text, answerHeaders['content-type']),
      headers: answerHeaders,
    };
  } catch (error) {
    // The deadline ran out (not the caller's signal): say so the way axios says its own timeout.
    if (axios.isCancel(error) && deadline.aborted && !options.signal?.aborted) {
      const canceled = error as AxiosError;
      throw new AxiosError(`timeout of ${timeoutMs}ms exceeded`, AxiosError.ECONNABORTED, canceled.config, canceled.request);
    }
    throw error;
  }
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (!contentType || !/[/+]json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Network error codes, in words; the code stays in brackets for whoever searches for it. */
const NO_ANSWER: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset before an answer',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed for now',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * Why a request got no answer, in a few words: "connection refused (ECONNREFUSED)", "no answer
 * within 5s", "aborted". Takes what httpRequest or any axios instance rejects with, and any other
 * error as its message.
 */
export function describeHttpError(error: unknown): string {
  if (axios.isCancel(error)) return 'aborted';
  const code = errorCode(error);
  const timeoutMs = axios.isAxiosError(error) ? error.config?.timeout : undefined;
  const timedOut = (code === 'ECONNABORTED' || code === 'ETIMEDOUT') && /^timeout/i.test(errorMessage(error));
  if (timedOut && timeoutMs) return `no answer within ${timeoutMs / 1000}s`;
  if (code !== undefined && NO_ANSWER[code] !== undefined) return `${NO_ANSWER[code]} (${code})`;
  // Node leaves the message empty when every address of a name refused (an AggregateError); the code remains.
  return errorMessage(error) || code || String(error);
}

function errorCode(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  if (typeof code === 'string') return code;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
