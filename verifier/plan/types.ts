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
  /** How user impact is judged; absent when the plan leaves the defaults. */
  impact?: ImpactSpec;
  /** The Toxiproxy that toxiproxy injectors use; absent when the plan has none. */
  toxiproxy?: ToxiproxySpec;
}

export interface ToxiproxySpec {
  /** Toxiproxy's API, e.g. http://127.0.0.1:8474. */
  url: string;
  /** gameday starts toxiproxy-server on the URL's address for the run and stops it at the end. */
  managed: boolean;
  /** Created at preflight, removed at the end (those gameday created). */
  proxies: ToxiproxyProxy[];
}

export interface ToxiproxyProxy {
  name: string;
  /** host:port */
  listen: string;
  /** host:port */
  upstream: string;
}

export interface ImpactSpec {
  /** A fault whose trace p95 exceeds this many times the baseline p95 is user-visible impact. */
  latencyFactor?: number;
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

/**
 * An Alertmanager, or a cluster of them: `url` is the peer whose configuration, silences and
 * counters are read; `peers` are the others, polled for alerts with the same credentials.
 */
export interface AlertmanagerSpec extends EndpointSpec {
  peers?: string[];
}

/** Exactly one of the two is set (the schema says so). */
export interface EndpointAuth {
  /** Environment variable holding a bearer token. */
  bearerTokenEnv?: string;
  basicAuth?: BasicAuth;
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
  /** k6 script, relative to the plan or absolute. traces/journeys.ts when the plan has journeys. */
  script: string;
  /** What the trace exercises, journey by journey (run by traces/journeys.ts); absent for a script's own trace. */
  journeys?: JourneySpec[];
}

/** A named user journey: a few HTTP steps run in order each iteration; one success or failure per iteration. */
export interface JourneySpec {
  name: string;
  /** Iterations per second of this journey alone; absent: it shares the trace's rate round-robin. */
  rate?: number;
  /** Its absence of success must page: `gameday check` warns when no alert reads its success series. */
  critical: boolean;
  steps: JourneyStep[];
}

/**
 * One request. `path`, header values and `body` may hold placeholders: {{runId}}, {{iteration}},
 * {{unique}} (fresh per iteration, the same in every step of it) and {{name}} of an earlier capture.
 */
export interface JourneyStep {
  method: string;
  /** Relative to target.baseUrl, e.g. /orders/{{orderId}}. */
  path: string;
  headers: Record<string, string>;
  /** Sent as-is when a string, as JSON (with Content-Type) otherwise. */
  body?: string | Record<string, unknown> | unknown[];
  expect: StepExpect;
  /** Capture name -> dotted path of a JSON field of the response, e.g. { orderId: id }. */
  capture: Record<string, string>;
}

export interface StepExpect {
  /** Accepted statuses as inclusive ranges; [[200, 299]] by default. */
  status: Array<[number, number]>;
  /** The body contains this text (after substitution). */
  contains?: string;
  /** Dotted path of a JSON field -> the value it must equal (strings after substitution). */
  json?: Record<string, unknown>;
  /** The step fails when it takes longer than this. */
  maxDurationMs?: number;
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
  /** k6 processes the burst is split over (execution segments); 1 when omitted. */
  processes?: number;
  /** What the default burst script sends, picked by weight; absent: reads of the demo's /items/burst-0. */
  requests?: BurstRequest[];
  /** What runs the burst; k6 processes on this machine when omitted. */
  engine?: BurstEngine;
  /** The k6-operator TestRun's namespace, parallelism and runner pods; set with engine k6-operator. */
  kubernetes?: KubernetesRun;
}

export type BurstEngine = 'k6' | 'k6-operator';

export interface KubernetesRun {
  namespace: string;
  /** Runner pods (k6 execution segments); 1 when omitted. */
  parallelism?: number;
  runner?: KubernetesRunner;
  /** The kubeconfig context for kubectl's --context; kubectl's current context when absent. */
  context?: string;
  /** The kubectl gameday runs (a command on PATH or an absolute path); "kubectl" when absent. */
  kubectl?: string;
}

export interface KubernetesRunner {
  image?: string;
  resources?: KubernetesResources;
}

export interface KubernetesResources {
  limits?: KubernetesResourceList;
  requests?: KubernetesResourceList;
}

export interface KubernetesResourceList {
  /** A Kubernetes quantity, e.g. 500m. */
  cpu?: string;
  /** A Kubernetes quantity, e.g. 512Mi. */
  memory?: string;
}

export interface BurstRequest {
  method: string;
  /** Relative to target.baseUrl. */
  path: string;
  /** Sent as-is when a string, as JSON (with Content-Type) otherwise. */
  body?: string | Record<string, unknown> | unknown[];
  /** Relative share of the burst's requests; 1 by default. */
  weight: number;
}

export interface FaultSpec {
  name: string;
  description?: string;
  /** Offset from t=0 of the injection; with `atRange`, resolved when the run starts (until then its start). */
  atSeconds: number;
  /** `at: { between, and }`: drawn when the run starts, from a seed the journal keeps. */
  atRange?: { fromSeconds: number; toSeconds: number };
  /** How long the fault stays in place before it is reverted. */
  durationSeconds: number;
  /** Safety limit from the injection's start: reverted then whatever else happens. At least durationSeconds. */
  maxDurationSeconds?: number;
  inject: Injector;
  /**
   * Absent only for faults that need no revert (they must say so with `revert: none`). With
   * `revert: responders`, the restore's fallback (what undoes it at maxDuration), or 'none'.
   */
  revert: Injector | 'none';
  /** `revert: responders`: the team restores it; gameday watches the trace (run/restore-watch.ts). */
  restore?: FaultRestore;
  /** Name of a burst that exposes this fault; detection is measured from that burst's start. */
  exposedBy?: string;
  expect: Expectation[];
}

/** When a `revert: responders` fault counts as restored, and what undoes it if nobody does. */
export interface FaultRestore {
  /** Successful iterations in a row, after a failed one since the injection; 5 when not written. */
  consecutive: number;
  /** Only these journeys' iterations count; every iteration of the trace when absent. */
  journeys?: string[];
  /** Reverts the fault at maxDuration when nobody restored it; without one, that is a failed revert. */
  fallback?: Injector;
}

export interface Expectation {
  alert: string;
  /** Extra label matchers (equality) the alert must carry. */
  labels: Record<string, string>;
  withinSeconds: number;
}

export type Injector = HttpInjector | ExecInjector | SignalInjector | ToxiproxyInjector | ManualInjector;

/** A step done by hand: gameday shows `instructions` and waits for a mark (`gameday mark`, or Enter). */
export interface ManualInjector {
  kind: 'manual';
  instructions: string;
  /** How long to wait for the mark; absent: the fault's duration. */
  timeoutSeconds?: number;
}

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
  /** Started in a session of its own, output to a log in the run folder; done once started (and ready). */
  detach?: true;
  /** With detach: what must answer before the injector is done. */
  waitFor?: Readiness;
}

export interface Readiness {
  url?: string;
  /** host:port that must accept a TCP connection. */
  tcp?: string;
  timeoutSeconds: number;
}

/** A signal to one process, named by a pid file (absolute path, resolved against the plan's folder) or a pid. */
export interface SignalInjector {
  kind: 'signal';
  pidFile?: string;
  pid?: number;
  signal: NodeJS.Signals;
  /** How long to wait for the process to be gone after a signal that ends it. */
  timeoutSeconds: number;
}

export type ToxicType = 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data';

export interface Toxic {
  /** gameday-<fault>: the name the derived revert deletes. */
  name: string;
  type: ToxicType;
  stream: 'downstream' | 'upstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/**
 * A change to one Toxiproxy proxy: add a toxic, or set the proxy enabled or not; or delete a toxic
 * (the derived revert of adding it). It carries Toxiproxy's URL, so the journaled plan is enough
 * to revert it after a crash.
 */
export type ToxiproxyInjector = ToxiproxyChange | ToxiproxyToxicRemoval;

/** As written in a plan: exactly one of toxic and enabled. */
export interface ToxiproxyChange {
  kind: 'toxiproxy';
  url: string;
  proxy: string;
  toxic?: Toxic;
  enabled?: boolean;
}

/** Derived, never written: deleting a toxic that is not there is not an error (a second revert). */
export interface ToxiproxyToxicRemoval {
  kind: 'toxiproxy';
  url: string;
  proxy: string;
  removeToxic: string;
}
