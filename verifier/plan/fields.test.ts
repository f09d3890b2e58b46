// Types and schema cannot drift. fields.ts maps every property of every object in
// plan.schema.json to a field of the loaded Plan (types.ts); the compiler holds the maps to both
// (see fields.ts). These tests hold them at run time too:
// 1. the schema's objects and properties are exactly the maps' objects and keys;
// 2. fixtures/valid/full.yaml sets every property the schema has (so 3 sees them all);
// 3. loading it fills exactly the mapped fields of every object, no more and no fewer.
// A property added to the schema and not loaded, or a field loaded and not in the schema,
// fails one of them.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { fieldMaps } from './fields.ts';
import { isRecord } from './finding.ts';
import { loadPlan } from './load.ts';
import schema from './plan.schema.json' with { type: 'json' };

interface ObjectSchema {
  properties: Record<string, PropertySchema>;
}
interface PropertySchema {
  $ref?: string;
  type?: string | string[];
  items?: PropertySchema;
  anyOf?: PropertySchema[];
}

const definitions = schema.definitions as Record<string, Partial<ObjectSchema>>;
const objects = Object.entries(definitions).flatMap(([name, definition]) =>
  definition.properties === undefined ? [] : [[name, definition.properties] as const],
);
const maps = fieldMaps as Record<
  string,
  { yaml: Record<string, string>; derived: readonly string[]; derivedSometimes?: readonly string[] }
>;
const fullFile = fileURLToPath(new URL('./fixtures/valid/full.yaml', import.meta.url));

/** The schema object a property's value is, if any: `$ref`, a list's items, or an alternative. */
function objectOf(property: PropertySchema): string | undefined {
  const isObject = (ref: string | undefined) =>
    ref !== undefined && definitions[ref.replace('#/definitions/', '')]?.properties !== undefined;
  const reference = property.$ref ?? property.items?.$ref ?? property.anyOf?.find((branch) => isObject(branch.$ref))?.$ref;
  const name = reference?.replace('#/definitions/', '');
  return name !== undefined && definitions[name]?.properties !== undefined ? name : undefined;
}

/**
 * Walk the YAML data and the loaded plan side by side, calling `visit` for every pair of
 * (schema object, YAML object, loaded object).
 */
function walk(
  object: string,
  yaml: unknown,
  loaded: unknown,
  visit: (object: string, yaml: Record<string, unknown>, loaded: Record<string, unknown>) => void,
): void {
  if (!isRecord(yaml) || !isRecord(loaded)) return;
  visit(object, yaml, loaded);
  const properties = definitions[object]?.properties ?? {};
  const map = maps[object];
  for (const [key, value] of Object.entries(yaml)) {
    const property = properties[key];
    const child = property === undefined ? undefined : objectOf(property);
    if (child === undefined || map === undefined) continue;
    // `inject: { http: … }` loads as `{ kind: 'http', … }`: the variant is the object itself.
    // A fault's `at` range loads beside atSeconds, as atRange.
    const counterpart = object === 'injector' ? loaded : object === 'fault' && key === 'at' ? loaded.atRange : loaded[map.yaml[key] ?? ''];
    if (object === 'injector') expect(loaded.kind).toBe(map.yaml[key]);
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(child, item, (counterpart as unknown[])[index], visit);
    } else {
      walk(child, value, counterpart, visit);
    }
  }
}

describe('schema, field maps and loaded plan agree', () => {
  test('every schema object has a field map with exactly its properties', () => {
    expect(Object.keys(maps).sort()).toEqual(objects.map(([name]) => name).sort());
    for (const [name, properties] of objects) {
      expect(Object.keys(maps[name]?.yaml ?? {}).sort(), `schema object ${name}`).toEqual(Object.keys(properties).sort());
    }
  });

  test('the full fixture sets every property of every schema object', async () => {
    const plan = await loadPlan(fullFile, { fileExists: () => true });
    const seen = new Set<string>();
    walk('plan', parse(readFileSync(fullFile, 'utf8')), plan, (object, yaml) => {
      for (const key of Object.keys(yaml)) seen.add(`${object}.${key}`);
    });
    const all = objects.flatMap(([name, properties]) => Object.keys(properties).map((key) => `${name}.${key}`));
    expect(
      all.filter((property) => !seen.has(property)),
      'properties full.yaml does not set',
    ).toEqual([]);
  });

  test('loading fills exactly the mapped field of every YAML key, and nothing unmapped', async () => {
    const plan = await loadPlan(fullFile, { fileExists: () => true });
    walk('plan', parse(readFileSync(fullFile, 'utf8')), plan, (object, yaml, loaded) => {
      const map = maps[object];
      if (map === undefined || object === 'injector') return;
      for (const key of Object.keys(yaml)) {
        expect(loaded, `${object}.${key} loads into ${map.yaml[key]}`).toHaveProperty([map.yaml[key] ?? `unmapped ${key}`]);
      }
      for (const field of map.derived) expect(loaded, `${object} derives ${field}`).toHaveProperty([field]);
      const known = [...Object.values(map.yaml), ...map.derived, ...(map.derivedSometimes ?? [])];
      const unknown = Object.keys(loaded).filter((field) => !known.includes(field));
      expect(unknown, `fields loaded for a ${object} that no schema property maps to`).toEqual([]);
    });
  });
});
