// Validates a TestRun against the TestRun CRD's OpenAPI schema, vendored from k6-operator's
// repository (vendor/README.md says which commit). There is no cluster here, so this is as close
// as gameday gets to the API server's own check before a burst would run.
//
// The API server prunes or (with kubectl's default strict field validation) rejects fields the
// schema does not know; the CRD leaves that implicit, so objects with `properties` are closed
// here with additionalProperties: false, except where the CRD says
// x-kubernetes-preserve-unknown-fields.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { packageRoot } from '../../package-root.ts';

export const crdFile = join(packageRoot, 'verifier/load/k6-operator/vendor/k6.io_testruns.yaml');

interface CrdVersion {
  name: string;
  schema: { openAPIV3Schema: Record<string, unknown> };
}

/** The openAPIV3Schema of the CRD's v1alpha1 version, objects closed as the API server would. */
export function testRunSchema(crdText = readFileSync(crdFile, 'utf8')): Record<string, unknown> {
  const crd = parse(crdText) as { spec?: { versions?: CrdVersion[] } };
  const version = crd.spec?.versions?.find((candidate) => candidate.name === 'v1alpha1');
  if (version === undefined) throw new Error(`${crdFile} has no v1alpha1 version`);
  return closeObjects(version.schema.openAPIV3Schema) as Record<string, unknown>;
}

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, closeObjects(value)] as const);
  const copy: Record<string, unknown> = Object.fromEntries(entries);
  const open = copy['x-kubernetes-preserve-unknown-fields'] === true || 'additionalProperties' in copy;
  if (copy.properties !== undefined && !open) copy.additionalProperties = false;
  return copy;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // Kubernetes' own keywords (x-kubernetes-*) and formats (int32, int64) are not JSON Schema's:
  // strict mode off ignores the first, and formats are not checked (quantities and names are
  // checked by the plan's schema before this).
  compiled ??= new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(testRunSchema());
  return compiled;
}

/** Problems with a TestRun object, one line each (`/spec/paralelism: must NOT have additional properties`); empty when valid. */
export function testRunProblems(testRun: unknown): string[] {
  const validate = validator();
  if (validate(testRun)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(the TestRun)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}
