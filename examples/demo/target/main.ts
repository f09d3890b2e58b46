// The demo target, as one command:
//   npx tsx examples/demo/target/main.ts [--state-dir DIR] [--gateway-port N] [--api-ports N,N]
//                                        [--deps-port N] [--admin-port N] [--capacity-config FILE]
//                                        [--toxiproxy-port N] [--redis-ports P,R1,R2,C] [--proxy-ports P,R1,R2,C]
// Prints one line starting with "gameday-demo ready" once every process answers; stops every
// child on SIGINT/SIGTERM. The state dir defaults to $GAMEDAY_DEMO_STATE, then examples/demo/.state.

import { resolve } from 'node:path';
import { createAdminServer } from './admin-api.ts';
import { FlagError, parseFlags } from './lib/flags.ts';
import { close, listen } from './lib/http.ts';
import { DEFAULT_PORTS, type DemoPorts, DemoSupervisor, defaultCapacityConfig, defaultStateDir } from './supervisor.ts';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const ports: DemoPorts = {
    gateway: flags['gateway-port'] ?? DEFAULT_PORTS.gateway,
    api: flags['api-ports'] ?? DEFAULT_PORTS.api,
    deps: flags['deps-port'] ?? DEFAULT_PORTS.deps,
    admin: flags['admin-port'] ?? DEFAULT_PORTS.admin,
    toxiproxy: flags['toxiproxy-port'] ?? DEFAULT_PORTS.toxiproxy,
    redis: flags['redis-ports'] ?? DEFAULT_PORTS.redis,
    proxies: flags['proxy-ports'] ?? DEFAULT_PORTS.proxies,
  };
  for (const name of ['redis-ports', 'proxy-ports'] as const) {
    if ((flags[name]?.length ?? 4) !== 4) {
      process.stderr.write(`--${name}: expected 4 ports (primary, replica-1, replica-2, cache), got ${flags[name]?.join(',')}\n`);
      return 2;
    }
  }
  const stateDir = resolve(flags['state-dir'] ?? env.GAMEDAY_DEMO_STATE ?? defaultStateDir);
  const capacityConfig = resolve(flags['capacity-config'] ?? defaultCapacityConfig);

  let supervisor: DemoSupervisor;
  try {
    supervisor = await DemoSupervisor.start({ ports, stateDir, capacityConfig });
  } catch (error) {
    process.stderr.write(`gameday-demo: could not start the demo target: ${(error as Error).message}\n`);
    return 1;
  }
  const admin = createAdminServer(supervisor);
  try {
    await listen(admin, ports.admin);
  } catch (error) {
    process.stderr.write(`gameday-demo: could not start the admin API: ${(error as Error).message}\n`);
    await supervisor.stop();
    return 1;
  }

  const stopped = new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
  });
  process.stdout.write(
    `gameday-demo ready gateway=http://127.0.0.1:${ports.gateway} admin=http://127.0.0.1:${ports.admin} ` +
      `api=${ports.api.map((p) => `127.0.0.1:${p}`).join(',')} deps=127.0.0.1:${ports.deps} toxiproxy=http://127.0.0.1:${ports.toxiproxy} state=${stateDir}\n`,
  );
  const signal = await stopped;
  process.stderr.write(`gameday-demo: ${signal}, stopping\n`);
  await Promise.all([close(admin), supervisor.stop()]);
  return 0;
}

function parse(argv: readonly string[]) {
  return parseFlags(argv, {
    'state-dir': 'string',
    'gateway-port': 'port',
    'api-ports': 'ports',
    'deps-port': 'port',
    'admin-port': 'port',
    'capacity-config': 'string',
    'toxiproxy-port': 'port',
    'redis-ports': 'ports',
    'proxy-ports': 'ports',
  });
}

process.exitCode = await main(process.argv.slice(2), process.env);
