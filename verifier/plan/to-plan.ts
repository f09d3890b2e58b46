// Validated YAML data -> the loaded Plan: durations to seconds, defaults filled in, script paths
// made absolute. Runs only after the checks found nothing, so it trusts the data's shape.

import { dirname, resolve } from 'node:path';
import { parseDuration } from './duration.ts';
import type { SchemaObject, YamlKey } from './fields.ts';
import { type BurstRequestYaml, type JourneyYaml, toBurstRequest, toJourney } from './to-journeys.ts';
import type {
  BurstEngine,
  BurstSpec,
  EndpointSpec,
  Expectation,
  FaultSpec,
  Injector,
  KubernetesRun,
  Plan,
  StopCondition,
  ToxicType,
  ToxiproxySpec,
} from './types.ts';

/** The YAML form, keyed by the schema (a key the schema lacks cannot be read here). */
type Yaml<D extends SchemaObject> = { [K in YamlKey<D>]?: unknown };

interface PlanYaml extends Yaml<'plan'> {
  name: string;
  description?: string;
  window: WindowYaml;
  target: { baseUrl: string };
  allowedTargets?: string[];
  monitoring: MonitoringYaml;
  trace?: { rate?: number; script?: string; journeys?: JourneyYaml[] };
  bursts?: BurstYaml[];
  faults: FaultYaml[];
  stopConditions?: StopConditionYaml[];
  impact?: { latencyFactor?: number };
  toxiproxy?: ToxiproxyYaml;
}
interface ToxiproxyYaml extends Yaml<'toxiproxy'> {
  url?: string;
  managed?: boolean;
  proxies: Array<{ name: string; listen: string; upstream: string }>;
}
interface ToxiproxyInjectorYaml extends Yaml<'toxiproxyInjector'> {
  proxy: string;
  toxic?: ToxicYaml;
  enabled?: boolean;
}
interface ToxicYaml extends Yaml<'toxic'> {
  type: string;
  attributes?: Record<string, number>;
  stream?: 'downstream' | 'upstream';
  toxicity?: number;
}
interface WindowYaml extends Yaml<'window'> {
  duration: string;
  baselineTimeout?: string;
  grace?: string;
}
interface MonitoringYaml extends Yaml<'monitoring'> {
  prometheus: EndpointYaml;
  alertmanager: AlertmanagerYaml;
  webhookListen?: string;
  watchdog?: string;
  pollInterval?: string;
}
interface EndpointYaml extends Yaml<'endpoint'> {
  url: string;
  headers?: Record<string, string>;
  headersFromEnv?: Record<string, string>;
  auth?: AuthYaml;
}
interface AlertmanagerYaml extends Yaml<'alertmanagerEndpoint'> {
  url: string;
  peers?: string[];
  headers?: Record<string, string>;
  headersFromEnv?: Record<string, string>;
  auth?: AuthYaml;
}
interface AuthYaml extends Yaml<'endpointAuth'> {
  bearerTokenEnv?: string;
  basicAuth?: { usernameEnv: string; passwordEnv: string };
}
interface StopConditionYaml extends Yaml<'stopCondition'> {
  name: string;
  expr: string;
  for?: string;
}
interface BurstYaml extends Yaml<'burst'> {
  name: string;
  at: string;
  rate: number;
  duration: string;
  vus?: number;
  processes?: number;
  script?: string;
  requests?: BurstRequestYaml[];
  engine?: BurstEngine;
  kubernetes?: KubernetesRun;
}
interface FaultYaml extends Yaml<'fault'> {
  name: string;
  description?: string;
  at: string | { between: string; and: string };
  duration: string;
  maxDuration?: string;
  inject: InjectorYaml;
  /** Absent only after a toxiproxy inject (semantic-check says so): its revert is derived. */
  revert?: InjectorYaml | 'none' | 'responders';
  restore?: RestoreYaml;
  exposedBy?: string;
  expect: ExpectationYaml[];
}
interface RestoreYaml extends Yaml<'faultRestore'> {
  consecutive?: number;
  journeys?: string[];
  fallback?: InjectorYaml;
}
interface InjectorYaml extends Yaml<'injector'> {
  http?: HttpYaml;
  exec?: ExecYaml;
  signal?: SignalYaml;
  toxiproxy?: ToxiproxyInjectorYaml;
  manual?: ManualYaml;
}
interface ManualYaml extends Yaml<'manualInjector'> {
  instructions: string;
  timeout?: string;
}
interface SignalYaml extends Yaml<'signalInjector'> {
  pidFile?: string;
  pid?: number;
  signal?: string;
  timeout?: string;
}
interface ReadinessYaml extends Yaml<'readiness'> {
  url?: string;
  tcp?: string;
  timeout?: string;
}
interface HttpYaml extends Yaml<'httpInjector'> {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
  timeout?: string;
}
interface ExecYaml extends Yaml<'execInjector'> {
  command: string[];
  shell?: boolean;
  env?: Record<string, string>;
  timeout?: string;
  detach?: boolean;
  waitFor?: ReadinessYaml;
}
interface ExpectationYaml extends Yaml<'expectation'> {
  alert: string;
  labels?: Record<string, string>;
  within: string;
}

const DEFAULTS = {
  baselineTimeout: '60s',
  grace: '30s',
  pollInterval: '1s',
  traceRate: 1,
  traceScript: 'traces/trace.ts',
  journeysScript: 'traces/journeys.ts',
  burstScript: 'loadtests/burst.ts',
  httpMethod: 'POST',
  injectorTimeout: '30s',
  readinessTimeout: '30s',
  signalTimeout: '10s',
  stopConditionFor: '0s',
  toxiproxyUrl: 'http://127.0.0.1:8474',
} as const;

/**
 * The loaded plan. `data` must already have passed the schema and the semantic checks;
 * `file` is the plan's absolute path, `repoRoot` where the default scripts live.
 */
export function toPlan(data: unknown, file: string, repoRoot: string): Plan {
  const plan = data as PlanYaml;
  const directory = dirname(file);
  const { window, monitoring, trace = {} } = plan;
  const toxiproxy = plan.toxiproxy === undefined ? undefined : toToxiproxy(plan.toxiproxy);
  return {
    version: 1,
    name: plan.name,
    ...(plan.description !== undefined && { description: plan.description }),
    file,
    window: {
      durationSeconds: seconds(window.duration),
      baselineTimeoutSeconds: seconds(window.baselineTimeout ?? DEFAULTS.baselineTimeout),
      graceSeconds: seconds(window.grace ?? DEFAULTS.grace),
    },
    target: { baseUrl: plan.target.baseUrl },
    monitoring: {
      prometheus: toEndpoint(monitoring.prometheus),
      alertmanager: {
        ...toEndpoint(monitoring.alertmanager),
        ...(monitoring.alertmanager.peers !== undefined && { peers: monitoring.alertmanager.peers }),
      },
      ...(monitoring.webhookListen !== undefined && { webhookListen: monitoring.webhookListen }),
      ...(monitoring.watchdog !== undefined && { watchdog: monitoring.watchdog }),
      pollIntervalSeconds: seconds(monitoring.pollInterval ?? DEFAULTS.pollInterval),
    },
    trace: {
      rate: trace.rate ?? DEFAULTS.traceRate,
      script:
        trace.script !== undefined
          ? resolve(directory, trace.script)
          : resolve(repoRoot, trace.journeys === undefined ? DEFAULTS.traceScript : DEFAULTS.journeysScript),
      ...(trace.journeys !== undefined && { journeys: trace.journeys.map(toJourney) }),
    },
    bursts: (plan.bursts ?? []).map((burst) => toBurst(burst, directory, repoRoot)),
    faults: plan.faults.map((fault) => toFault(fault, { directory, toxiproxyUrl: toxiproxy?.url ?? DEFAULTS.toxiproxyUrl })),
    allowedTargets: plan.allowedTargets ?? [],
    ...(plan.stopConditions !== undefined && { stopConditions: plan.stopConditions.map(toStopCondition) }),
    ...(plan.impact !== undefined && { impact: { ...plan.impact } }),
    ...(toxiproxy !== undefined && { toxiproxy }),
  };
}

function toToxiproxy(toxiproxy: ToxiproxyYaml): ToxiproxySpec {
  return {
    url: toxiproxy.url ?? DEFAULTS.toxiproxyUrl,
    managed: toxiproxy.managed ?? false,
    proxies: toxiproxy.proxies.map(({ name, listen, upstream }) => ({ name, listen, upstream })),
  };
}

function toEndpoint(endpoint: EndpointYaml): EndpointSpec {
  const { auth } = endpoint;
  return {
    url: endpoint.url,
    ...(endpoint.headers !== undefined && { headers: endpoint.headers }),
    ...(endpoint.headersFromEnv !== undefined && { headersFromEnv: endpoint.headersFromEnv }),
    ...(auth !== undefined && {
      auth: {
        ...(auth.bearerTokenEnv !== undefined && { bearerTokenEnv: auth.bearerTokenEnv }),
        ...(auth.basicAuth !== undefined && {
          basicAuth: { usernameEnv: auth.basicAuth.usernameEnv, passwordEnv: auth.basicAuth.passwordEnv },
        }),
      },
    }),
  };
}

function toStopCondition(condition: StopConditionYaml): StopCondition {
  return { name: condition.name, expr: condition.expr, forSeconds: seconds(condition.for ?? DEFAULTS.stopConditionFor) };
}

function toBurst(burst: BurstYaml, directory: string, repoRoot: string): BurstSpec {
  return {
    name: burst.name,
    atSeconds: seconds(burst.at),
    rate: burst.rate,
    durationSeconds: seconds(burst.duration),
    script: burst.script === undefined ? resolve(repoRoot, DEFAULTS.burstScript) : resolve(directory, burst.script),
    ...(burst.vus !== undefined && { vus: burst.vus }),
    ...(burst.processes !== undefined && { processes: burst.processes }),
    ...(burst.requests !== undefined && { requests: burst.requests.map(toBurstRequest) }),
    ...(burst.engine !== undefined && { engine: burst.engine }),
    // The YAML form of `kubernetes` is its loaded form (keys and values alike); structuredClone
    // keeps the plan free of references into the parsed document.
    ...(burst.kubernetes !== undefined && { kubernetes: structuredClone(burst.kubernetes) }),
  };
}

/** What injectors need besides their own YAML: the plan's folder, Toxiproxy's URL. */
interface InjectorScope {
  directory: string;
  toxiproxyUrl: string;
}

function toFault(fault: FaultYaml, scope: InjectorScope): FaultSpec {
  const inject = toInjector(fault.inject, scope, fault.name);
  return {
    name: fault.name,
    ...(fault.description !== undefined && { description: fault.description }),
    ...(typeof fault.at === 'string'
      ? { atSeconds: seconds(fault.at) }
      : { atSeconds: seconds(fault.at.between), atRange: { fromSeconds: seconds(fault.at.between), toSeconds: seconds(fault.at.and) } }),
    durationSeconds: seconds(fault.duration),
    ...(fault.maxDuration !== undefined && { maxDurationSeconds: seconds(fault.maxDuration) }),
    inject,
    ...(fault.revert === 'responders' ? respondersRestore(fault, scope) : { revert: ownRevert(fault, inject, scope) }),
    ...(fault.exposedBy !== undefined && { exposedBy: fault.exposedBy }),
    expect: fault.expect.map(toExpectation),
  };
}

function ownRevert(fault: FaultYaml, inject: Injector, scope: InjectorScope): Injector | 'none' {
  if (fault.revert === 'none' || fault.revert === 'responders') return 'none';
  return fault.revert === undefined ? derivedRevert(inject) : toInjector(fault.revert, scope, fault.name);
}

/** `revert: responders`: the restore's fallback is what reverts the fault (at maxDuration, or after a crash). */
function respondersRestore(fault: FaultYaml, scope: InjectorScope): Pick<FaultSpec, 'revert' | 'restore'> {
  const { consecutive = 5, journeys, fallback } = fault.restore ?? {};
  const fallbackInjector = fallback === undefined ? undefined : toInjector(fallback, scope, fault.name);
  const restore = {
    consecutive,
    ...(journeys !== undefined && { journeys }),
    ...(fallbackInjector !== undefined && { fallback: fallbackInjector }),
  };
  return { revert: fallbackInjector ?? 'none', restore };
}

/** The undo of a toxiproxy inject: delete the toxic it added, or enable the proxy it disabled. */
function derivedRevert(inject: Injector): Injector {
  if (inject.kind !== 'toxiproxy' || 'removeToxic' in inject) {
    throw new Error('unreachable: semantic-check requires revert for other injectors');
  }
  const { url, proxy, toxic } = inject;
  return toxic !== undefined
    ? { kind: 'toxiproxy', url, proxy, removeToxic: toxic.name }
    : { kind: 'toxiproxy', url, proxy, enabled: true };
}

function toInjector(injector: InjectorYaml, { directory, toxiproxyUrl }: InjectorScope, fault: string): Injector {
  if (injector.http !== undefined) {
    const { http } = injector;
    return {
      kind: 'http',
      method: http.method ?? DEFAULTS.httpMethod,
      url: http.url,
      headers: http.headers ?? {},
      ...(http.body !== undefined && { body: http.body }),
      timeoutSeconds: seconds(http.timeout ?? DEFAULTS.injectorTimeout),
    };
  }
  if (injector.exec !== undefined) {
    const { exec } = injector;
    return {
      kind: 'exec',
      command: exec.command,
      shell: exec.shell ?? false,
      env: exec.env ?? {},
      timeoutSeconds: seconds(exec.timeout ?? DEFAULTS.injectorTimeout),
      ...(exec.detach === true && { detach: true as const }),
      ...(exec.waitFor !== undefined && {
        waitFor: {
          ...(exec.waitFor.url !== undefined && { url: exec.waitFor.url }),
          ...(exec.waitFor.tcp !== undefined && { tcp: exec.waitFor.tcp }),
          timeoutSeconds: seconds(exec.waitFor.timeout ?? DEFAULTS.readinessTimeout),
        },
      }),
    };
  }
  if (injector.signal !== undefined) {
    const { signal } = injector;
    return {
      kind: 'signal',
      ...(signal.pidFile !== undefined && { pidFile: resolve(directory, signal.pidFile) }),
      ...(signal.pid !== undefined && { pid: signal.pid }),
      signal: (signal.signal ?? 'SIGKILL') as NodeJS.Signals,
      timeoutSeconds: seconds(signal.timeout ?? DEFAULTS.signalTimeout),
    };
  }
  if (injector.toxiproxy !== undefined) {
    const { proxy, toxic, enabled } = injector.toxiproxy;
    return {
      kind: 'toxiproxy',
      url: toxiproxyUrl,
      proxy,
      ...(toxic !== undefined && {
        toxic: {
          name: `gameday-${fault}`,
          type: toxic.type as ToxicType,
          stream: toxic.stream ?? 'downstream',
          toxicity: toxic.toxicity ?? 1,
          attributes: toxic.attributes ?? {},
        },
      }),
      ...(enabled !== undefined && { enabled }),
    };
  }
  if (injector.manual !== undefined) {
    const { instructions, timeout } = injector.manual;
    return { kind: 'manual', instructions, ...(timeout !== undefined && { timeoutSeconds: seconds(timeout) }) };
  }
  throw new Error('unreachable: the schema requires exactly one injector kind');
}

function toExpectation(expectation: ExpectationYaml): Expectation {
  return {
    alert: expectation.alert,
    labels: expectation.labels ?? {},
    withinSeconds: seconds(expectation.within),
  };
}

function seconds(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`unreachable: ${JSON.stringify(text)} passed the schema's duration pattern`);
  return value;
}
