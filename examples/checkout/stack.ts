// Starts the checkout example: the payments and shop services, then the real Prometheus and
// Alertmanager with this folder's configs (ports as in plan.yaml). Used by its integration test,
// and by hand:
//
//   npx tsx examples/checkout/stack.ts        # until Ctrl-C; state in examples/checkout/.state
//   npm run gameday -- run examples/checkout/plan.yaml

import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor, packageRoot } from '../../verifier/package-root.ts';
import { type MonitoringStack, startMonitoringStack } from '../../verifier/stack/monitoring.ts';
import { assertPortFree, type ManagedProcess, startProcess } from '../../verifier/stack/process.ts';

export const checkoutDir = join(packageRoot, 'examples', 'checkout');

// Fixed ports below Linux's ephemeral range (32768-60999, /proc/sys/net/ipv4/ip_local_port_range):
// one inside it can be taken by any outgoing connection's local end (a k6 burst opens thousands)
// between the check that it is free and the bind, as 47090 once was in CI.
export const CHECKOUT_PORTS = { shop: 22180, payments: 22181, prometheus: 23190, alertmanager: 23193, webhook: 23195 } as const;

export interface CheckoutStack {
  shopUrl: string;
  payments: ManagedProcess;
  monitoring: MonitoringStack;
  stop(): Promise<void>;
}

export interface CheckoutStackOptions {
  /** Logs and Prometheus's and Alertmanager's data. */
  dir: string;
  /** Where the services keep payments.pid and read search-slow: `.state` beside the plan. */
  stateDir: string;
}

export async function startCheckoutStack(options: CheckoutStackOptions): Promise<CheckoutStack> {
  const ports = CHECKOUT_PORTS;
  for (const port of [ports.shop, ports.payments]) await assertPortFree('127.0.0.1', port, 'checkout example');
  await mkdir(options.dir, { recursive: true });
  // A fault file left by an earlier run that was killed would make the baseline slow.
  await rm(join(options.stateDir, 'search-slow'), { force: true });
  const started: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const process of started.reverse()) {
      // A payments process left frozen (SIGSTOP) would not see SIGTERM until it is let go.
      try {
        globalThis.process.kill(process.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      await process.stop(5000);
    }
  };
  try {
    const service = (name: string, args: string[], port: number) =>
      startProcess({
        name,
        command: process.execPath,
        args: [...nodeArgsFor(join(checkoutDir, 'service', `${name}.ts`)), ...args, '--state-dir', options.stateDir],
        logFile: join(options.dir, `${name}.log`),
        readyUrl: `http://127.0.0.1:${port}/healthz`,
      });
    const payments = await service('payments', ['--port', String(ports.payments)], ports.payments);
    started.push(payments);
    started.push(await service('shop', ['--port', String(ports.shop), '--payments', `http://127.0.0.1:${ports.payments}`], ports.shop));
    const monitoring = await startMonitoringStack({
      prometheusConfig: join(checkoutDir, 'prometheus.yml'),
      alertmanagerConfig: join(checkoutDir, 'alertmanager.yml'),
      dir: options.dir,
      prometheusListen: `127.0.0.1:${ports.prometheus}`,
      alertmanagerListen: `127.0.0.1:${ports.alertmanager}`,
    });
    return {
      shopUrl: `http://127.0.0.1:${ports.shop}`,
      payments,
      monitoring,
      stop: async () => {
        await monitoring.stop();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(checkoutDir, '.state', 'stack');
  const stack = await startCheckoutStack({ dir, stateDir: join(checkoutDir, '.state') });
  console.log(
    `checkout example: shop ${stack.shopUrl}, Prometheus ${stack.monitoring.prometheus.url}, ` +
      `Alertmanager ${stack.monitoring.alertmanager.url}; logs in ${dir}. Ctrl-C stops it.`,
  );
  const stop = () => void stack.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
