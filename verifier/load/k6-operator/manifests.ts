// The Kubernetes objects that run one burst with the k6-operator: a ConfigMap holding the burst
// script (and the local files it imports) and a k6.io/v1alpha1 TestRun that runs it. Pure
// functions of the plan and the files' text; nothing here talks to a cluster.
//
// The operator mounts the ConfigMap's keys as files in one folder (/test) and cannot lay out
// subfolders, so a script's local imports (`./lib/env.ts`) are stored under flat keys
// (`lib__env.ts`) and their specifiers rewritten to match (`./lib__env.ts`).

import { createHash } from 'node:crypto';
import { basename, dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { LoadError } from '../../errors.ts';
import type { BurstSpec, EndpointSpec, Plan } from '../../plan/types.ts';

/** Where the operator mounts the ConfigMap in the runner pods. */
export const scriptMount = '/test';
/** ConfigMaps are limited to 1 MiB (Kubernetes stores them in etcd). */
const configMapLimitBytes = 1024 * 1024;
/** The Secret the TestRun reads remote-write credentials from; users create it (README). */
export const credentialsSecret = 'gameday-remote-write';

export interface ScriptFile {
  /** ConfigMap key, also its file name under /test. */
  key: string;
  text: string;
}

// import … from, import(…), bare import, and k6's require(…) in the init context (burst.ts loads its lib modules so).
const importPattern = /(\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\2/g;
const keyPattern = /^[-._a-zA-Z0-9]+$/;

/**
 * The script and every local file it imports, transitively, under flat keys with the imports
 * rewritten. `read` returns a file's text (readFileSync in production).
 */
export function scriptFiles(script: string, read: (path: string) => string): ScriptFile[] {
  const root = dirname(script);
  const keyOf = (path: string) => relative(root, path).replaceAll('..', 'up').replaceAll('/', '__');
  const files = new Map<string, ScriptFile>();
  const owners = new Map<string, string>();
  const visit = (path: string, importer?: string): void => {
    const key = path === script ? basename(script) : keyOf(path);
    const owner = owners.get(key);
    if (owner !== undefined && owner !== path)
      throw new LoadError(`cannot put both ${owner} and ${path} in one ConfigMap: both become ${key}`);
    if (owner !== undefined) return;
    if (!keyPattern.test(key)) {
      throw new LoadError(
        `cannot put ${path} in a ConfigMap; reason: expected a file name of letters, digits, '.', '_' or '-', got ${JSON.stringify(key)}`,
      );
    }
    owners.set(key, path);
    const imported: string[] = [];
    let source: string;
    try {
      source = read(path);
    } catch (error) {
      const by = importer === undefined ? '' : `, imported by ${importer}`;
      throw new LoadError(`cannot read ${path}${by}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const text = source.replace(importPattern, (_match, lead: string, quote: string, specifier: string) => {
      const target = resolve(dirname(path), specifier);
      imported.push(target);
      return `${lead}${quote}./${keyOf(target)}${quote}`;
    });
    files.set(key, { key, text });
    for (const target of imported) visit(target, path);
  };
  visit(script);
  return [...files.values()];
}

export interface ManifestInput {
  burst: BurstSpec;
  runId: string;
  /** target.baseUrl: it must be reachable from the runner pods. */
  baseUrl: string;
  /** Remote write goes here when set (the plan's monitoring.prometheus). */
  prometheus?: EndpointSpec;
  /** scriptFiles(burst.script, …); the first is the script. */
  files: ScriptFile[];
  /** The burst's requests as the REQUESTS_FILE JSON, when the plan sets them. */
  requestsJson?: string;
}

export interface Manifests {
  name: string;
  namespace: string;
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
}

/** A name for the ConfigMap and TestRun: an RFC 1123 label, unique per run and burst. */
export function manifestName(runId: string, burst: string): string {
  const slug = `gameday-${runId}-${burst}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  // Runner Jobs are named <name>-<index>; leave room for the index inside 63 characters.
  if (slug.length <= 52) return slug;
  const hash = createHash('sha256').update(`${runId}/${burst}`).digest('hex').slice(0, 8);
  return `${slug.slice(0, 43).replace(/-$/, '')}-${hash}`;
}

export function k6OperatorManifests(input: ManifestInput): Manifests {
  const { burst } = input;
  const kubernetes = burst.kubernetes;
  if (burst.engine !== 'k6-operator' || kubernetes === undefined) {
    throw new LoadError(
      `burst "${burst.name}" is not a k6-operator burst; reason: expected engine k6-operator with kubernetes, got engine ${burst.engine ?? 'k6'}`,
    );
  }
  const [script] = input.files;
  if (script === undefined) throw new LoadError(`burst "${burst.name}" has no script file`);
  const name = manifestName(input.runId, burst.name);
  const labels = { 'app.kubernetes.io/managed-by': 'gameday', 'gameday/run': labelValue(input.runId), 'gameday/burst': burst.name };

  const data: Record<string, string> = Object.fromEntries(input.files.map((file) => [file.key, file.text]));
  if (input.requestsJson !== undefined) data['requests.json'] = input.requestsJson;
  const bytes = Object.entries(data).reduce((sum, [key, text]) => sum + Buffer.byteLength(key) + Buffer.byteLength(text), 0);
  if (bytes > configMapLimitBytes) {
    throw new LoadError(
      `burst "${burst.name}": its script and imports are ${bytes} bytes; reason: expected at most ${configMapLimitBytes} (a ConfigMap's limit)`,
    );
  }
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: kubernetes.namespace, labels }, data };

  // The operator splits `arguments` on whitespace: every value must be one word.
  const tags = { testid: input.runId, role: 'burst', burst: burst.name };
  for (const [tag, value] of Object.entries(tags)) {
    if (/\s/.test(value))
      throw new LoadError(`burst "${burst.name}": invalid ${tag} tag; reason: expected no whitespace, got ${JSON.stringify(value)}`);
  }
  const args = [
    '--no-usage-report',
    ...Object.entries(tags).flatMap(([tag, value]) => ['--tag', `${tag}=${value}`]),
    ...(input.prometheus === undefined ? [] : ['--out', 'experimental-prometheus-rw']),
  ];
  const scriptEnv: Record<string, string> = {
    BASE_URL: input.baseUrl,
    RATE: String(burst.rate),
    DURATION: `${burst.durationSeconds}s`,
    RUN_ID: input.runId,
    ...(burst.vus !== undefined && { VUS: String(burst.vus) }),
    ...(input.requestsJson !== undefined && { REQUESTS_FILE: `${scriptMount}/requests.json` }),
    // The network may be closed in the cluster too: a k6/x/ import fails at once.
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
  };
  const env = [
    ...Object.entries(scriptEnv).map(([key, value]) => ({ name: key, value })),
    ...(input.prometheus === undefined ? [] : remoteWriteEnv(input.prometheus)),
  ];
  const runner = kubernetes.runner;
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name, namespace: kubernetes.namespace, labels },
    spec: {
      parallelism: kubernetes.parallelism ?? 1,
      script: { configMap: { name, file: script.key } },
      arguments: args.join(' '),
      // Runners' output is in their pods' logs; gameday reads the figures from Prometheus.
      quiet: 'true',
      // No `cleanup: post`: the operator would delete the TestRun and its runner pods as it
      // finishes, racing gameday's reads of the stage and of the runners' exit codes. gameday
      // deletes both objects itself on every exit path (run/k6-operator-bursts.ts).
      runner: {
        ...(runner?.image !== undefined && { image: runner.image }),
        env,
        ...(runner?.resources !== undefined && { resources: runner.resources }),
      },
    },
  };
  return { name, namespace: kubernetes.namespace, configMap, testRun };
}

/** Remote write to the plan's Prometheus: literal headers as values, credentials from a Secret, never inline. */
function remoteWriteEnv(prometheus: EndpointSpec): Array<Record<string, unknown>> {
  const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: credentialsSecret, key } } });
  const header = (name: string) => `K6_PROMETHEUS_RW_HEADERS_${name}`;
  return [
    { name: 'K6_PROMETHEUS_RW_SERVER_URL', value: `${prometheus.url.replace(/\/+$/, '')}/api/v1/write` },
    { name: 'K6_PROMETHEUS_RW_PUSH_INTERVAL', value: '1s' },
    { name: 'K6_PROMETHEUS_RW_STALE_MARKERS', value: 'true' },
    ...Object.entries(prometheus.headers ?? {}).map(([name, value]) => ({ name: header(name), value })),
    ...Object.entries(prometheus.headersFromEnv ?? {}).map(([name, variable]) => ({ name: header(name), ...secret(variable) })),
    ...(prometheus.auth?.bearerTokenEnv === undefined
      ? []
      : [{ name: 'K6_PROMETHEUS_RW_BEARER_TOKEN', ...secret(prometheus.auth.bearerTokenEnv) }]),
    ...(prometheus.auth?.basicAuth === undefined
      ? []
      : [
          { name: 'K6_PROMETHEUS_RW_USERNAME', ...secret(prometheus.auth.basicAuth.usernameEnv) },
          { name: 'K6_PROMETHEUS_RW_PASSWORD', ...secret(prometheus.auth.basicAuth.passwordEnv) },
        ]),
  ];
}

/** Label values: at most 63 of [-._a-zA-Z0-9], starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text
    .replace(/[^-._a-zA-Z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
}

/** The two objects as one multi-document YAML text, for `kubectl apply -f -` or a dry run. */
export function manifestsYaml(manifests: Manifests): string {
  return `${stringify(manifests.configMap, { lineWidth: 0 })}---\n${stringify(manifests.testRun, { lineWidth: 0 })}`;
}

export interface PlanManifests {
  burst: string;
  manifests?: Manifests;
  /** Why the manifests could not be written or why the CRD schema refuses the TestRun. */
  problems: string[];
}

/**
 * The manifests of every k6-operator burst of a plan, each validated against the TestRun CRD
 * schema by `validate` (crd.ts's testRunProblems). A burst whose files cannot be read or packed
 * has problems instead of manifests.
 */
export function planManifests(
  plan: Plan,
  options: { runId: string; read: (path: string) => string; validate: (testRun: unknown) => string[] },
): PlanManifests[] {
  return plan.bursts
    .filter((burst) => burst.engine === 'k6-operator')
    .map((burst) => {
      try {
        const manifests = k6OperatorManifests({
          burst,
          runId: options.runId,
          baseUrl: plan.target.baseUrl,
          prometheus: plan.monitoring.prometheus,
          files: scriptFiles(burst.script, options.read),
          ...(burst.requests !== undefined && { requestsJson: `${JSON.stringify({ requests: burst.requests })}\n` }),
        });
        return { burst: burst.name, manifests, problems: options.validate(manifests.testRun) };
      } catch (error) {
        return { burst: burst.name, problems: [error instanceof Error ? error.message : String(error)] };
      }
    });
}
