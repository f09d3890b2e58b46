// What every command is: a name, its usage line, its flags, and a function from parsed arguments to
// an exit code. `cli.ts` is a table of these; a new command is one file in this folder and one
// row in that table.

import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

/** Where a command writes and what it reads from its surroundings; `process` in production. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  stderr: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Where SIGINT and SIGTERM are heard (the game day reverts its faults on them), and uncaught errors. */
  signals: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Ends the process at once (a signal after every fault was reverted); process.exit by default. */
  exit?: (code: number) => void;
}

/** A command's flags, as node:util's parseArgs takes them. */
export type Options = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean; multiple?: boolean }>;

export interface Parsed<O extends Options> {
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
  positionals: string[];
}

export interface Command<O extends Options = Options> {
  name: string;
  /** `gameday <name> <usage>`, one line. */
  usage: string;
  /** What it does, in a few words, for `gameday --help`. */
  summary: string;
  options: O;
  /** How many positional arguments it takes, and what they are called in an error. */
  positionals: { min: number; max: number; what: string };
  run(args: Parsed<O>, io: CommandIO): Promise<number>;
}

/** Declares a command with its flags typed from `options`. */
export function defineCommand<O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

/**
 * Parses a command's arguments. An unknown flag, a flag without its value or the wrong number of
 * positionals is a UsageError that names the problem in one line; the CLI adds the usage.
 */
export function parseCommandArgs(command: Command, args: readonly string[]): Parsed<Options> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinDashedValues(command, args),
      options: command.options as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`gameday ${command.name}: ${parseErrorMessage(error)}`, { cause: error });
  }
  const { min, max, what } = command.positionals;
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    const wanted = min === max ? `${min}` : max === Infinity ? `${min} or more` : `${min} to ${max}`;
    throw new UsageError(
      `gameday ${command.name} takes ${wanted} ${what}, got ${count}${count > 0 ? `: ${parsed.positionals.join(' ')}` : ''}`,
    );
  }
  return parsed as Parsed<Options>;
}

/**
 * `--at -30s` as `--at=-30s`: parseArgs refuses a value that starts with a dash as ambiguous, but a
 * time ago (or a negative number) after a flag that takes a value is plainly that flag's value.
 */
function joinDashedValues(command: Command, args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const flag = /^--([\w-]+)$/.exec(arg)?.[1];
    if (flag !== undefined && command.options[flag]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** node:util's parseArgs messages, shortened to what a person needs (they end with advice for programmers). */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag ${unknown[1]}`;
  const missing = /^Option '([^']+)' argument missing/.exec(message);
  if (missing) return `${flagName(missing[1])} needs a value`;
  const noValue = /^Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) return `${flagName(noValue[1])} takes no value`;
  return message.split('. ')[0] ?? message;
}

/** `--runs-dir` from `-r, --runs-dir <value>`. */
function flagName(text = ''): string {
  return /--[\w-]+/.exec(text)?.[0] ?? text;
}

/** Writes a line to a stream. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
