import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'zod/v4/core';
import type { z } from 'zod';
import { BerthSpecSchema, EcosystemManifestSchema, PortRegistrySchema } from '../schema/index.js';
import { formatProblem } from '../problem.js';
import { COMPILE_AFTER_CHARS, parseYamlAs } from './parse-as.js';
import { parseYamlSource } from './yaml-document.js';

/**
 * parseYamlAs hands a schema that has parsed a lot of text in one process to zod's compiled parser. That parser
 * must say what the runtime parser says, on every document: the same verdict, the same value (defaults and
 * transforms applied), the same issues (it passes whatever it rejects to the runtime, which writes them).
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const badInput = here('../../test/bad-input/');
const examples = here('../../../../examples/');
const documents: { name: string; schema: z.ZodType; text: string }[] = [
  ...readdirSync(badInput)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: `bad-input/${f}`, schema: f.endsWith('.ports.yaml') ? PortRegistrySchema : BerthSpecSchema, text: readFileSync(join(badInput, f), 'utf8') })),
  { name: 'semops-data/berth.yaml', schema: BerthSpecSchema, text: readFileSync(join(examples, 'semops-data/berth.yaml'), 'utf8') },
  { name: 'semops-dx-orchestrator/ports.yaml', schema: PortRegistrySchema, text: readFileSync(join(examples, 'semops-dx-orchestrator/ports.yaml'), 'utf8') },
  { name: 'semops-dx-orchestrator/ecosystem.yaml', schema: EcosystemManifestSchema, text: readFileSync(join(examples, 'semops-dx-orchestrator/ecosystem.yaml'), 'utf8') },
  { name: "berth's own spec", schema: BerthSpecSchema, text: readFileSync(here('../../../../apps/api/berth.yaml'), 'utf8') },
];
const compiled = new Map<z.ZodType, z.ZodType>([BerthSpecSchema, PortRegistrySchema, EcosystemManifestSchema].map((s) => [s, compile(s)]));
const verdict = (r: { success: boolean; data?: unknown; error?: { issues: unknown[] } }) => (r.success ? { data: r.data } : { issues: r.error!.issues });

describe("zod's compiled parser, as parseYamlAs uses it", () => {
  it('is really compiled: a clone with its own fast path, not the runtime schema handed back', () => {
    for (const [schema, fast] of compiled) expect(fast).not.toBe(schema);
  });

  it.each(documents.filter((d) => parseYamlSource(d.name, d.text).value != null))('$name: the same verdict, value and issues as the runtime parser', ({ name, schema, text }) => {
    const value = parseYamlSource(name, text).value;
    expect(verdict(compiled.get(schema)!.safeParse(value))).toEqual(verdict(schema.safeParse(value)));
  });

  it('covers valid documents and invalid ones', () => {
    const results = documents.map((d) => d.schema.safeParse(parseYamlSource(d.name, d.text).value).success);
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    expect(results.filter((ok) => !ok).length).toBeGreaterThanOrEqual(20);
  });

  it('past COMPILE_AFTER_CHARS, a spec reads to the same value as through the runtime parser, and a broken one to its problems in words', () => {
    const services = (n: number, line: (i: number) => string) => `berth: 1\nrepo: { name: big }\nservices:\n${Array.from({ length: n }, (_, i) => line(i)).join('\n')}\n`;
    const big = services(8000, (i) => `  s${i}: { purpose: x, ports: [{ host: ${10000 + i}, env: S${i}_PORT }], profiles: [p${i % 3}] }`);
    expect(big.length).toBeGreaterThan(COMPILE_AFTER_CHARS);
    const parsed = parseYamlAs(BerthSpecSchema, big, 'big.yaml', 'a spec');
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toEqual(BerthSpecSchema.parse(parseYamlSource('big.yaml', big).value));

    const broken = big.replace('  s7: { purpose: x, ports: [{ host: 10007,', '  s7: { purpose: x, ports: [{ host: 70007,').replace('profiles: [p2] }', 'profiles: [p2], restart: sometimes }');
    const after = parseYamlAs(BerthSpecSchema, broken, 'big.yaml', 'a spec');
    expect(after.value).toBeUndefined();
    expect(after.problems.map(formatProblem)).toEqual([
      'big.yaml:6:86: services.s2.restart: must be one of "no", "always", "on-failure", "unless-stopped", got "sometimes"',
      'big.yaml:11:37: services.s7.ports[0].host: must be between 1 and 65535 (got 70007)',
    ]);
  });
});
