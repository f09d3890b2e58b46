// report.schema.json, compiled: the same contract CI consumers validate against, checked here so
// tests (and a rebuilt report) can prove a rendered report keeps it.

import { Ajv } from 'ajv';
import schema from './report.schema.json' with { type: 'json' };

const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

/** Where `report` departs from report.schema.json, one line per problem; empty when it fits. */
export function reportSchemaErrors(report: unknown): string[] {
  if (validate(report)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}
