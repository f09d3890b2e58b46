import { describe, expect, test } from 'vitest';
import type { JournalEvent } from '../journal/events.ts';
import type { Processes } from './leftover-load.ts';
import { cleanUpLeftoverToxiproxy, toxiproxyLeftovers } from './leftover-toxiproxy.ts';

const at = '2026-01-01T00:00:00.000Z';
const away = 'http://127.0.0.1:9'; // nothing listens: Toxiproxy unreachable

function processes(commandLines: Map<number, string>): Processes & { signals: Array<[number, string]> } {
  const signals: Array<[number, string]> = [];
  return {
    signals,
    commandLine: async (pid) => commandLines.get(pid),
    signal: (pid, signal) => {
      signals.push([pid, signal]);
      commandLines.delete(pid);
      return true;
    },
  };
}

describe('Toxiproxy leftovers after a crash', () => {
  const events: JournalEvent[] = [
    { kind: 'toxiproxy.started', at, pid: 41, url: away },
    { kind: 'toxiproxy.proxy-created', at, url: away, name: 'a', listen: '127.0.0.1:1', upstream: '127.0.0.1:2' },
    { kind: 'toxiproxy.proxy-created', at, url: away, name: 'b', listen: '127.0.0.1:3', upstream: '127.0.0.1:2' },
    { kind: 'toxiproxy.proxy-deleted', at, url: away, name: 'a', detail: 'deleted' },
  ];

  test('what the journal shows created or started and not deleted or stopped', () => {
    const leftovers = toxiproxyLeftovers(events);
    expect(leftovers.proxies.map((proxy) => proxy.name)).toEqual(['b']);
    expect(leftovers.servers.map((server) => server.pid)).toEqual([41]);
    expect(toxiproxyLeftovers([...events, { kind: 'toxiproxy.stopped', at, pid: 41, url: away, detail: '' }]).servers).toEqual([]);
  });

  test('a pid that is no longer its toxiproxy-server is left alone; its proxies went with the server', async () => {
    const system = processes(new Map([[41, 'vim notes.txt -port 9']]));
    const outcome = await cleanUpLeftoverToxiproxy(toxiproxyLeftovers(events), { processes: system, log: () => {} });
    expect(system.signals).toEqual([]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.events).toEqual([
      { kind: 'toxiproxy.proxy-deleted', url: away, name: 'b', detail: 'gone with its toxiproxy-server' },
      { kind: 'toxiproxy.stopped', pid: 41, url: away, detail: 'not running when `gameday revert` looked' },
    ]);
  });

  test('the server still running is stopped with SIGTERM; a proxy its running server does not delete is a failure, named', async () => {
    const system = processes(new Map([[41, '/x/.tools/bin/toxiproxy-server -host 127.0.0.1 -port 9']]));
    const started = toxiproxyLeftovers(events.slice(0, 1)).servers;
    const external = toxiproxyLeftovers(events.slice(2, 3)).proxies;
    const outcome = await cleanUpLeftoverToxiproxy({ servers: started, proxies: external }, { processes: system, log: () => {} });
    expect(system.signals).toEqual([[41, 'SIGTERM']]);
    expect(outcome.events).toEqual([{ kind: 'toxiproxy.stopped', pid: 41, url: away, detail: 'stopped by `gameday revert` with SIGTERM' }]);
    expect(outcome.failed).toEqual([expect.stringMatching(/^Toxiproxy proxy b at http:\/\/127.0.0.1:9 \(Toxiproxy at .* is unreachable/)]);
  });
});
