// Starts the real Prometheus and Alertmanager (Debian packages) as plain processes on loopback,
// each with its own temporary data folder, for the demo and the integration tests.
// Debian's binaries default to /etc/prometheus and /var/lib/prometheus (`prometheus --help` shows
// them), so every path is explicit.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveTool } from '../toolchain/index.ts';
import { type ManagedProcess, assertPortFree, startProcess } from './process.ts';

export interface MonitoringStack {
  prometheus: ManagedProcess & { url: string };
  alertmanager: ManagedProcess & { url: string };
  stop(): Promise<void>;
}

export interface MonitoringStackOptions {
  prometheusConfig: string;
  alertmanagerConfig: string;
  /** Folder for data and logs; created if missing. */
  dir: string;
  prometheusListen?: string;
  alertmanagerListen?: string;
}

export async function startMonitoringStack(options: MonitoringStackOptions): Promise<MonitoringStack> {
  const promListen = options.prometheusListen ?? '127.0.0.1:19090';
  const amListen = options.alertmanagerListen ?? '127.0.0.1:19093';
  await assertListenFree(promListen, 'Prometheus');
  await assertListenFree(amListen, 'Alertmanager');
  const [prometheusBin, alertmanagerBin] = await Promise.all([resolveTool('prometheus'), resolveTool('alertmanager')]);
  await mkdir(join(options.dir, 'prometheus-data'), { recursive: true });
  await mkdir(join(options.dir, 'alertmanager-data'), { recursive: true });

  // Alertmanager first, so Prometheus's notifier finds it at its first discovery.
  const alertmanager = await startProcess({
    name: 'alertmanager',
    command: alertmanagerBin,
    args: [
      `--config.file=${options.alertmanagerConfig}`,
      `--storage.path=${join(options.dir, 'alertmanager-data')}`,
      `--web.listen-address=${amListen}`,
      '--cluster.listen-address=', // no gossip, no settle wait
      '--log.level=info',
    ],
    logFile: join(options.dir, 'alertmanager.log'),
    readyUrl: `http://${amListen}/-/ready`,
  });
  let prometheus: ManagedProcess;
  try {
    prometheus = await startProcess({
      name: 'prometheus',
      command: prometheusBin,
      args: [
        `--config.file=${options.prometheusConfig}`,
        `--storage.tsdb.path=${join(options.dir, 'prometheus-data')}`,
        '--storage.tsdb.retention.time=1d',
        `--web.listen-address=${promListen}`,
        '--web.enable-lifecycle',
        '--web.enable-remote-write-receiver',
        // Alerts that fire before Prometheus has discovered Alertmanager are dropped and resent
        // only after this delay (1m by default; docs/detection-time.md#discovery). A short one keeps a
        // demo's or test's wait for the watchdog short.
        '--rules.alert.resend-delay=5s',
        '--log.level=info',
      ],
      logFile: join(options.dir, 'prometheus.log'),
      readyUrl: `http://${promListen}/-/ready`,
      readyTimeoutMs: 60_000,
    });
  } catch (error) {
    await alertmanager.stop();
    throw error;
  }
  return {
    prometheus: Object.assign(prometheus, { url: `http://${promListen}` }),
    alertmanager: Object.assign(alertmanager, { url: `http://${amListen}` }),
    stop: async () => {
      await Promise.all([prometheus.stop(), alertmanager.stop()]);
    },
  };
}

async function assertListenFree(listen: string, what: string): Promise<void> {
  const [host, port] = splitHostPort(listen);
  await assertPortFree(host, port, what);
}

export function splitHostPort(listen: string): [string, number] {
  const at = listen.lastIndexOf(':');
  return [listen.slice(0, at) || '127.0.0.1', Number(listen.slice(at + 1))];
}
