// Serves a prom-client registry at http://<listen>/metrics for the Prometheus that watches the game
// day. Counts scrapes, so the run can wait for Prometheus to have read the final figures before the
// server goes away.

import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { UsageError } from '../errors.ts';

export interface MetricsServer {
  url: string;
  /** Scrapes of /metrics answered so far. */
  readonly scrapes: number;
  /** Resolves true once a scrape that began after this call was answered, false after `timeoutMs` without one. */
  nextScrape(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** `host:port` → its parts; port 0 takes any free port (tests). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`invalid metrics address ${JSON.stringify(listen)}; reason: expected host:port, e.g. 127.0.0.1:19101`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export async function startMetricsServer(listen: string, registry: Registry): Promise<MetricsServer> {
  const { host, port } = parseListen(listen);
  let scrapes = 0;
  let requests = 0;
  // Each waiter wants a scrape whose body was built after it started waiting.
  const waiters = new Map<(scraped: boolean) => void, number>();
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('gameday serves /metrics only\n');
      return;
    }
    const scrape = ++requests;
    registry.metrics().then(
      (body) => {
        response.writeHead(200, { 'content-type': registry.contentType }).end(body, () => {
          scrapes++;
          for (const [wake, after] of waiters) if (scrape > after) wake(true);
        });
      },
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const actualPort = typeof bound === 'object' && bound ? bound.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/metrics`,
    get scrapes() {
      return scrapes;
    },
    nextScrape(timeoutMs) {
      return new Promise((resolve) => {
        const done = (scraped: boolean) => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve(scraped);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.set(done, requests);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of waiters.keys()) wake(false);
        // Prometheus keeps its scrape connection alive; close it rather than wait for it.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
