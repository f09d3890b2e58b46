// Small stand-ins for the orchestrator's unit tests, on loopback: one HTTP server that answers the
// parts of the Prometheus and Alertmanager APIs a run reads (recording every request's headers),
// a target whose faults are switched over HTTP (and whose answers can be held back, to make a
// revert hang), and a load runner that starts nothing.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadFinish, LoadHandle, LoadRunner, TraceProgress } from '../ports.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

interface Listening {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

async function listen(handle: (request: RecordedRequest, response: http.ServerResponse) => void): Promise<Listening> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const recorded = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(recorded);
      handle(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What `/api/v1/query` answers for an expression: a vector of values (empty: false) or a scalar. */
export type QueryAnswer = { vector: number[] } | { scalar: number } | { error: string };

export interface FakeMonitoring extends Listening {
  /** Answers for stop-condition expressions; change them while a run is going on. */
  answers: Map<string, QueryAnswer>;
  /** Paths whose requests are never answered (a Prometheus that hangs), e.g. /api/v1/query_range. */
  hang: Set<string>;
  /** What /api/v1/alerts answers; change it while a run is going on. */
  alerts: Array<{ labels: Record<string, string>; state: 'pending' | 'firing'; activeAt: string }>;
}

/** Prometheus and Alertmanager in one: ready, Alertmanager discovered, the named alerting rules, no alerts. */
export async function startFakeMonitoring(rules: string[]): Promise<FakeMonitoring> {
  const answers = new Map<string, QueryAnswer>();
  const json = (response: http.ServerResponse, status: number, body: unknown) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const success = (response: http.ServerResponse, data: unknown) => json(response, 200, { status: 'success', data });
  const hang = new Set<string>();
  const alerts: FakeMonitoring['alerts'] = [];
  const server = await listen((request, response) => {
    if (hang.has(request.path)) return;
    switch (request.path) {
      case '/-/ready':
        return response.writeHead(200).end('ready');
      case '/api/v1/alertmanagers':
        return success(response, { activeAlertmanagers: [{ url: 'http://127.0.0.1:9093/api/v2/alerts' }] });
      case '/api/v1/rules':
        return success(response, {
          groups: [
            {
              name: 'fake',
              file: 'rules.yml',
              interval: 1,
              rules: rules.map((name) => ({ type: 'alerting', name, query: 'vector(1)', duration: 0, health: 'ok', state: 'inactive' })),
            },
          ],
        });
      case '/api/v1/alerts':
        return success(response, { alerts: alerts.map((alert) => ({ ...alert, annotations: {}, value: '1' })) });
      case '/api/v2/alerts':
        return json(response, 200, []);
      case '/api/v1/query': {
        const query = request.query.get('query') ?? '';
        const answer = answers.get(query);
        if (answer === undefined) return success(response, { resultType: 'matrix', result: [] });
        if ('error' in answer) return json(response, 400, { status: 'error', errorType: 'bad_data', error: answer.error });
        const time = Date.now() / 1000;
        if ('scalar' in answer) return success(response, { resultType: 'scalar', result: [time, String(answer.scalar)] });
        return success(response, {
          resultType: 'vector',
          result: answer.vector.map((value, index) => ({ metric: { instance: `i${index}` }, value: [time, String(value)] })),
        });
      }
      default:
        return json(response, 404, { status: 'error', error: `no ${request.path}` });
    }
  });
  return { ...server, answers, hang, alerts };
}

export interface FakeTarget extends Listening {
  /** Fault name -> in place. */
  state: Map<string, boolean>;
  /**
   * Requests to hold back, matched by fault and action, each used once: answered after `ms`, or
   * never (the caller's timeout ends it) when `ms` is absent.
   */
  hold: Array<{ fault: string; on: boolean; ms?: number }>;
}

/** `POST /faults/<name>` with `{"on": true|false}` switches a fault; answers 200 with the new state. */
export async function startFakeTarget(): Promise<FakeTarget> {
  const state = new Map<string, boolean>();
  const hold: FakeTarget['hold'] = [];
  const server = await listen((request, response) => {
    const fault = request.path.replace(/^\/faults\//, '');
    const { on } = JSON.parse(request.body || '{}') as { on?: boolean };
    const apply = () => {
      state.set(fault, on === true);
      response.writeHead(200).end(`${fault} ${on ? 'on' : 'off'}`);
    };
    const index = hold.findIndex((entry) => entry.fault === fault && entry.on === on);
    const held = index >= 0 ? hold.splice(index, 1)[0] : undefined;
    if (held === undefined) return apply();
    if (held.ms !== undefined) setTimeout(apply, held.ms);
    // else never answered: the caller's timeout ends it
  });
  return { ...server, state, hold };
}

/**
 * A load runner that starts no process: each "k6" ends when stopped, or after its duration. Its
 * trace keeps the trace contract (one sample per iteration, with its start) unless `traceProgress`
 * says otherwise, e.g. a script that emits nothing gameday can read.
 */
export function fakeLoadRunner(options: { traceProgress?: () => TraceProgress } = {}): LoadRunner & { started: string[] } {
  const traceProgress = options.traceProgress ?? (() => ({ iterations: 1, samples: 1, timed: 1 }));
  const started: string[] = [];
  let nextPid = 4_000_000;
  const start = (name: string, durationSeconds: number): LoadHandle => {
    started.push(name);
    let finish: (value: LoadFinish) => void = () => {};
    const finished = new Promise<LoadFinish>((resolve) => {
      finish = resolve;
    });
    const timer = setTimeout(() => finish({ exitCode: 0, signal: null }), durationSeconds * 1000);
    return {
      pid: nextPid++,
      vus: 1,
      finished,
      stop: async () => {
        clearTimeout(timer);
        finish({ exitCode: 0, signal: 'SIGINT' });
        return finished;
      },
    };
  };
  return {
    started,
    startTrace: async (spec) => ({ ...start('trace', spec.durationSeconds), progress: async () => traceProgress() }),
    startBurst: async (spec) => start(spec.name, spec.durationSeconds),
  };
}
