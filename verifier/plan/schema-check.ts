// Validate the YAML data against plan.schema.json and say what is wrong in words a person can
// act on: ajv's keywords become "unknown key `durration`; did you mean `duration`?".

import { Ajv, type ErrorObject } from 'ajv';
import { type Finding, isRecord, START_HINT, show } from './finding.ts';
import schema from './plan.schema.json' with { type: 'json' };
import type { PathSegment } from './source.ts';
import { closest } from './suggest.ts';

const validate = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true }).compile(schema);

const definitions: Record<string, unknown> = schema.definitions;

/** The definition a schema object is, e.g. 'duration', found by identity (ajv hands back the object). */
function definitionOf(schemaObject: unknown): string | undefined {
  return Object.keys(definitions).find((name) => definitions[name] === schemaObject);
}

/** Every way `data` departs from the schema, one finding per mistake. */
export function schemaFindings(data: unknown): Finding[] {
  if (validate(data)) return [];
  const errors = withoutEchoes(validate.errors ?? []);
  const typos = typoTargets(errors);
  return errors
    .filter((error) => !(error.keyword === 'required' && typos.has(`${error.instancePath}/${String(error.params.missingProperty)}`)))
    .map((error) => explain(error, data));
}

/**
 * Ajv reports some mistakes more than once. A bad label name comes back from inside
 * `propertyNames` and from `propertyNames` itself: keep the latter. A value that fits none of
 * several alternatives (`revert: none` or an injector) comes back with every alternative's
 * complaints: a mapping meant the injector form, so keep only that form's; any other value is
 * one mistake, reported by the `anyOf` error alone.
 */
function withoutEchoes(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((error) => {
    if (error.propertyName !== undefined) return false;
    const alternatives = errors.find(
      (candidate) =>
        candidate.keyword === 'anyOf' &&
        (error.instancePath === candidate.instancePath || error.instancePath.startsWith(`${candidate.instancePath}/`)),
    );
    if (alternatives === undefined) return true;
    if (!isRecord(alternatives.data)) return error === alternatives;
    const sameValue = error.instancePath === alternatives.instancePath;
    return !(sameValue && (error.keyword === 'anyOf' || error.keyword === 'const'));
  });
}

/**
 * `durration: 4m` is both an unknown key and a missing `duration`; the unknown key, with its
 * "did you mean", says it all. The pointers of required keys a typo stands in for.
 */
function typoTargets(errors: readonly ErrorObject[]): Set<string> {
  const targets = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const suggestion = closest(String(error.params.additionalProperty), allowedKeys(error.parentSchema));
    if (suggestion !== undefined) targets.add(`${error.instancePath}/${suggestion}`);
  }
  return targets;
}

function explain(error: ErrorObject, root: unknown): Finding {
  const path = pointerToPath(error.instancePath, root);
  const key = path.at(-1);
  const name = nameOf(path);
  const { data, params, parentSchema } = error;
  const description = describe(parentSchema);

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const property = isRecord(parentSchema) && isRecord(parentSchema.properties) ? parentSchema.properties[missing] : undefined;
      const what = describe(property);
      return {
        path: [...path, missing],
        message: `missing \`${missing}\``,
        hint:
          missing === 'revert'
            ? 'add `revert:` with an http or exec injector, or `revert: none` if the fault needs no revert'
            : `add \`${missing}:\`${what === '' ? '' : ` (${lowerFirst(what)})`}`,
      };
    }
    case 'additionalProperties': {
      const unknown = String(params.additionalProperty);
      const allowed = allowedKeys(parentSchema);
      const suggestion = closest(unknown, allowed);
      return {
        path: [...path, unknown],
        anchor: 'key',
        message: `unknown key \`${unknown}\``,
        hint: suggestion === undefined ? `expected one of: ${allowed.join(', ')}` : `did you mean \`${suggestion}\`?`,
      };
    }
    case 'propertyNames': {
      const property = String(params.propertyName);
      const map = definitionOf(parentSchema);
      if (map === 'headerMap' || map === 'envHeaderMap') {
        return {
          path: [...path, property],
          anchor: 'key',
          message: `${JSON.stringify(property)} is not a valid HTTP header name`,
          hint: 'header names use letters, digits and dashes, without spaces or colons, e.g. X-Scope-OrgID',
        };
      }
      return {
        path: [...path, property],
        anchor: 'key',
        message: `${JSON.stringify(property)} is not a valid label name`,
        hint: 'label names use letters, digits and underscores, and do not start with a digit',
      };
    }
    case 'anyOf':
      return {
        path,
        message: data === null ? `${name} is empty` : `${show(data)} is not a valid ${name}`,
        hint: key === 'revert' ? 'write `none` for a fault that needs no revert, or an injector: { http: … } or { exec: … }' : description,
      };
    case 'type':
      return typeFinding(path, name, data, String(params.type), parentSchema, root);
    case 'pattern':
      return patternFinding(path, data, definitionOf(parentSchema));
    case 'const':
      return {
        path,
        message: `${name} must be ${show(params.allowedValue)}, got ${show(data)}`,
        hint: key === 'version' ? 'this gameday reads version 1 plans; write `version: 1`' : description,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof data === 'string' ? closest(data, allowed) : undefined;
      return {
        path,
        message: `${show(data)} is not one of the allowed values for ${name}`,
        hint: suggestion === undefined ? `use one of: ${allowed.join(', ')}` : `did you mean ${suggestion}?`,
      };
    }
    case 'minItems':
      return { path, message: `${name} is empty`, hint: emptyListHint(key, description) };
    case 'minLength':
      return { path, message: `${name} is an empty string`, hint: 'give a value, or remove it' };
    case 'exclusiveMinimum':
      return {
        path,
        message: `${name} must be greater than ${params.limit}, got ${show(data)}`,
        hint: `give a number greater than ${params.limit}`,
      };
    case 'minimum':
      return {
        path,
        message: `${name} must be at least ${params.limit}, got ${show(data)}`,
        hint: `give a number of at least ${params.limit}`,
      };
    case 'minProperties':
      if (definitionOf(parentSchema) === 'endpointAuth') {
        return { path, message: `${name} names no credentials`, hint: AUTH_HINT };
      }
      return { path, message: `${name} names no injector`, hint: 'give exactly one of `http:` or `exec:`' };
    case 'maxProperties':
      if (definitionOf(parentSchema) === 'endpointAuth') {
        return { path, message: `${name} names more than one kind of credentials`, hint: AUTH_HINT };
      }
      return {
        path,
        message: `${name} has more than one injector`,
        hint: 'give exactly one of `http:` or `exec:`; to do two things, use an exec script that does both',
      };
    default:
      return { path, message: `${name} ${error.message ?? 'is invalid'}`, hint: description };
  }
}

const AUTH_HINT = 'give exactly one of `bearerTokenEnv: NAME` or `basicAuth: { usernameEnv: NAME, passwordEnv: NAME }`';

function typeFinding(path: PathSegment[], name: string, data: unknown, expected: string, parentSchema: unknown, root: unknown): Finding {
  if (definitionOf(parentSchema) === 'duration') {
    return data === null
      ? { path, message: `${name} is empty`, hint: durationHint(data) }
      : { path, message: `${show(data)} is not a duration`, hint: durationHint(data) };
  }
  if (path.length === 0) {
    return { path, message: `the plan must be a mapping of keys, got ${show(root)}`, hint: START_HINT };
  }
  const wanted = expected
    .split(',')
    .map((type) => TYPE_WORDS[type] ?? type)
    .join(' or ');
  const message = data === null ? `${name} is empty` : `${name} must be ${wanted}, got ${show(data)}`;
  if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    return { path, message, hint: `quote it: "${String(data)}"` };
  }
  if (expected === 'integer' && typeof data === 'number') {
    return { path, message, hint: `give a whole number, e.g. ${Math.max(1, Math.round(data))}` };
  }
  const keys = allowedKeys(parentSchema);
  if (keys.length > 0) return { path, message, hint: `give a mapping with the keys ${keys.join(', ')}` };
  const description = describe(parentSchema);
  return { path, message, hint: description === '' ? `give ${wanted}` : `give ${wanted}: ${lowerFirst(description)}` };
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function patternFinding(path: PathSegment[], data: unknown, definition: string | undefined): Finding {
  const text = show(data);
  switch (definition) {
    case 'duration':
      return { path, message: `${text} is not a duration`, hint: durationHint(data) };
    case 'name':
      return {
        path,
        message: `${text} is not a valid name`,
        hint: `use lowercase letters, digits and dashes, e.g. ${JSON.stringify(slug(String(data)))}`,
      };
    case 'url':
      return { path, message: `${text} is not an http(s) URL`, hint: 'write a URL such as http://127.0.0.1:18080' };
    case 'host':
      return {
        path,
        message: `${text} is not a host`,
        hint: 'write just the host name or IP address, without scheme, port or path, e.g. staging.internal',
      };
    case 'requestPath':
      return {
        path,
        message: `${text} is not a path relative to target.baseUrl`,
        hint: `start it with /, e.g. ${JSON.stringify(relativePath(String(data)))}; the host comes from target.baseUrl`,
      };
    case 'kubernetesName':
      return {
        path,
        message: `${text} is not a Kubernetes name`,
        hint: `use lowercase letters, digits and dashes, at most 63, e.g. ${JSON.stringify(slug(String(data)))}`,
      };
    case 'cpuQuantity':
      return { path, message: `${text} is not a CPU quantity`, hint: 'write cores or millicores as a string, e.g. "2" or 500m' };
    case 'memoryQuantity':
      return { path, message: `${text} is not a memory quantity`, hint: 'write bytes with a suffix, e.g. 512Mi or 2Gi' };
    case 'hostPort':
      return { path, message: `${text} is not host:port`, hint: 'write a host and a port, e.g. 127.0.0.1:19095' };
    case 'envName':
      return {
        path,
        message: data === '' ? `${nameOf(path)} is empty` : `${text} is not an environment variable name`,
        hint: path.includes('headersFromEnv')
          ? 'give the name of the environment variable that holds the value, e.g. TENANT_ID; to send a value as written, put it under `headers`'
          : 'give the name of an environment variable (letters, digits and underscores), e.g. PROM_TOKEN; gameday reads its value at run time',
      };
    default:
      return { path, message: `${text} is not in the expected form`, hint: '' };
  }
}

/** The path part of what was written: http://host/items -> /items. */
function relativePath(text: string): string {
  const path = text.replace(/^[a-z]+:\/\/[^/]*/i, '');
  return path.startsWith('/') ? path : `/${path}`;
}

/** What to write instead of a malformed duration, guessing the mistake from its shape. */
function durationHint(data: unknown): string {
  if (data === null || data === undefined) return 'write a duration such as 30s';
  const text = typeof data === 'number' ? String(data) : typeof data === 'string' ? data.trim() : '';
  if (/^\d+$/.test(text)) return `give a unit: write ${text}s (units ms, s, m, h, d)`;
  if (text.startsWith('-')) return 'write a positive duration such as 30s';
  if (/^\d*\.\d+/.test(text)) return 'use whole numbers with a smaller unit, e.g. 1m30s or 1500ms';
  if (/[A-Z\s]/.test(text)) return 'write lowercase units without spaces, e.g. 1m30s';
  if (/^(\d+(ms|s|m|h|d))+$/.test(text)) return 'put the largest unit first, each unit once, e.g. 1m30s';
  return 'write a duration such as 30s (units ms, s, m, h, d; combined largest first, e.g. 1m30s)';
}

function emptyListHint(key: PathSegment | undefined, description: string): string {
  switch (key) {
    case 'faults':
      return 'add at least one fault with name, at, duration, inject, revert and expect';
    case 'expect':
      return 'add at least one expected alert, e.g. `- { alert: ApiDown, within: 1m }`';
    case 'command':
      return 'give the program and its arguments, e.g. [bash, faults/kill.sh]';
    default:
      return description === '' ? 'add at least one item' : description;
  }
}

/** `/faults/2/within` -> `['faults', 2, 'within']`; a segment is a number only inside a list. */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  let value = root;
  return pointer
    .slice(1)
    .split('/')
    .map((escaped) => {
      const part = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
      const segment = Array.isArray(value) ? Number(part) : part;
      value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
      return segment;
    });
}

/** How a message names the value: `within`, or `command[1]` for a list item. */
function nameOf(path: readonly PathSegment[]): string {
  const key = path.at(-1);
  if (typeof key === 'string') return `\`${key}\``;
  if (key === undefined) return 'the plan';
  const list = path.at(-2);
  return typeof list === 'string' ? `\`${list}[${key}]\`` : `item ${key}`;
}

function allowedKeys(schemaObject: unknown): string[] {
  return isRecord(schemaObject) && isRecord(schemaObject.properties) ? Object.keys(schemaObject.properties) : [];
}

function describe(schemaObject: unknown): string {
  return isRecord(schemaObject) && typeof schemaObject.description === 'string' ? schemaObject.description : '';
}

function lowerFirst(text: string): string {
  const trimmed = text.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed[0]?.toLowerCase() + trimmed.slice(1) : trimmed;
}

function slug(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'my-name' : cleaned;
}
