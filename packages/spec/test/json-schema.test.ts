import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ecosystemJsonSchema, jsonSchemaText, registryJsonSchema, specJsonSchema } from '../src/json-schema.js';

const committed = (name: string) => readFileSync(fileURLToPath(new URL(`../../../docs/schema/${name}`, import.meta.url)), 'utf8');
const REGENERATE = 'regenerate with: node apps/cli/bin/berth.mjs schema -o docs/schema/berth.schema.json && node apps/cli/bin/berth.mjs schema registry -o docs/schema/ports.schema.json && node apps/cli/bin/berth.mjs schema ecosystem -o docs/schema/ecosystem.schema.json';

describe('the committed JSON Schemas', () => {
  it(`docs/schema/berth.schema.json matches the zod schemas (${REGENERATE})`, () => {
    expect(committed('berth.schema.json')).toBe(jsonSchemaText(specJsonSchema()));
  });
  it('docs/schema/ports.schema.json matches the zod schemas', () => {
    expect(committed('ports.schema.json')).toBe(jsonSchemaText(registryJsonSchema()));
  });
  it('docs/schema/ecosystem.schema.json matches the zod schemas', () => {
    expect(committed('ecosystem.schema.json')).toBe(jsonSchemaText(ecosystemJsonSchema()));
  });
  it('describes the input side: strings where the YAML has strings, x- extensions allowed, other keys refused', () => {
    const s = specJsonSchema() as { properties: Record<string, { anyOf?: unknown[] }>; patternProperties: unknown; additionalProperties: unknown; $defs: Record<string, unknown> };
    expect(s.patternProperties).toEqual({ '^x-': {} });
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['berth', 'repo', 'services', 'env', 'connections', 'devcontainer', 'stack']));
    expect(Object.keys(s.$defs)).toEqual(expect.arrayContaining(['Service', 'HealthCheck', 'PortBinding', 'EnvVar']));
    // A duration is written "2s" or a number in YAML, though the spec's value is milliseconds.
    expect(JSON.stringify(s.$defs.Duration)).toContain('"type":"string"');
  });
});
