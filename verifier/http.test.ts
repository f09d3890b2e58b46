// The HTTP client against a real local server: every status is an answer, and a request that got
// none is described in words a person can act on.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeHttpError, httpRequest } from './http.ts';

interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', headers: request.headers, body });
      switch (request.url) {
        case '/json':
          return response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ status: 'success' }));
        case '/broken':
          return response.writeHead(500, { 'content-type': 'text/plain', 'x-request-id': 'r-1' }).end('database unavailable\n');
        case '/silent':
          return; // never answers
        case '/trickle': {
          // Answers, but a byte at a time: never silent long enough for a socket timeout.
          response.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => response.write('.'), 20);
          return response.once('close', () => clearInterval(timer));
        }
        default:
          return response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

/** A port nobody listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('httpRequest', () => {
  it('parses a JSON answer and keeps its text and headers', async () => {
    const answer = await httpRequest({ url: `${base}/json` });
    expect(answer).toMatchObject({ status: 200, ok: true, text: '{"status":"success"}', data: { status: 'success' } });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('resolves with a 500 answer instead of throwing', async () => {
    const answer = await httpRequest({ url: `${base}/broken` });
    expect(answer).toMatchObject({ status: 500, ok: false, text: 'database unavailable\n', data: 'database unavailable\n' });
    expect(answer.headers['x-request-id']).toBe('r-1');
  });

  it('sends a string as it is and anything else as JSON, with the headers given', async () => {
    await httpRequest({ url: `${base}/`, method: 'POST', body: 'drop 50%', headers: { 'X-Token': 't' } });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      body: 'drop 50%',
      headers: { 'x-token': 't', 'content-type': 'text/plain;charset=UTF-8' },
    });
    await httpRequest({ url: `${base}/`, method: 'PUT', body: { percent: 50 } });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: '{"percent":50}', headers: { 'content-type': 'application/json' } });
    await httpRequest({ url: `${base}/`, method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(seen.at(-1)?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('rejects when the connection is refused, and says so', async () => {
    const error = await rejection(httpRequest({ url: `http://127.0.0.1:${await closedPort()}/` }));
    expect(describeHttpError(error)).toBe('connection refused (ECONNREFUSED)');
  });

  it('rejects when a server never answers within the timeout, and says how long it waited', async () => {
    const error = await rejection(httpRequest({ url: `${base}/silent`, timeoutMs: 200 }));
    expect(describeHttpError(error)).toBe('no answer within 0.2s');
  });

  it('bounds the whole exchange, not just a silent socket', async () => {
    const error = await rejection(httpRequest({ url: `${base}/trickle`, timeoutMs: 300 }));
    expect(describeHttpError(error)).toBe('no answer within 0.3s');
  });

  it('rejects when the caller aborts, and says so', async () => {
    const controller = new AbortController();
    const request = httpRequest({ url: `${base}/silent`, timeoutMs: 10_000, signal: controller.signal });
    controller.abort(new Error('run stopped'));
    expect(describeHttpError(await rejection(request))).toBe('aborted');
  });
});

describe('describeHttpError', () => {
  it('names a network error by its code when the message is empty', () => {
    expect(describeHttpError(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe(
      'connection refused (ECONNREFUSED)',
    );
  });

  it('falls back to the message of anything else', () => {
    expect(describeHttpError(new Error('certificate has expired'))).toBe('certificate has expired');
    expect(describeHttpError('boom')).toBe('boom');
  });
});
