// The production Kubectl: the plan's `kubernetes.kubectl` (a command on PATH, "kubectl" by
// default) with `--context` when the plan names one, so a burst never lands in whatever cluster
// the shell happens to point at without the plan saying so.

import { spawn } from 'node:child_process';
import type { Kubectl, KubectlResult } from './lifecycle.ts';

export interface KubectlCommand {
  /** Absolute path or a command name looked up on PATH. */
  command: string;
  /** A context of the kubeconfig; kubectl's current context when absent. */
  context?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Longest wait for one call. Default 60 s: kubectl's own request timeout is unbounded. */
  timeoutMs?: number;
}

/** The command and its leading arguments, as `gameday revert` runs them again from the journal. */
export function kubectlArgv(options: KubectlCommand): string[] {
  return [options.command, ...(options.context === undefined ? [] : ['--context', options.context])];
}

export function kubectlCommand(options: KubectlCommand): Kubectl {
  return kubectlFromArgv(kubectlArgv(options), options);
}

/** kubectl from its journaled argv (kubectlArgv), e.g. for `gameday revert`. */
export function kubectlFromArgv(argv: readonly string[], options: Pick<KubectlCommand, 'env' | 'timeoutMs'> = {}): Kubectl {
  const [command = 'kubectl', ...lead] = argv;
  return (args, stdin) =>
    new Promise<KubectlResult>((resolve) => {
      const child = spawn(command, [...lead, ...args], {
        env: options.env ?? process.env,
        stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        timeout: options.timeoutMs ?? 60_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', (error: NodeJS.ErrnoException) => {
        const why =
          error.code === 'ENOENT'
            ? `${command} was not found; install kubectl or set bursts[].kubernetes.kubectl to its path`
            : `${command} could not be run: ${error.message}`;
        resolve({ code: -1, stdout, stderr: why, notRun: true });
      });
      child.once('close', (code, signal) => {
        resolve({ code: code ?? -1, stdout, stderr: signal === null ? stderr : `${stderr}\nkubectl was killed by ${signal}`.trim() });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
}
