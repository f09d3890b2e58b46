// Runs a gameday command line in-process (cli.ts's `main`) and collects what it wrote: the
// commands' tests without a Node start-up per call.

import { PassThrough } from 'node:stream';
import { main } from '../../cli.ts';
import type { CommandIO } from '../command.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function gamedayInProcess(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const io: CommandIO = { stdout, stderr, env, signals: { on: () => process, off: () => process } };
  const code = await main(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
