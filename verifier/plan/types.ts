// The game-day plan, as the verifier uses it after loading and validation.
// The YAML a person writes is described by plan.schema.json; `loadPlan` turns that
// into this shape (durations parsed to seconds, defaults filled in, paths resolved).

/** A duration as written in a plan: Prometheus/k6 style, e.g. "500ms", "30s", "5m", "1h", "1m30s". */
export type DurationText = string;

export interface Plan {
  version: 1;
  name: string;
  description?: string;
  /** Absolute path of the plan file; relative paths in the plan resolve against its directory. */
  file: string;
  window: WindowSpec;
  target: TargetSpec;
  monitoring: MonitoringSpec;
  trace: TraceSpec;
  bursts: BurstSpec[];
  faults: FaultSpec[];
  /** Hosts load may be sent to besides loopback. Empty by default: loopback only. */
  allowedTargets: string[];
  /** Conditions that abort the game day when true; absent when the plan has none. */
  stopConditions?: StopCondition[];
}

export interface WindowSpec {
  /** Length of the fault schedule, from the first slot (t=0) to its end. */
  durationSeconds: number;
  /** Longest time to wait, with the trace running, for a clean baseline before t=0. */
  baselineTimeoutSeconds: number;
  /** Observation time after the window, for late alerts and recovery. */
  graceSeconds: number;
}

export interface TargetSpec {
  /** Base URL the trace and bursts are sent to, e.g. http://127.0.0.1:18080 */
  baseUrl: string;
}

export interface MonitoringSpec {
  prometheus: EndpointSpec;
  alertmanager: AlertmanagerSpec;
  /** Where gameday listens for Alertmanager webhooks, e.g. "127.0.0.1:19095". Omit to not listen. */
  webhookListen?: string;
  /** Name of an always-firing alert that proves the alerting pipeline works. */
  watchdog?: string;
  /** Seconds between polls of the alert APIs. */
  pollIntervalSeconds: number;
}

/**
 * An HTTP API gameday reads (Prometheus, Alertmanager). The plan is journaled as loaded, so it
 * holds no secret: credentials and secret headers are names of environment variables, read when
 * the run starts (`endpointClientOptions` in observe/credentials.ts).
 */
export interface EndpointSpec {
  url: string;
  /** Headers sent as written (journaled: nothing secret), e.g. { 'X-Scope-OrgID': 'team-a' }. */
  headers?: Record<string, string>;
  /** Header name -> name of the environment variable holding its value. */
  headersFromEnv?: Record<string, string>;
  auth?: EndpointAuth;
}

/** Exactly one of the two is set (the schema says so). */
export interface EndpointAuth {
  /** Environment variable holding a bearer token. */
  bearerTokenEnv?: string;
  basicAuth?: BasicAuth;
}

/**
 * An Alertmanager, or a cluster of them: `url` is the peer whose configuration, silences and
 * counters are read; `peers` are the others, polled for alerts with the same credentials.
 */
export interface AlertmanagerSpec extends EndpointSpec {
  peers?: string[];
}

export interface BasicAuth {
  usernameEnv: string;
  passwordEnv: string;
}

/** A PromQL condition that stops the game day when it has been true for `forSeconds`. */
export interface StopCondition {
  name: string;
  /** True when the result is a non-empty vector or a non-zero scalar. */
  expr: string;
  forSeconds: number;
}

export interface TraceSpec {
  /** Requests per second; the trace runs for the whole window. */
  rate: number;
  /** k6 script, relative to the plan or absolute. */
  script: string;
}

export interface BurstSpec {
  name: string;
  /** Offset from t=0. */
  atSeconds: number;
  rate: number;
  durationSeconds: number;
  script: string;
  /** Pre-allocated VUs; derived from the rate when omitted. */
  vus?: number;
}

export interface FaultSpec {
  name: string;
  description?: string;
  /** Offset from t=0 of the injection. */
  atSeconds: number;
  /** How long the fault stays in place before it is reverted. */
  durationSeconds: number;
  /** Safety limit from the injection's start: reverted then whatever else happens. At least durationSeconds. */
  maxDurationSeconds?: number;
  inject: Injector;
  /** Absent only for faults that need no revert (they must say so with `revert: none`). */
  revert: Injector | 'none';
  /** Name of a burst that exposes this fault; detection is measured from that burst's start. */
  exposedBy?: string;
  expect: Expectation[];
}

export interface Expectation {
  alert: string;
  /** Extra label matchers (equality) the alert must carry. */
  labels: Record<string, string>;
  withinSeconds: number;
}

export type Injector = HttpInjector | ExecInjector;

export interface HttpInjector {
  kind: 'http';
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as-is when a string, as JSON when an object. */
  body?: string | Record<string, unknown>;
  timeoutSeconds: number;
}

export interface ExecInjector {
  kind: 'exec';
  /** Argument vector; run without a shell unless `shell` is true. */
  command: string[];
  shell: boolean;
  env: Record<string, string>;
  timeoutSeconds: number;
}
