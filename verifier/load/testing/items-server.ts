// A minimal key-value HTTP server with the demo target's item API (PUT/GET /items/:key), for
// tests of the k6 scripts and the runner. Loopback only, on a port the OS picks.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ItemsServer {
  readonly baseUrl: string;
  /** Requests seen, by "METHOD prefix", e.g. "PUT trace", "GET burst". */
  readonly counts: Map<string, number>;
  readonly items: Map<string, string>;
  /** When true, GET answers 200 with a value that was never written (the silent-fault shape). */
  staleReads: boolean;
  count(methodAndPrefix: string): number;
  close(): Promise<void>;
}

export async function startItemsServer(): Promise<ItemsServer> {
  const counts = new Map<string, number>();
  const items = new Map<string, string>();
  const state = { staleReads: false };

  const server: Server = createServer((req, res) => {
    const match = /^\/items\/(([a-z]+)-[^/]*)$/.exec(req.url ?? '');
    if (match === null) {
      res.writeHead(404).end();
      return;
    }
    const [, key = '', prefix = ''] = match;
    const counter = `${req.method} ${prefix}`;
    counts.set(counter, (counts.get(counter) ?? 0) + 1);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

    if (req.method === 'PUT') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        try {
          const value: unknown = (JSON.parse(body) as { value?: unknown }).value;
          if (typeof value !== 'string') throw new Error('value must be a string');
          items.set(key, value);
          json(200, { key, value });
        } catch (error) {
          json(400, { error: (error as Error).message });
        }
      });
      return;
    }
    if (req.method === 'GET') {
      const value = state.staleReads ? 'stale' : items.get(key);
      if (value === undefined) json(404, { error: 'not found' });
      else json(200, { key, value });
      return;
    }
    res.writeHead(405).end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    counts,
    items,
    get staleReads() {
      return state.staleReads;
    },
    set staleReads(value: boolean) {
      state.staleReads = value;
    },
    count: (methodAndPrefix) => counts.get(methodAndPrefix) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Polls `condition` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
}
