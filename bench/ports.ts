// Free loopback ports for the bench's target and k6's REST APIs.

import { createServer, type Server } from 'node:net';

export async function freePorts(count: number): Promise<number[]> {
  // Hold them all open at once so the OS hands out distinct ones, then release them together.
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
