import { Identifier } from '@berth/spec';
import { toJSONSchema, type core } from 'zod';
import { describe, expect, it } from 'vitest';
import { ProfileParams, ServiceParams } from './contract.js';

/** The regex a schema (classic or mini zod) holds, as its JSON schema says it; with KEY, that property's. */
const patternOf = (schema: core.$ZodType, key?: string) => {
  const json = toJSONSchema(schema) as { pattern?: string; properties?: Record<string, { pattern?: string }> };
  return key ? json.properties?.[key]?.pattern : json.pattern;
};

describe('route parameters', () => {
  it("name profiles and services with @berth/spec's Identifier pattern", () => {
    const spec = patternOf(Identifier);
    expect(spec).toBeTruthy();
    expect(patternOf(ProfileParams, 'name')).toBe(spec);
    expect(patternOf(ServiceParams, 'id')).toBe(spec);
  });

  it('take every name a spec can hold, dots included', () => {
    for (const name of ['tools', 'ml.gpu', 'GPU_2', 'a-b.c_d', '0']) {
      expect(Identifier.safeParse(name).success, name).toBe(true);
      expect(ProfileParams.safeParse({ name }).success, name).toBe(true);
      expect(ServiceParams.safeParse({ id: name }).success, name).toBe(true);
    }
    for (const name of ['.hidden', '-x', '_x', 'a/b', 'a b', '']) expect(ProfileParams.safeParse({ name }).success, name).toBe(false);
  });
});
