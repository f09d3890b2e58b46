// The one error hierarchy and the exit codes. The library throws these; the CLI turns them into
// words and exit codes by a lookup (each class carries its code). Every class is here, so a new
// failure mode is one class in this file, and nothing else decides an exit code.
//
// This file imports nothing of gameday: every folder may import it.

/** gameday's exit codes, documented in the README and in `gameday --help`. */
export const EXIT = {
  /** Every expected alert fired in time (check: no problem found). */
  ok: 0,
  /** An expected alert was late or missed, or a fault was not injected (check: problems found). */
  expectationsFailed: 1,
  /** Bad input (a plan, a flag, a run folder, a credential variable) or the run could not start. */
  badInput: 2,
  /** Aborted (Ctrl-C, SIGTERM, a stop condition); the report is still written. */
  aborted: 3,
  /** A fault could not be reverted: the environment may still be broken. */
  revertFailed: 4,
  /** None was late or missed, but one could not be judged: monitoring was blind. */
  inconclusive: 5,
  /**
   * gameday itself failed mid-run: its journal could not be written (a full disk, a folder made
   * read-only) or an unexpected error. Every fault in place was reverted (else exit 4).
   */
  gamedayFailed: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class GamedayError extends Error {
  /** What the CLI exits with when this error ends a command. */
  readonly exitCode: ExitCode = EXIT.badInput;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the person: a plan, a flag, a run folder. */
export class UsageError extends GamedayError {}

/** Where a plan problem is and what to do about it (plan/diagnostics.ts formats them). */
export interface PlanDiagnostic {
  /** The plan file, as the caller named it. */
  file: string;
  /** 1-based line; 0 when the problem is the file itself (missing, unreadable, binary). */
  line: number;
  /** 1-based column; 0 when `line` is 0. */
  column: number;
  /** Where in the plan, e.g. `faults[2].expect[0].within`; empty for the whole document. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint: string;
}

/** The plan cannot be used. `diagnostics` holds every problem found, in file order. */
export class PlanError extends UsageError {
  readonly diagnostics: PlanDiagnostic[];

  constructor(file: string, diagnostics: PlanDiagnostic[], options?: ErrorOptions) {
    const count = diagnostics.length === 1 ? '1 problem' : `${diagnostics.length} problems`;
    super(`invalid plan ${file}: ${count}\n${formatDiagnostics(diagnostics)}`, options);
    this.diagnostics = diagnostics;
  }
}

/** One line per diagnostic: `plan.yaml:12:7 faults[2].within: "-5s" is not a duration; write …` */
export function formatDiagnostics(diagnostics: readonly PlanDiagnostic[]): string {
  return diagnostics.map(formatDiagnostic).join('\n');
}

function formatDiagnostic(diagnostic: PlanDiagnostic): string {
  const { file, line, column, path, message, hint } = diagnostic;
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  const what = hint === '' ? message : `${message}; ${hint}`;
  return path === '' ? `${where}: ${what}` : `${where} ${path}: ${what}`;
}

/** A required program could not be found or installed. */
export class ToolchainError extends GamedayError {}

/** Prometheus, Alertmanager or the target could not be reached, was not ready, or answered nonsense. */
export class MonitoringError extends GamedayError {}

/** The run could not start (preflight failed); nothing was injected. */
export class PreflightError extends GamedayError {}

/** A process gameday starts (Prometheus, Alertmanager, the demo target) did not start or get ready. */
export class ProcessStartError extends GamedayError {}

/** An injector failed to put a fault in place or to take it out. */
export class InjectorError extends GamedayError {}

/** k6 could not be started, ended abnormally, or left results that cannot be read. */
export class LoadError extends GamedayError {}

/** How a k6 process ended. */
export interface K6Exit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() was called before k6 exited. */
  stopped: boolean;
}

/** k6 ended abnormally; the message ends with the last lines of its log. */
export class K6ExitError extends LoadError {
  readonly exit: K6Exit;
  readonly logFile: string;
  readonly logTail: readonly string[];
  constructor(problem: string, exit: K6Exit, logFile: string, logTail: readonly string[]) {
    const shown = logTail.length === 0 ? '  (k6 wrote nothing)' : logTail.map((line) => `  ${line}`).join('\n');
    super(`${problem}.\nLast lines of ${logFile}:\n${shown}`);
    this.exit = exit;
    this.logFile = logFile;
    this.logTail = logTail;
  }
}

/**
 * gameday could not keep its own record: a write to the journal failed (no space left, read-only
 * filesystem, permissions). The run stops, reverts what is in place from memory, and says so.
 */
export class JournalWriteError extends GamedayError {
  override readonly exitCode = EXIT.gamedayFailed;
}

/** Operating-system error codes a person can act on, in words. */
const systemErrors: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the filesystem is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder, not a file',
  EADDRINUSE: 'the address is already in use',
  EADDRNOTAVAIL: 'the address is not on this machine',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** `no space left on the device (ENOSPC)` for an operating-system error; undefined for anything else. */
export function describeSystemError(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in systemErrors)) return undefined;
  return `${systemErrors[code]} (${code})`;
}

/** The game day was aborted: a signal or a stop condition. The run's faults were reverted. */
export class AbortedError extends GamedayError {
  override readonly exitCode = EXIT.aborted;
}

/**
 * A fault could not be reverted: the environment may still be broken. The CLI says so loudly,
 * naming the faults, and exits with its own code.
 */
export class RevertError extends GamedayError {
  override readonly exitCode = EXIT.revertFailed;
  readonly faults: string[];

  constructor(faults: string[], message: string, options?: ErrorOptions) {
    super(message, options);
    this.faults = faults;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
