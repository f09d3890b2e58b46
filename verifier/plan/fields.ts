// Which field of the loaded Plan each YAML key becomes, for every object in the schema.
// This table is the seam that keeps plan.schema.json and types.ts from drifting apart:
// - the compiler holds each map's keys to exactly the schema's properties (add a property to the
//   schema and this file stops compiling until it is mapped), and each map's values, plus the
//   fields the loader derives itself, to exactly the keys of the Plan type;
// - fields.test.ts holds the schema to the maps at run time, and the loader's output to the maps
//   on a plan that sets every property.

import type schema from './plan.schema.json';
import type {
  AlertmanagerSpec,
  BasicAuth,
  BurstRequest,
  BurstSpec,
  EndpointAuth,
  EndpointSpec,
  ExecInjector,
  Expectation,
  FaultRestore,
  FaultSpec,
  HttpInjector,
  ImpactSpec,
  Injector,
  JourneySpec,
  JourneyStep,
  KubernetesResourceList,
  KubernetesResources,
  KubernetesRun,
  KubernetesRunner,
  ManualInjector,
  MonitoringSpec,
  Plan,
  Readiness,
  SignalInjector,
  StepExpect,
  StopCondition,
  TargetSpec,
  Toxic,
  ToxiproxyChange,
  ToxiproxyProxy,
  ToxiproxySpec,
  TraceSpec,
  WindowSpec,
} from './types.ts';

type Definitions = (typeof schema)['definitions'];

/** The objects of the YAML form: schema definitions that have properties. */
export type SchemaObject = {
  [D in keyof Definitions]: Definitions[D] extends { properties: object } ? D : never;
}[keyof Definitions];

export type YamlKey<D extends SchemaObject> = keyof Definitions[D]['properties'] & string;

/** For one schema object: YAML key -> field of the loaded type, and the fields the loader adds. */
export interface FieldMap<D extends SchemaObject, Loaded> {
  yaml: { readonly [K in YamlKey<D>]: keyof Loaded & string };
  derived: readonly (keyof Loaded & string)[];
  /** Fields the loader adds for some values only (a fault's atRange, when `at` is a range). */
  derivedSometimes?: readonly (keyof Loaded & string)[];
}

/** Compiles only when the map's values and derived fields cover every field of `Loaded`. */
type Complete<M extends FieldMap<SchemaObject, Loaded>, Loaded> =
  Exclude<keyof Loaded, M['yaml'][keyof M['yaml']] | M['derived'][number] | NonNullable<M['derivedSometimes']>[number]> extends never
    ? M
    : never;

function fieldMap<D extends SchemaObject, Loaded>() {
  return <const M extends FieldMap<D, Loaded>>(map: M & Complete<M, Loaded>): M => map;
}

export const fieldMaps = {
  plan: fieldMap<'plan', Plan>()({
    yaml: {
      version: 'version',
      name: 'name',
      description: 'description',
      window: 'window',
      target: 'target',
      allowedTargets: 'allowedTargets',
      monitoring: 'monitoring',
      trace: 'trace',
      bursts: 'bursts',
      faults: 'faults',
      stopConditions: 'stopConditions',
      impact: 'impact',
      toxiproxy: 'toxiproxy',
    },
    derived: ['file'],
  }),
  impact: fieldMap<'impact', ImpactSpec>()({ yaml: { latencyFactor: 'latencyFactor' }, derived: [] }),
  window: fieldMap<'window', WindowSpec>()({
    yaml: { duration: 'durationSeconds', baselineTimeout: 'baselineTimeoutSeconds', grace: 'graceSeconds' },
    derived: [],
  }),
  target: fieldMap<'target', TargetSpec>()({ yaml: { baseUrl: 'baseUrl' }, derived: [] }),
  monitoring: fieldMap<'monitoring', MonitoringSpec>()({
    yaml: {
      prometheus: 'prometheus',
      alertmanager: 'alertmanager',
      webhookListen: 'webhookListen',
      watchdog: 'watchdog',
      pollInterval: 'pollIntervalSeconds',
    },
    derived: [],
  }),
  alertmanagerEndpoint: fieldMap<'alertmanagerEndpoint', AlertmanagerSpec>()({
    yaml: { url: 'url', peers: 'peers', headers: 'headers', headersFromEnv: 'headersFromEnv', auth: 'auth' },
    derived: [],
  }),
  endpoint: fieldMap<'endpoint', EndpointSpec>()({
    yaml: { url: 'url', headers: 'headers', headersFromEnv: 'headersFromEnv', auth: 'auth' },
    derived: [],
  }),
  endpointAuth: fieldMap<'endpointAuth', EndpointAuth>()({
    yaml: { bearerTokenEnv: 'bearerTokenEnv', basicAuth: 'basicAuth' },
    derived: [],
  }),
  basicAuth: fieldMap<'basicAuth', BasicAuth>()({
    yaml: { usernameEnv: 'usernameEnv', passwordEnv: 'passwordEnv' },
    derived: [],
  }),
  stopCondition: fieldMap<'stopCondition', StopCondition>()({
    yaml: { name: 'name', expr: 'expr', for: 'forSeconds' },
    derived: [],
  }),
  trace: fieldMap<'trace', TraceSpec>()({ yaml: { rate: 'rate', script: 'script', journeys: 'journeys' }, derived: [] }),
  journey: fieldMap<'journey', JourneySpec>()({
    yaml: { name: 'name', rate: 'rate', critical: 'critical', steps: 'steps' },
    derived: [],
  }),
  journeyStep: fieldMap<'journeyStep', JourneyStep>()({
    yaml: { method: 'method', path: 'path', headers: 'headers', body: 'body', expect: 'expect', capture: 'capture' },
    derived: [],
  }),
  stepExpect: fieldMap<'stepExpect', StepExpect>()({
    yaml: { status: 'status', contains: 'contains', json: 'json', maxDuration: 'maxDurationMs' },
    derived: [],
  }),
  burstRequest: fieldMap<'burstRequest', BurstRequest>()({
    yaml: { method: 'method', path: 'path', body: 'body', weight: 'weight' },
    derived: [],
  }),
  burst: fieldMap<'burst', BurstSpec>()({
    yaml: {
      name: 'name',
      at: 'atSeconds',
      rate: 'rate',
      duration: 'durationSeconds',
      vus: 'vus',
      processes: 'processes',
      script: 'script',
      requests: 'requests',
      engine: 'engine',
      kubernetes: 'kubernetes',
    },
    derived: [],
  }),
  kubernetesRun: fieldMap<'kubernetesRun', KubernetesRun>()({
    yaml: { namespace: 'namespace', parallelism: 'parallelism', runner: 'runner', context: 'context', kubectl: 'kubectl' },
    derived: [],
  }),
  kubernetesRunner: fieldMap<'kubernetesRunner', KubernetesRunner>()({ yaml: { image: 'image', resources: 'resources' }, derived: [] }),
  kubernetesResources: fieldMap<'kubernetesResources', KubernetesResources>()({
    yaml: { limits: 'limits', requests: 'requests' },
    derived: [],
  }),
  kubernetesResourceList: fieldMap<'kubernetesResourceList', KubernetesResourceList>()({
    yaml: { cpu: 'cpu', memory: 'memory' },
    derived: [],
  }),
  fault: fieldMap<'fault', FaultSpec>()({
    yaml: {
      name: 'name',
      description: 'description',
      at: 'atSeconds',
      duration: 'durationSeconds',
      maxDuration: 'maxDurationSeconds',
      inject: 'inject',
      revert: 'revert',
      restore: 'restore',
      exposedBy: 'exposedBy',
      expect: 'expect',
    },
    derived: [],
    // `at: { between, and }` loads as the range, and its start as atSeconds until the run draws it.
    derivedSometimes: ['atRange'],
  }),
  faultRestore: fieldMap<'faultRestore', FaultRestore>()({
    yaml: { consecutive: 'consecutive', journeys: 'journeys', fallback: 'fallback' },
    derived: [],
  }),
  // `inject: { http: … }` loads as `{ kind: 'http', … }`: each YAML key is a variant's kind.
  atRange: fieldMap<'atRange', NonNullable<FaultSpec['atRange']>>()({
    yaml: { between: 'fromSeconds', and: 'toSeconds' },
    derived: [],
  }),
  injector: fieldMap<'injector', Record<Injector['kind'], unknown>>()({
    yaml: { http: 'http', exec: 'exec', signal: 'signal', toxiproxy: 'toxiproxy', manual: 'manual' },
    derived: [],
  }),
  httpInjector: fieldMap<'httpInjector', HttpInjector>()({
    yaml: { method: 'method', url: 'url', headers: 'headers', body: 'body', timeout: 'timeoutSeconds' },
    derived: ['kind'],
  }),
  execInjector: fieldMap<'execInjector', ExecInjector>()({
    yaml: { command: 'command', shell: 'shell', env: 'env', timeout: 'timeoutSeconds', detach: 'detach', waitFor: 'waitFor' },
    derived: ['kind'],
  }),
  manualInjector: fieldMap<'manualInjector', ManualInjector>()({
    yaml: { instructions: 'instructions', timeout: 'timeoutSeconds' },
    derived: ['kind'],
  }),
  signalInjector: fieldMap<'signalInjector', SignalInjector>()({
    yaml: { pidFile: 'pidFile', pid: 'pid', signal: 'signal', timeout: 'timeoutSeconds' },
    derived: ['kind'],
  }),
  toxiproxy: fieldMap<'toxiproxy', ToxiproxySpec>()({
    yaml: { url: 'url', managed: 'managed', proxies: 'proxies' },
    derived: [],
  }),
  toxiproxyProxy: fieldMap<'toxiproxyProxy', ToxiproxyProxy>()({
    yaml: { name: 'name', listen: 'listen', upstream: 'upstream' },
    derived: [],
  }),
  // The URL comes from the plan's toxiproxy (a derived revert, ToxiproxyToxicRemoval, is never written).
  toxiproxyInjector: fieldMap<'toxiproxyInjector', ToxiproxyChange>()({
    yaml: { proxy: 'proxy', toxic: 'toxic', enabled: 'enabled' },
    derived: ['kind', 'url'],
  }),
  // Named gameday-<fault>, so its revert knows what to delete.
  toxic: fieldMap<'toxic', Toxic>()({
    yaml: { type: 'type', attributes: 'attributes', stream: 'stream', toxicity: 'toxicity' },
    derived: ['name'],
  }),
  readiness: fieldMap<'readiness', Readiness>()({
    yaml: { url: 'url', tcp: 'tcp', timeout: 'timeoutSeconds' },
    derived: [],
  }),
  expectation: fieldMap<'expectation', Expectation>()({
    yaml: { alert: 'alert', labels: 'labels', within: 'withinSeconds' },
    derived: [],
  }),
} satisfies Record<SchemaObject, unknown>;
