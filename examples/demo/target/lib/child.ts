// The child side of the supervisor protocol: read the initial world, start the service, report
// ready, apply world changes, and stop when told to or when the supervisor goes away (the IPC
// channel closes), so a crashed supervisor never leaves orphans listening on the demo ports.

import { type FromChild, isToChild, type World, WORLD_ENV } from './protocol.ts';

export interface ChildService {
  port: number;
  apply(world: World): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

export function runChild(name: string, start: (world: World) => Promise<ChildService>): void {
  const send = (message: FromChild) => {
    if (process.connected) process.send?.(message);
  };
  if (!process.send) {
    process.stderr.write(`${name}: must be started by the demo supervisor (npx tsx examples/demo/target/main.ts)\n`);
    process.exitCode = 2;
    return;
  }
  let world: World;
  try {
    world = readWorld(process.env[WORLD_ENV]);
  } catch (error) {
    send({ kind: 'failed', error: (error as Error).message });
    process.exitCode = 2;
    process.disconnect();
    return;
  }

  let stopping = false;
  let service: ChildService | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Safety net: if a handle keeps the process alive after closing, leave anyway.
    setTimeout(() => process.exit(), 3000).unref();
    await service?.close();
    if (process.connected) process.disconnect();
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  // Ctrl-C in a terminal signals the whole process group. The supervisor stops its children
  // itself (SIGTERM), so a child ignores SIGINT rather than racing it and looking like a crash.
  process.on('SIGINT', () => undefined);

  start(world).then(
    (started) => {
      service = started;
      if (stopping) {
        void started.close();
        return;
      }
      process.on('message', async (message) => {
        if (!isToChild(message)) return;
        try {
          const detail = await started.apply(message.world);
          send({ kind: 'applied', id: message.id, ok: true, ...(detail ? { detail } : {}) });
        } catch (error) {
          send({ kind: 'applied', id: message.id, ok: false, error: `${name}: ${(error as Error).message}` });
        }
      });
      send({ kind: 'ready', port: started.port });
    },
    (error: Error) => {
      send({ kind: 'failed', error: `${name}: ${error.message}` });
      process.exitCode = 1;
      if (process.connected) process.disconnect();
    },
  );
}

function readWorld(text: string | undefined): World {
  const world = JSON.parse(text ?? 'null') as Partial<World> | null;
  if (
    !world ||
    typeof world.replicasReachable !== 'boolean' ||
    typeof world.replicationRunning !== 'boolean' ||
    typeof world.queueHost !== 'string' ||
    typeof world.cacheBroken !== 'boolean'
  ) {
    throw new Error(`invalid ${WORLD_ENV}; reason: expected the world JSON from the supervisor, got ${JSON.stringify(text)}`);
  }
  return world as World;
}
