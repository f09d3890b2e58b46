// The plan's Toxiproxy for one run: at preflight, toxiproxy-server started on loopback when the
// plan manages it, and the plan's proxies created; at the end, on every exit path, the proxies
// gameday created deleted (a proxy that was already there, the same, is left as it was) and the
// managed server stopped. Faults on the proxies are reverted before this, by the fault controller.
// What it starts and creates is journaled, so `gameday revert` can undo it after a `kill -9`
// (leftover-toxiproxy.ts). The server runs in a process group of its own: a Ctrl-C at the terminal
// reaches gameday, which reverts the toxics through it, and not the server first.

import { join } from 'node:path';
import { errorMessage, PreflightError } from '../errors.ts';
import type { EventInput } from '../journal/journal.ts';
import { type ToxiproxyClient, toxiproxyClient } from '../faults/toxiproxy-client.ts';
import type { ToxiproxySpec } from '../plan/types.ts';
import { assertPortFree, type ManagedProcess, startProcess } from '../stack/process.ts';
import { resolveTool } from '../toolchain/index.ts';

export interface ToxiproxySessionOptions {
  spec: ToxiproxySpec;
  /** Where the managed server's log goes. */
  runDir: string;
  log: (line: string) => void;
  /** Journals what the session starts, creates, deletes and stops. */
  record?: (event: EventInput) => void;
  /** Starts toxiproxy-server; the real one by default. */
  startServer?: (spec: ToxiproxySpec, logFile: string) => Promise<ManagedProcess>;
}

export class ToxiproxySession {
  private readonly options: ToxiproxySessionOptions;
  private readonly client: ToxiproxyClient;
  private server?: ManagedProcess;
  /** Proxies this run created, in order: the ones deleted at the end. */
  private readonly created: string[] = [];

  constructor(options: ToxiproxySessionOptions) {
    this.options = options;
    this.client = toxiproxyClient(options.spec.url);
  }

  /** Throws PreflightError (after undoing what it did) when Toxiproxy or a proxy cannot be set up. */
  async setUp(): Promise<void> {
    const { spec, runDir, log } = this.options;
    try {
      if (spec.managed) {
        this.server = await (this.options.startServer ?? startToxiproxyServer)(spec, join(runDir, 'toxiproxy-server.log'));
        this.options.record?.({ kind: 'toxiproxy.started', pid: this.server.pid, url: spec.url });
        log(`toxiproxy: started toxiproxy-server (pid ${this.server.pid}) at ${spec.url}`);
      }
      const existing = await this.client.proxies();
      for (const proxy of spec.proxies) {
        const there = existing[proxy.name];
        if (there !== undefined) {
          if (there.listen === proxy.listen && there.upstream === proxy.upstream && there.toxics.length === 0 && there.enabled) {
            log(`toxiproxy: proxy ${proxy.name} already there (${proxy.listen} -> ${proxy.upstream}); used as is and left in place`);
            continue;
          }
          throw new PreflightError(
            `Toxiproxy at ${spec.url} already has a proxy ${proxy.name} (${there.listen} -> ${there.upstream}, ${there.enabled ? 'enabled' : 'disabled'}, ${there.toxics.length} toxics), not the plan's clean ${proxy.listen} -> ${proxy.upstream}. Delete it (curl -X DELETE ${spec.url}/proxies/${proxy.name}) or rename the plan's proxy.`,
          );
        }
        await this.client.createProxy(proxy);
        this.created.push(proxy.name);
        this.options.record?.({ kind: 'toxiproxy.proxy-created', url: spec.url, ...proxy });
        log(`toxiproxy: proxy ${proxy.name} ${proxy.listen} -> ${proxy.upstream}`);
      }
    } catch (error) {
      await this.tearDown();
      if (error instanceof PreflightError) throw error;
      throw new PreflightError(`Toxiproxy could not be set up: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** Never throws: each step that fails is logged, and the next is tried. */
  async tearDown(): Promise<void> {
    const { log, record, spec } = this.options;
    for (const name of this.created.splice(0).reverse()) {
      try {
        const deleted = await this.client.deleteProxy(name);
        record?.({ kind: 'toxiproxy.proxy-deleted', url: spec.url, name, detail: deleted ? 'deleted' : 'was already gone' });
        log(`toxiproxy: proxy ${name} deleted`);
      } catch (error) {
        log(`toxiproxy: could not delete proxy ${name}: ${errorMessage(error)}`);
      }
    }
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      await server.stop();
      record?.({ kind: 'toxiproxy.stopped', pid: server.pid, url: spec.url, detail: 'stopped at the end of the run' });
      log(`toxiproxy: toxiproxy-server stopped`);
    }
  }
}

async function startToxiproxyServer(spec: ToxiproxySpec, logFile: string): Promise<ManagedProcess> {
  const url = new URL(spec.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 8474);
  await assertPortFree(host, port, 'Toxiproxy API');
  const command = await resolveTool('toxiproxy-server');
  return startProcess({
    name: 'toxiproxy-server',
    command,
    args: ['-host', host, '-port', String(port)],
    logFile,
    detached: true,
    readyUrl: `${spec.url.replace(/\/+$/, '')}/version`,
    readyTimeoutMs: 15_000,
  });
}
