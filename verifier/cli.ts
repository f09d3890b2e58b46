// The gameday command line: a table of commands (one file each in ./commands/). It parses the
// command's arguments, runs it, and turns a typed error into words and its exit code. Nothing
// else lives here. `main` is exported so tests run commands in-process; the file runs it only when
// it is the entry point.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auditCommand } from './commands/audit.ts';
import { checkCommand } from './commands/check.ts';
import { type Command, type CommandIO, parseCommandArgs } from './commands/command.ts';
import { compareCommand } from './commands/compare.ts';
import { demoCommand } from './commands/demo.ts';
import { initCommand } from './commands/init.ts';
import { markCommand } from './commands/mark.ts';
import { reconcileCommand } from './commands/reconcile.ts';
import { reportCommand } from './commands/report.ts';
import { revealCommand } from './commands/reveal.ts';
import { revertCommand } from './commands/revert.ts';
import { runCommand } from './commands/run.ts';
import { packageVersion } from './package-root.ts';
import { describeSystemError, EXIT, formatDiagnostics, GamedayError, PlanError, RevertError, UsageError } from './errors.ts';

const commands: readonly Command[] = [
  runCommand,
  initCommand,
  checkCommand,
  auditCommand,
  reportCommand,
  compareCommand,
  revertCommand,
  reconcileCommand,
  demoCommand,
  revealCommand,
  markCommand,
];

const exitCodes = `exit codes: 0 every alert fired in time, 1 an alert was late or missed, 2 bad input or the run
could not start, 3 aborted (the report is still written), 4 a fault could not be reverted,
5 inconclusive: none was late or missed, but monitoring was blind while one was being judged
(the report lists the blind intervals; fix the pipeline and run the game day again),
6 gameday itself failed mid-run (its journal could not be written): every fault in place was reverted`;

export function usage(): string {
  const lines = commands.map((command) => `  gameday ${command.usage}\n      ${command.summary}`);
  return `usage:\n${lines.join('\n')}\n\n${exitCodes}`;
}

const processIO: CommandIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process };

/** Runs one command line; resolves with the exit code. Never throws. */
export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`gameday ${packageVersion}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(`usage: gameday ${command.usage}\n  ${command.summary}\n`);
      return EXIT.ok;
    }
    return await command.run(parseCommandArgs(command, rest), io);
  } catch (error) {
    return explain(error, io, command);
  }
}

/** Words for a failure, and its exit code (each error class carries its own). */
function explain(error: unknown, io: CommandIO, command: Command | undefined): number {
  if (error instanceof PlanError) {
    io.stderr.write(`gameday: the plan has ${error.diagnostics.length} problem(s):\n${formatDiagnostics(error.diagnostics)}\n`);
  } else if (error instanceof RevertError) {
    const bar = '!'.repeat(78);
    io.stderr.write(`\n${bar}\ngameday: FAULTS MAY STILL BE IN PLACE: ${error.faults.join(', ')}\n${error.message}\n${bar}\n`);
  } else if (error instanceof UsageError) {
    const help = command ? `usage: gameday ${command.usage}` : usage();
    io.stderr.write(`gameday: ${error.message}\n${help}\n`);
  } else if (error instanceof GamedayError) {
    io.stderr.write(`gameday: ${error.message}\n`);
  } else if (describeSystemError(error) !== undefined) {
    // An operating-system error that reached here: a sentence, not a stack trace.
    io.stderr.write(`gameday: ${systemErrorSentence(error as NodeJS.ErrnoException)}\n`);
    return EXIT.badInput;
  } else {
    io.stderr.write(`gameday: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.badInput;
  }
  return error.exitCode;
}

const syscallVerbs: Record<string, string> = {
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  mkdir: 'cannot create the folder',
  rename: 'cannot rename',
  unlink: 'cannot remove',
  scandir: 'cannot list the folder',
  listen: 'cannot listen on',
  connect: 'cannot connect to',
  spawn: 'cannot start',
};

/** `cannot write /srv/runs/x/report.json: no space left on the device (ENOSPC)`. */
function systemErrorSentence(error: NodeJS.ErrnoException & { address?: string; port?: number }): string {
  const verb = (error.syscall && syscallVerbs[error.syscall.replace(/ .*/, '')]) ?? 'failed on';
  const where =
    error.path ?? (error.address ? `${error.address}${error.port ? `:${error.port}` : ''}` : (error.syscall ?? 'a system call'));
  return `${verb} ${where}: ${describeSystemError(error)}`;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Runs the command line as this process: sets the exit code, and makes sure the process ends. When
 * something (a socket, a timer, a child) would keep it alive after the command returned, it says
 * so and exits anyway, a few seconds later: gameday never hangs after its work is done.
 */
export async function runAsProcess(argv: readonly string[]): Promise<void> {
  // When the terminal or the pipe reading gameday goes away, a write fails with EPIPE: nothing is
  // left to tell, and the run must go on to revert its faults, not die or spin on the error.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const code = await main(argv);
  process.exitCode = code;
  setTimeout(() => {
    process.stderr.write(
      `gameday: still running ${LINGER_SECONDS}s after the command ended (something did not close); exiting with ${code}\n`,
    );
    process.exit(code);
  }, LINGER_SECONDS * 1000).unref();
}

const LINGER_SECONDS = 10;

if (isEntryPoint()) await runAsProcess(process.argv.slice(2));
