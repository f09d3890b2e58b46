// The payments service: the one dependency of checkout. It charges a card (always successfully,
// it is an example) and writes its pid to <state-dir>/payments.pid, which is how the plan's signal
// injector finds it: SIGSTOP freezes it (every charge hangs), SIGCONT lets it go on.
//
//   npx tsx examples/checkout/service/payments.ts --port 22181 --state-dir examples/checkout/.state
//
//   POST /charge {"amount": number}   200 {"charged": true, "id": "ch_..."} | 400
//   GET  /healthz                     200 ok

import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '22181' }, 'state-dir': { type: 'string', default: '.state' } },
});
const port = Number(values.port);
const stateDir = values['state-dir'];

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'GET' && request.url === '/healthz') return response.writeHead(200).end('ok');
    if (request.method !== 'POST' || request.url !== '/charge') return response.writeHead(404).end();
    let amount: unknown;
    try {
      amount = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amount?: unknown }).amount;
    } catch {
      amount = undefined;
    }
    if (typeof amount !== 'number' || amount <= 0) return response.writeHead(400).end('{"error":"amount must be a positive number"}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ charged: true, id: `ch_${randomUUID()}` }));
  });
});

// Written before it listens: once it answers, the pid file names it.
await mkdir(stateDir, { recursive: true });
await writeFile(join(stateDir, 'payments.pid'), `${process.pid}\n`);
server.listen(port, '127.0.0.1', () => console.log(`payments: listening on 127.0.0.1:${port} (pid ${process.pid})`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
