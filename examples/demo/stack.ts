// Starts the demo: the target service (examples/demo/target) and the real Prometheus and
// Alertmanager with the demo's configs. Used by `npm run demo`, the benchmark and the tests.
//
// `offset` shifts every port of the demo (target, Prometheus, Alertmanager, webhook) so that
// integration tests can run beside a demo, or beside each other, without fighting over ports:
// the configs are copied into the run's folder with their loopback ports rewritten.

import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeArgsFor, packageRoot, sibling } from '../../verifier/package-root.ts';
import { type MonitoringStack, startMonitoringStack } from '../../verifier/stack/monitoring.ts';
import { assertPortFree, startProcess } from '../../verifier/stack/process.ts';
import { resolveTool } from '../../verifier/toolchain/index.ts';
import { type DemoPorts as TargetPorts, DEFAULT_PORTS as TARGET_PORTS } from './target/supervisor.ts';

/** The demo's files (plan, configs, rules, runbooks, fault scripts) in gameday's own folder. */
export const demoDir = join(packageRoot, 'examples', 'demo');

/** The target's ports (supervisor.ts), and those of the monitoring and gameday beside it. */
export interface DemoPorts extends TargetPorts {
  api: [number, number];
  redis: [number, number, number, number];
  proxies: [number, number, number, number];
  prometheus: number;
  alertmanager: number;
  webhook: number;
  gamedayMetrics: number;
}

export const DEFAULT_PORTS: DemoPorts = {
  ...(TARGET_PORTS as Pick<DemoPorts, keyof TargetPorts>),
  prometheus: 19090,
  alertmanager: 19093,
  webhook: 19095,
  gamedayMetrics: 19101,
};

export function demoPorts(offset = 0): DemoPorts {
  const shift = (port: number) => port + offset;
  const d = DEFAULT_PORTS;
  return {
    gateway: shift(d.gateway),
    api: [shift(d.api[0]), shift(d.api[1])],
    deps: shift(d.deps),
    admin: shift(d.admin),
    toxiproxy: shift(d.toxiproxy),
    redis: d.redis.map(shift) as DemoPorts['redis'],
    proxies: d.proxies.map(shift) as DemoPorts['proxies'],
    prometheus: shift(d.prometheus),
    alertmanager: shift(d.alertmanager),
    webhook: shift(d.webhook),
    gamedayMetrics: shift(d.gamedayMetrics),
  };
}

export interface DemoTarget {
  url: string;
  adminUrl: string;
  pid: number;
  /** Where the target keeps its pidfiles and live capacity.json. */
  stateDir: string;
  stop(): Promise<void>;
}

export interface DemoStackOptions {
  /** Logs, data folders, shifted configs. */
  dir: string;
  /** Shifts every port (tests beside each other). */
  offset?: number;
  /** Where the demo's files are (a working copy for `gameday demo`); default: gameday's own. */
  demoDir?: string;
}

export async function startDemoTarget(options: DemoStackOptions): Promise<DemoTarget> {
  const files = options.demoDir ?? demoDir;
  const ports = demoPorts(options.offset);
  for (const port of [ports.gateway, ...ports.api, ports.deps, ports.admin, ports.toxiproxy, ...ports.redis, ...ports.proxies]) {
    await assertPortFree('127.0.0.1', port, 'demo target');
  }
  // Installed here when missing, with progress on this console (the target's own output goes to its log).
  await resolveTool('redis-server');
  await resolveTool('toxiproxy-server');
  // The demo plan's exec injectors use the default state dir; shifted demos get their own.
  const stateDir = options.offset ? join(options.dir, 'state') : join(files, '.state');
  const target = await startProcess({
    name: 'demo target',
    // node itself (through tsx's loader from sources), not the tsx command: SIGTERM must reach
    // the supervisor itself.
    command: process.execPath,
    args: [
      ...nodeArgsFor(sibling(import.meta.url, 'target/main')),
      `--state-dir=${stateDir}`,
      `--gateway-port=${ports.gateway}`,
      `--api-ports=${ports.api.join(',')}`,
      `--deps-port=${ports.deps}`,
      `--admin-port=${ports.admin}`,
      `--toxiproxy-port=${ports.toxiproxy}`,
      `--redis-ports=${ports.redis.join(',')}`,
      `--proxy-ports=${ports.proxies.join(',')}`,
    ],
    cwd: files,
    // Its own process group: a Ctrl-C at the terminal reaches gameday, which reverts its faults
    // through the target (admin API, Toxiproxy) before it stops the target.
    detached: true,
    logFile: join(options.dir, 'demo-target.log'),
    readyUrl: `http://127.0.0.1:${ports.gateway}/healthz`,
    // Redis and toxiproxy-server may be installed first (with progress in the log).
    readyTimeoutMs: 120_000,
  });
  return {
    url: `http://127.0.0.1:${ports.gateway}`,
    adminUrl: `http://127.0.0.1:${ports.admin}`,
    pid: target.pid,
    stateDir,
    stop: () => target.stop(10_000),
  };
}

export interface DemoStack {
  ports: DemoPorts;
  target: DemoTarget;
  monitoring: MonitoringStack;
  stop(): Promise<void>;
}

/** Target, then Prometheus and Alertmanager; on failure, whatever started is stopped again. */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const offset = options.offset ?? 0;
  const ports = demoPorts(offset);
  await mkdir(options.dir, { recursive: true });
  const configDir = offset ? await shiftedConfigs(options.dir, offset) : (options.demoDir ?? demoDir);
  const target = await startDemoTarget(options);
  try {
    const monitoring = await startMonitoringStack({
      prometheusConfig: join(configDir, 'prometheus.yml'),
      alertmanagerConfig: join(configDir, 'alertmanager.yml'),
      dir: options.dir,
      prometheusListen: `127.0.0.1:${ports.prometheus}`,
      alertmanagerListen: `127.0.0.1:${ports.alertmanager}`,
    });
    return {
      ports,
      target,
      monitoring,
      stop: async () => {
        await monitoring.stop();
        await target.stop();
      },
    };
  } catch (error) {
    await target.stop();
    throw error;
  }
}

/** Copies the demo's monitoring configs into `dir/config` with every demo port shifted by `offset`. */
async function shiftedConfigs(dir: string, offset: number): Promise<string> {
  const configDir = join(dir, 'config');
  await mkdir(configDir, { recursive: true });
  const defaults = new Set(Object.values(DEFAULT_PORTS).flat());
  const shift = (text: string) =>
    text.replace(/127\.0\.0\.1:(\d{4,5})/g, (whole, port: string) =>
      defaults.has(Number(port)) ? `127.0.0.1:${Number(port) + offset}` : whole,
    );
  for (const name of ['prometheus.yml', 'alertmanager.yml']) {
    await writeFile(join(configDir, name), shift(await readFile(join(demoDir, name), 'utf8')));
  }
  await copyFile(join(demoDir, 'rules.yml'), join(configDir, 'rules.yml'));
  return configDir;
}
