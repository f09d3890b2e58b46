// The admin HTTP API of the supervisor: how a game day injects and reverts faults.
// JSON in and out; 200 once the change is in effect in every running process; repeating a call
// is harmless. Destructive by design, so it listens on loopback only.
//
//   GET  /admin/state
//   POST /admin/api-instances/start   {}                       start missing API instances, wait until they answer
//   POST /admin/replicas              {"reachable": bool}      false = replicas cut off
//   POST /admin/replication           {"running": bool}        false = replication never started (silent)
//   POST /admin/cache                 {"broken": bool}
//   POST /admin/queue                 {"host": "host:port"}    e.g. "queue.invalid:5672"; revert with the broker address
//   POST /admin/reset                 {}                       undo every fault

import type http from 'node:http';
import { BodyTooLargeError, createServer, readBody, sendJson } from './lib/http.ts';
import type { World } from './lib/protocol.ts';
import type { DemoSupervisor } from './supervisor.ts';

class BadRequest extends Error {
  override name = 'BadRequest';
}

type Action = (body: Record<string, unknown>) => Promise<unknown>;

export function createAdminServer(supervisor: DemoSupervisor): http.Server {
  const setter =
    <K extends keyof World>(field: string, worldKey: K, type: 'boolean' | 'string', example: string): Action =>
    async (body) => {
      const value = body[field];
      if (typeof value !== type || value === '') {
        throw new BadRequest(`expected ${example}, got ${JSON.stringify(body)}`);
      }
      return supervisor.setWorld({ [worldKey]: value } as Partial<World>);
    };

  const actions: Record<string, Action> = {
    '/admin/api-instances/start': () => supervisor.startApiInstances(),
    '/admin/replicas': setter('reachable', 'replicasReachable', 'boolean', '{"reachable": true|false}'),
    '/admin/replication': setter('running', 'replicationRunning', 'boolean', '{"running": true|false}'),
    '/admin/cache': setter('broken', 'cacheBroken', 'boolean', '{"broken": true|false}'),
    '/admin/queue': setter(
      'host',
      'queueHost',
      'string',
      `{"host": "<host:port>"} (the broker is ${supervisor.state().queueBrokerAddress})`,
    ),
    '/admin/reset': () => supervisor.reset(),
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/admin/state') {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'use GET' });
      return sendJson(res, 200, supervisor.state());
    }
    const action = actions[path];
    if (!action)
      return sendJson(res, 404, { error: `unknown admin path ${path}; known: GET /admin/state, POST ${Object.keys(actions).join(', ')}` });
    if (req.method !== 'POST') return sendJson(res, 405, { error: `use POST ${path}` });
    let body: Record<string, unknown>;
    try {
      const text = (await readBody(req, 16 * 1024)).toString('utf8').trim();
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new BadRequest(`expected a JSON object, got ${text}`);
      body = parsed as Record<string, unknown>;
    } catch (error) {
      const reason =
        error instanceof BadRequest || error instanceof BodyTooLargeError ? error.message : `expected JSON, ${(error as Error).message}`;
      return sendJson(res, 400, { error: `invalid body for POST ${path}; reason: ${reason}` });
    }
    try {
      const result = await action(body);
      return sendJson(res, 200, { ok: true, ...(result as object) });
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: `invalid body for POST ${path}; reason: ${error.message}` });
      return sendJson(res, 500, { error: `${path} failed: ${(error as Error).message}`, world: supervisor.world });
    }
  };

  return createServer((req, res) => {
    handle(req, res).catch((error: Error) => sendJson(res, 500, { error: error.message }));
  });
}
