// After gameday died without ending its run (`kill -9`, a crash), the Toxiproxy proxies it created
// and the toxiproxy-server it started are still there. `gameday revert` deletes the proxies the
// journal shows created and not deleted, and stops the server the journal shows started and not
// stopped — only if that pid is still a toxiproxy-server listening where the run started it, so a
// pid the system has since given to another program is left alone. It runs after the faults are
// reverted: their toxics are deleted through that server first.

import { errorMessage } from '../errors.ts';
import type { JournalEvent, ToxiproxyProxyCreated, ToxiproxyStarted } from '../journal/events.ts';
import type { EventInput } from '../journal/journal.ts';
import { toxiproxyClient } from '../faults/toxiproxy-client.ts';
import type { Processes } from './leftover-load.ts';

export interface ToxiproxyLeftovers {
  proxies: ToxiproxyProxyCreated[];
  servers: ToxiproxyStarted[];
}

export function toxiproxyLeftovers(events: readonly JournalEvent[]): ToxiproxyLeftovers {
  const proxies = new Map<string, ToxiproxyProxyCreated>();
  const servers = new Map<number, ToxiproxyStarted>();
  for (const event of events) {
    if (event.kind === 'toxiproxy.proxy-created') proxies.set(`${event.url} ${event.name}`, event);
    else if (event.kind === 'toxiproxy.proxy-deleted') proxies.delete(`${event.url} ${event.name}`);
    else if (event.kind === 'toxiproxy.started') servers.set(event.pid, event);
    else if (event.kind === 'toxiproxy.stopped') servers.delete(event.pid);
  }
  return { proxies: [...proxies.values()], servers: [...servers.values()] };
}

export interface LeftoverToxiproxyOutcome {
  events: EventInput[];
  /** What could not be undone, in words; empty when everything was. */
  failed: string[];
}

/** Deletes the leftover proxies, then stops the leftover servers; returns the events to journal. */
export async function cleanUpLeftoverToxiproxy(
  leftovers: ToxiproxyLeftovers,
  options: { processes: Processes; log: (line: string) => void; graceMs?: number },
): Promise<LeftoverToxiproxyOutcome> {
  const { processes, log } = options;
  const events: EventInput[] = [];
  const failed: string[] = [];
  const isOurServer = async (server: ToxiproxyStarted): Promise<boolean> => {
    const { hostname, port } = new URL(server.url);
    const line = await processes.commandLine(server.pid);
    return line !== undefined && line.includes(`-host ${hostname.replace(/^\[|\]$/g, '')}`) && line.includes(`-port ${port || 8474}`);
  };
  for (const proxy of leftovers.proxies.reverse()) {
    try {
      const deleted = await toxiproxyClient(proxy.url).deleteProxy(proxy.name);
      const detail = deleted ? 'deleted by `gameday revert`' : 'already gone when `gameday revert` looked';
      events.push({ kind: 'toxiproxy.proxy-deleted', url: proxy.url, name: proxy.name, detail });
      log(`toxiproxy: proxy ${proxy.name} ${deleted ? 'deleted' : 'was already gone'}`);
    } catch (error) {
      // A proxy on a managed server that is gone went with it.
      const server = leftovers.servers.find((started) => started.url === proxy.url);
      if (server !== undefined && !(await isOurServer(server))) {
        events.push({ kind: 'toxiproxy.proxy-deleted', url: proxy.url, name: proxy.name, detail: 'gone with its toxiproxy-server' });
        continue;
      }
      failed.push(`Toxiproxy proxy ${proxy.name} at ${proxy.url} (${errorMessage(error)})`);
      log(`toxiproxy: could not delete proxy ${proxy.name}: ${errorMessage(error)}`);
    }
  }
  for (const server of leftovers.servers) {
    if (!(await isOurServer(server))) {
      events.push({ kind: 'toxiproxy.stopped', pid: server.pid, url: server.url, detail: 'not running when `gameday revert` looked' });
      continue;
    }
    processes.signal(server.pid, 'SIGTERM');
    const deadline = Date.now() + (options.graceMs ?? 5000);
    while ((await isOurServer(server)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    let signal = 'SIGTERM';
    if (await isOurServer(server)) {
      processes.signal(server.pid, 'SIGKILL');
      signal = 'SIGKILL';
    }
    events.push({ kind: 'toxiproxy.stopped', pid: server.pid, url: server.url, detail: `stopped by \`gameday revert\` with ${signal}` });
    log(`toxiproxy: toxiproxy-server (pid ${server.pid}) stopped with ${signal}`);
  }
  return { events, failed };
}
