// The bench's target: nginx (Debian nginx-light) with one worker, answering every request with
// a small fixed JSON body, on a free loopback port. It does so much less work per request than
// any load generator that the generator is what the bench measures.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { freeLoopbackPorts as freePorts } from '../verifier/stack/ports.ts';

export interface NginxTarget {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function nginxConfig(prefix: string, port: number): string {
  return [
    'worker_processes 1;',
    'daemon off;',
    'master_process on;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${join(prefix, 'body')};`,
    `  proxy_temp_path ${join(prefix, 'proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'scgi')};`,
    '  keepalive_requests 1000000;',
    '  keepalive_timeout 75s;',
    `  server {`,
    `    listen 127.0.0.1:${port} backlog=4096;`,
    '    default_type application/json;',
    // `return` runs before any content handler, so PUT (burst.ts seeds its keys) gets 200 as GET does.
    `    location / { return 200 '{"value":"bench"}'; }`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function startNginx(nginxPath: string, runDir: string): Promise<NginxTarget> {
  const prefix = join(runDir, 'nginx');
  await mkdir(prefix, { recursive: true });
  const [port] = await freePorts(1);
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, nginxConfig(prefix, port as number));
  // A session of its own, as a service's is (see `ownSession` in generators.ts).
  const child = spawn(nginxPath, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before it answered: ${stderr.join('')}`);
    if (await answers(url)) break;
    if (Date.now() > deadline) {
      await stop(child, exited);
      throw new Error(`nginx did not answer on ${url} within 10 s: ${stderr.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return { url, pid: child.pid as number, stop: () => stop(child, exited) };
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGQUIT is nginx's graceful stop; SIGTERM its fast one. Either ends the workers too.
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timeout);
}
