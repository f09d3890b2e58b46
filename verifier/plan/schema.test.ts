// The schema is also the editor's documentation (yaml-language-server shows descriptions on
// hover) and must reject keys it does not know, at every level.

import { describe, expect, test } from 'vitest';
import schema from './plan.schema.json' with { type: 'json' };

type Node = Record<string, unknown>;
const definitions = schema.definitions as Record<string, Node>;

describe('plan.schema.json', () => {
  test('every property has a description', () => {
    const undocumented = Object.entries(definitions).flatMap(([name, definition]) =>
      Object.entries((definition.properties ?? {}) as Record<string, Node>)
        .filter(([, property]) => typeof property.description !== 'string' || property.description === '')
        .map(([key]) => `${name}.${key}`),
    );
    expect(undocumented).toEqual([]);
  });

  test('every object with fixed keys rejects unknown keys; free-form maps constrain their values', () => {
    for (const [name, definition] of Object.entries(definitions)) {
      if (definition.type !== 'object') continue;
      if (definition.properties !== undefined) expect(definition.additionalProperties, name).toBe(false);
      else {
        // A string, or a named kind of string (envHeaderMap's values are environment variable names).
        const values = definition.additionalProperties as Node;
        const target = typeof values.$ref === 'string' ? definitions[values.$ref.replace('#/definitions/', '')] : values;
        expect(target?.type, name).toBe('string');
      }
    }
  });

  test('every $ref points at a definition', () => {
    const references = JSON.stringify(schema).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const reference of references) {
      const name = reference.replace(/^"\$ref":"#\/definitions\//, '').replace(/"$/, '');
      expect(definitions, reference).toHaveProperty([name]);
    }
  });
});
