// One interface for every kind of injector. Injectors put a fault in place and take it out again;
// they are destructive by design, so each is bounded in time and reports exactly what happened
// (the run journals it). A kind is one file in this folder (http.ts, exec.ts, signal.ts) plus one
// entry in the plan schema (verifier/plan/plan.schema.json, `injector`), and one row in
// injectors.ts.

import { dirname, join } from 'node:path';
import type { Injector, ToxiproxySpec } from '../plan/types.ts';

export interface InjectorContext {
  /** Working directory for exec injectors: the plan's folder. */
  cwd: string;
  /** Extra environment for exec injectors (run id, fault name, action). */
  env: Record<string, string>;
  /** Where a detached command's output goes (the run folder); a temporary folder when absent. */
  logDir?: string;
  /** A name for files the injector leaves (logs): `<fault>-<action>`. */
  label?: string;
  signal?: AbortSignal;
  /**
   * How a manual step waits for its mark: shows the instructions, waits at most `timeoutSeconds`,
   * and resolves with the mark (its time is the step's time) or rejects when none came. Absent
   * where no one can mark (e.g. `gameday revert` after a crash): the manual injector then fails,
   * naming the instructions.
   */
  awaitMark?: (request: MarkRequest) => Promise<MarkReceived>;
}

export interface MarkRequest {
  mark: 'injected' | 'restored';
  instructions: string;
  timeoutSeconds: number | undefined;
}

export interface MarkReceived {
  /** The moment the mark claims (ISO). */
  markedAt: string;
  by: 'cli' | 'terminal';
  note?: string;
}

/**
 * How every injector of a plan runs: from the plan's folder (relative paths in a plan resolve
 * there), told which run, fault and action it is part of, leaving logs in the run folder.
 */
export function injectorContext(
  planFile: string,
  runId: string,
  fault: string,
  action: 'inject' | 'revert',
  runDir?: string,
): InjectorContext {
  return {
    cwd: dirname(planFile),
    env: { GAMEDAY_RUN_ID: runId, GAMEDAY_FAULT: fault, GAMEDAY_ACTION: action },
    ...(runDir === undefined ? {} : { logDir: join(runDir, 'injectors') }),
    label: `${fault}-${action}`,
  };
}

/** What `gameday check` needs to look at an injector without running it. */
export interface CheckEnvironment {
  /** Where the injector is in the plan, for hints: `faults[].inject`. */
  field: string;
  /** The plan's folder: relative paths resolve there. */
  planDir: string;
  /** Where PATH comes from. */
  env: NodeJS.ProcessEnv;
  fs: InjectorFs;
  /** The plan's Toxiproxy: a managed one is not running before the run, so it is not asked. */
  toxiproxy?: ToxiproxySpec;
}

/** The slice of `node:fs/promises` injector checks use. */
export interface InjectorFs {
  access(path: string, mode?: number): Promise<void>;
  stat(path: string): Promise<{ isFile(): boolean }>;
  readFile?(path: string, encoding: 'utf8'): Promise<string>;
}

/** An injector looked at without running it: `ok` with what would run, or a problem and its fix. */
export type InjectorCheck = { status: 'ok'; detail: string } | { status: 'fail' | 'warn'; detail: string; hint: string };

export interface InjectorKind<I extends Injector> {
  /** One line: what it does, e.g. `POST http://…/admin/cache` or `SIGKILL pid from api.pid`. */
  describe(injector: I): string;
  /** Runs it; resolves with a one-line description of the outcome, rejects with an InjectorError. */
  run(injector: I, context: InjectorContext): Promise<string>;
  check(injector: I, environment: CheckEnvironment): Promise<InjectorCheck>;
}
