// Starts the real demo target (supervisor + Redis primary, 2 replicas and cache behind Toxiproxy
// + deps + 2 API instances + gateway) on test ports, induces each fault the way a game day does
// (admin HTTP API, the kill script, cp of the capacity typo), checks its effect on the service, on
// Toxiproxy and on Redis, and that the revert undoes it, then stops everything and checks no
// process is left.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const demoDir = fileURLToPath(new URL('../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const ports = {
  gateway: 28080,
  api: [28081, 28082],
  deps: 28090,
  admin: 28099,
  toxiproxy: 28574,
  redis: [28379, 28380, 28381, 28382],
  proxies: [28579, 28580, 28581, 28582],
};
const toxiproxy = `http://127.0.0.1:${ports.toxiproxy}`;
const gateway = `http://127.0.0.1:${ports.gateway}`;
const admin = `http://127.0.0.1:${ports.admin}/admin`;

interface Answer {
  status: number;
  health: string | null;
  body: string;
  ms: number;
}

async function call(method: string, url: string, body?: unknown): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await res.text();
  return { status: res.status, health: res.headers.get('x-health'), body: text, ms: performance.now() - started };
}

const get = (key: string) => call('GET', `${gateway}/items/${key}`);
const put = (key: string, value: string) => call('PUT', `${gateway}/items/${key}`, { value });

async function adminPost(path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const answer = await call('POST', `${admin}${path}`, body);
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** Sum of the samples of `name` whose labels contain `labels`, in a process's /metrics. */
async function metric(port: number, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  if (!text.includes(`# TYPE ${name} `)) throw new Error(`metric ${name} is not exported on port ${port}`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (labels && !rest.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const apiMetric = async (name: string, labels = '') =>
  (await Promise.all(ports.api.map((p) => metric(p, name, labels)))).reduce((a, b) => a + b, 0);

/** Polls until `probe` gives a truthy result, and returns it; fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const failure = (reason?: unknown) =>
    new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason === undefined ? '' : `: ${String(reason)}`}`);
  return vi.waitFor(
    async () => {
      const value = await probe().catch((error: unknown) => {
        throw failure(error);
      });
      if (!value) throw failure();
      return value;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runScript(path: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [path], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** 300 reads fired together, like the first instant of a burst. */
async function volley(): Promise<Answer[]> {
  return Promise.all(Array.from({ length: 300 }, (_, i) => get(`burst-${i % 100}`)));
}

describe('demo target', () => {
  let stateDir: string;
  let supervisor: ChildProcess;
  let stderr = '';
  let exited: Promise<number | null>;
  const seenPids = new Set<number>();

  const apiPids = async () =>
    Promise.all(['api-1', 'api-2'].map(async (name) => Number((await readFile(join(stateDir, `${name}.pid`), 'utf8')).trim())));

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'gameday-demo-state-'));
    supervisor = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(demoDir, 'target', 'main.ts'),
        '--state-dir',
        stateDir,
        '--gateway-port',
        String(ports.gateway),
        '--api-ports',
        ports.api.join(','),
        '--deps-port',
        String(ports.deps),
        '--admin-port',
        String(ports.admin),
        '--toxiproxy-port',
        String(ports.toxiproxy),
        '--redis-ports',
        ports.redis.join(','),
        '--proxy-ports',
        ports.proxies.join(','),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exited = new Promise((resolve) => supervisor.once('exit', (code) => resolve(code)));
    supervisor.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no readiness line within 60 s; stderr:\n${stderr}`)), 60_000);
      supervisor.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`supervisor exited with ${code} before ready; stderr:\n${stderr}`)));
    });
    expect(stdout).toMatch(/^gameday-demo ready gateway=http:\/\/127\.0\.0\.1:28080 admin=http:\/\/127\.0\.0\.1:28099 /);
    const state = JSON.parse((await call('GET', `${admin}/state`)).body) as {
      processes: Array<{ pid: number }>;
      datastore: { pids: Record<string, number> };
    };
    for (const p of state.processes) seenPids.add(p.pid);
    expect(seenPids.size).toBe(4);
    expect(Object.keys(state.datastore.pids).sort()).toEqual(['cache', 'primary', 'replica-1', 'replica-2', 'toxiproxy']);
    for (const pid of Object.values(state.datastore.pids)) seenPids.add(pid);
  }, 90_000);

  afterAll(async () => {
    if (supervisor && supervisor.exitCode === null && supervisor.signalCode === null) {
      supervisor.kill('SIGTERM');
      await exited;
    }
    for (const pid of seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('serves seeded keys, writes and read-after-write, with X-Health on every response', async () => {
    const seeded = await get('burst-42');
    expect(seeded).toMatchObject({ status: 200, health: 'ok' });
    expect(JSON.parse(seeded.body)).toEqual({ key: 'burst-42', value: 'seed-burst-42' });
    expect(JSON.parse((await get('trace-19')).body)).toEqual({ key: 'trace-19', value: 'seed-trace-19' });
    expect(await get('never-written')).toMatchObject({ status: 404, health: 'ok' });

    expect(await put('fresh-1', 'a')).toMatchObject({ status: 201, health: 'ok' });
    expect(await put('fresh-1', 'b')).toMatchObject({ status: 200, health: 'ok' });
    // both instances (round robin) see the new value at once
    for (const answer of [await get('fresh-1'), await get('fresh-1')]) expect(JSON.parse(answer.body).value).toBe('b');
    expect(await call('GET', `${gateway}/healthz`)).toMatchObject({ status: 200, health: 'ok' });
    expect(await call('PUT', `${gateway}/items/bad`, { value: 1 })).toMatchObject({ status: 400, health: 'ok' });
  });

  it('replicas cut off: reads fall back to the primary, slower and degraded; revert restores', async () => {
    await adminPost('/replicas', { reachable: false });
    const proxies = JSON.parse((await call('GET', `${toxiproxy}/proxies`)).body) as Record<string, { enabled: boolean }>;
    expect(Object.fromEntries(Object.entries(proxies).map(([name, proxy]) => [name, proxy.enabled]))).toEqual({
      'redis-primary': true,
      'redis-replica-1': false,
      'redis-replica-2': false,
      'redis-cache': true,
    });
    expect(await metric(ports.deps, 'demo_db_replicas_healthy')).toBe(0);
    await put('fresh-2', 'during-outage');
    const read = await get('fresh-2');
    expect(read).toMatchObject({ status: 200, health: 'degraded' });
    expect(JSON.parse(read.body).value).toBe('during-outage');
    expect(read.ms).toBeGreaterThanOrEqual(95);
    expect((await get('burst-1')).health).toBe('degraded');
    expect(await metric(ports.deps, 'demo_db_reads_total', 'source="primary"')).toBeGreaterThan(0);

    await adminPost('/replicas', { reachable: true });
    expect(await metric(ports.deps, 'demo_db_replicas_healthy')).toBe(2);
    await put('fresh-2', 'after');
    const fromPrimary = await metric(ports.deps, 'demo_db_reads_total', 'source="primary"');
    const fromReplicas = await metric(ports.deps, 'demo_db_reads_total', 'source="replica"');
    const after = await get('fresh-2');
    expect(after).toMatchObject({ status: 200, health: 'ok' });
    expect(JSON.parse(after.body).value).toBe('after');
    // read from a replica again, so without the primary's 100 ms penalty
    expect(await metric(ports.deps, 'demo_db_reads_total', 'source="replica"')).toBeGreaterThan(fromReplicas);
    expect(await metric(ports.deps, 'demo_db_reads_total', 'source="primary"')).toBe(fromPrimary);
  });

  it('cache broken: cache errors grow, reads bypass it, degraded; revert restores', async () => {
    const errorsBefore = await apiMetric('demo_cache_errors_total');
    await adminPost('/cache', { broken: true });
    for (let i = 0; i < 4; i++) expect(await get('burst-2')).toMatchObject({ status: 200, health: 'degraded' });
    expect(await apiMetric('demo_cache_errors_total')).toBeGreaterThanOrEqual(errorsBefore + 4);

    await adminPost('/cache', { broken: false });
    const errorsAfter = await apiMetric('demo_cache_errors_total');
    for (let i = 0; i < 4; i++) expect(await get('burst-2')).toMatchObject({ status: 200, health: 'ok' });
    expect(await apiMetric('demo_cache_errors_total')).toBe(errorsAfter);
  });

  it('queue host unreachable: writes 503 read-only, demo_queue_connected 0; revert restores', async () => {
    const state = JSON.parse((await call('GET', `${admin}/state`)).body) as { queueBrokerAddress: string };
    expect(state.queueBrokerAddress).toBe('127.0.0.1:28090');
    await adminPost('/queue', { host: 'queue.invalid:5672' });
    expect(await put('trace-1', 'lost')).toMatchObject({ status: 503, health: 'read-only' });
    expect(await get('trace-1')).toMatchObject({ status: 200, health: 'read-only' });
    expect(await metric(ports.deps, 'demo_queue_connected')).toBe(0);
    expect(await metric(ports.deps, 'demo_queue_publish_errors_total')).toBeGreaterThanOrEqual(1);

    await adminPost('/queue', { host: state.queueBrokerAddress });
    expect(await metric(ports.deps, 'demo_queue_connected')).toBe(1);
    expect(await put('trace-1', 'kept')).toMatchObject({ status: 200, health: 'ok' });
    expect(JSON.parse((await get('trace-1')).body).value).toBe('kept');
  });

  it('replication never started: reads return the old value with 200 and nothing reports it; revert catches up', async () => {
    const fivexxBefore = await apiMetric('demo_http_requests_total', 'code="5');
    const pidsBefore = (JSON.parse((await call('GET', `${admin}/state`)).body) as { datastore: { pids: Record<string, number> } }).datastore
      .pids;
    await adminPost('/replication', { running: false });
    // Restarted for real, without --replicaof: new processes that are masters of their own.
    const pidsAfter = (JSON.parse((await call('GET', `${admin}/state`)).body) as { datastore: { pids: Record<string, number> } }).datastore
      .pids;
    for (const node of ['replica-1', 'replica-2']) {
      expect(pidsAfter[node]).not.toBe(pidsBefore[node]);
      seenPids.add(pidsAfter[node] as number);
    }
    expect(await readFile(join(stateDir, 'redis', 'replica-1.log'), 'utf8')).toMatch(/DB loaded from disk/);
    expect(await put('trace-5', 'written-while-stopped')).toMatchObject({ status: 200, health: 'ok' });
    for (let i = 0; i < 4; i++) {
      const read = await get('trace-5');
      expect(read).toMatchObject({ status: 200, health: 'ok' });
      expect(JSON.parse(read.body)).toEqual({ key: 'trace-5', value: 'seed-trace-5' });
    }
    expect(await metric(ports.deps, 'demo_db_replicas_healthy')).toBe(2);
    expect(await apiMetric('demo_http_requests_total', 'code="5')).toBe(fivexxBefore);
    const depsMetrics = await (await fetch(`http://127.0.0.1:${ports.deps}/metrics`)).text();
    expect(depsMetrics).not.toMatch(/^demo_\w*(replicat|lag|behind)/im);

    await adminPost('/replication', { running: true });
    for (let i = 0; i < 2; i++) expect(JSON.parse((await get('trace-5')).body).value).toBe('written-while-stopped');
  });

  it('capacity typo: fine at a few requests per second, a burst is mostly shed with cheap 503s; revert restores', async () => {
    const liveConfig = join(stateDir, 'capacity.json');
    expect(JSON.parse(await readFile(liveConfig, 'utf8'))).toEqual({ maxRequestsPerSecondPerInstance: 5000 });
    expect((await volley()).every((a) => a.status === 200)).toBe(true);

    await copyFile(join(demoDir, 'config', 'capacity-typo.json'), liveConfig);
    const shed = await until('the typo to shed a burst', async () => {
      const answers = await volley();
      const refused = answers.filter((a) => a.status === 503);
      return refused.length >= 150 && refused;
    });
    expect(shed.every((a) => a.health === 'degraded' && a.body.includes('over capacity'))).toBe(true);
    expect(await apiMetric('demo_capacity_rejections_total')).toBeGreaterThanOrEqual(150);
    // a trickle still gets through, once the bucket the burst emptied has refilled (it refills at 50/s);
    // the pause between requests is the trickle's pace, a few per second
    await until('the bucket to refill after the burst', async () => (await get('burst-3')).status === 200);
    for (let i = 0; i < 5; i++) {
      expect((await get('burst-3')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
    }

    await copyFile(join(demoDir, 'config', 'capacity.json'), liveConfig);
    await until('the good config to serve a burst', async () => (await volley()).every((a) => a.status === 200));
  });

  it('all API instances killed from outside stay dead (502 at the gateway) until the revert starts them', async () => {
    const before = await apiPids();
    expect(before.every(isAlive)).toBe(true);
    const script = join(demoDir, 'faults', 'kill-api-instances.sh');

    const kill = await runScript(script, { GAMEDAY_DEMO_STATE: stateDir });
    expect(kill.stderr).toBe('');
    expect(kill.code).toBe(0);
    // SIGKILLed and reaped by the supervisor: the pid no longer exists
    await until('the killed instances to be reaped', async () => before.every((pid) => !isAlive(pid)));
    for (const pid of before) expect(() => process.kill(pid, 0)).toThrow();
    await until('the gateway to answer 502', async () => (await get('burst-4')).status === 502);
    expect(await get('burst-4')).toMatchObject({ status: 502, health: 'degraded' });
    await until('the pidfiles to be removed', async () => {
      const gone = await Promise.all(
        ['api-1', 'api-2'].map((n) =>
          stat(join(stateDir, `${n}.pid`)).then(
            () => false,
            () => true,
          ),
        ),
      );
      return gone.every(Boolean);
    });
    // nothing restarts them: once the supervisor has handled both exits (its last word on them),
    // they are still down, and nothing in the demo would start them without the admin call
    for (const pid of before) {
      await until(`the supervisor to have handled the exit of pid ${pid}`, async () =>
        stderr.includes(`(pid ${pid}) exited (signal SIGKILL); it stays down until POST /admin/api-instances/start`),
      );
    }
    const down = JSON.parse((await call('GET', `${admin}/state`)).body) as { processes: Array<{ name: string; up: boolean }> };
    expect(down.processes.filter((p) => p.name.startsWith('api-')).map((p) => p.up)).toEqual([false, false]);
    expect((await get('burst-4')).status).toBe(502);

    const again = await runScript(script, { GAMEDAY_DEMO_STATE: stateDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nothing to kill');

    const started = await adminPost('/api-instances/start');
    expect(started).toMatchObject({ ok: true, started: ['api-1', 'api-2'], running: ['api-1', 'api-2'] });
    const after = await apiPids();
    for (const pid of after) seenPids.add(pid);
    expect(after.every(isAlive)).toBe(true);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    expect(await get('burst-4')).toMatchObject({ status: 200, health: 'ok' });
    // idempotent: nothing to start now
    expect(await adminPost('/api-instances/start')).toMatchObject({ started: [], running: ['api-1', 'api-2'] });
  });

  it('rejects a malformed admin call with a message saying what to send', async () => {
    const answer = await call('POST', `${admin}/replicas`, { reachable: 'no' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe(
      'invalid body for POST /admin/replicas; reason: expected {"reachable": true|false}, got {"reachable":"no"}',
    );
  });

  it('stops every process on SIGTERM and leaves no pidfile', async () => {
    const state = JSON.parse((await call('GET', `${admin}/state`)).body) as {
      processes: Array<{ pid: number }>;
      datastore: { pids: Record<string, number> };
    };
    const pids = [...state.processes.map((p) => p.pid), ...Object.values(state.datastore.pids)];
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of [...pids, supervisor.pid as number]) expect(isAlive(pid)).toBe(false);
    for (const file of ['api-1.pid', 'api-2.pid', 'supervisor.pid']) {
      await expect(stat(join(stateDir, file))).rejects.toThrow(/ENOENT/);
    }
    expect(stderr).toContain('api-1 (pid');
  });
});
