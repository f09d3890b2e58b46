// Starts the demo target (examples/demo/target) as a child process and waits until its gateway
// answers. Used by `npm run demo`, the benchmark and the integration tests.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPortFree, startProcess } from '../../verifier/stack/process.ts';
import { repoRoot } from '../../verifier/toolchain/index.ts';

export const DEMO_PORTS = { gateway: 18080, api: [18081, 18082], deps: 18090, admin: 18099 } as const;

export interface DemoTarget {
  url: string;
  adminUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startDemoTarget(options: { dir: string }): Promise<DemoTarget> {
  for (const port of [DEMO_PORTS.gateway, ...DEMO_PORTS.api, DEMO_PORTS.deps, DEMO_PORTS.admin]) {
    await assertPortFree('127.0.0.1', port, 'demo target');
  }
  const main = fileURLToPath(new URL('./target/main.ts', import.meta.url));
  const target = await startProcess({
    name: 'demo target',
    command: join(repoRoot, 'node_modules', '.bin', 'tsx'),
    args: [main],
    cwd: repoRoot,
    logFile: join(options.dir, 'demo-target.log'),
    readyUrl: `http://127.0.0.1:${DEMO_PORTS.gateway}/healthz`,
    readyTimeoutMs: 30_000,
  });
  return {
    url: `http://127.0.0.1:${DEMO_PORTS.gateway}`,
    adminUrl: `http://127.0.0.1:${DEMO_PORTS.admin}`,
    pid: target.pid,
    stop: () => target.stop(10_000),
  };
}
