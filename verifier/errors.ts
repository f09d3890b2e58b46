// One error hierarchy. The library throws these; the CLI turns them into words and exit codes.

export class GamedayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the person: a plan, a flag, a run folder. Exit code 2. */
export class UsageError extends GamedayError {}

/** A required program could not be found or installed. Exit code 2. */
export class ToolchainError extends GamedayError {}

/** Prometheus, Alertmanager or the target could not be reached or was not ready. */
export class MonitoringError extends GamedayError {}

/** The run could not start (preflight failed). Exit code 2. */
export class PreflightError extends GamedayError {}

/**
 * A fault could not be reverted: the environment may still be broken. The CLI says so loudly,
 * naming the faults, and exits with its own code.
 */
export class RevertError extends GamedayError {
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
