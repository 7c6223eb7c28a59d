import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * What an editor sees: the committed JSON Schemas, run by a real draft 2020-12 validator (ajv, which the
 * workspace has through fastify), accept the examples and refuse what the loader refuses for the same reason.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: Record<string, unknown> }[] | null };
type AjvClass = new (options: Record<string, unknown>) => { compile(schema: unknown): Validator };

function findAjv(): AjvClass | undefined {
  const require = createRequire(import.meta.url);
  for (const via of ['@fastify/ajv-compiler', 'fast-json-stringify', 'ajv']) {
    try {
      const from = createRequire(require.resolve(via));
      const mod = from('ajv/dist/2020') as { default?: AjvClass } & AjvClass;
      return mod.default ?? mod;
    } catch {
      // try the next place it may be installed
    }
  }
  return undefined;
}
const Ajv = findAjv();
const schema = (name: string) => JSON.parse(readFileSync(`${root}docs/schema/${name}`, 'utf8')) as unknown;
const yaml = (path: string) => parse(readFileSync(`${root}${path}`, 'utf8')) as Record<string, unknown>;

describe.skipIf(!Ajv)(`the JSON Schemas in an editor's validator${Ajv ? '' : ' (skipped: ajv is not installed; it comes with fastify)'}`, () => {
  const validator = (name: string) => new Ajv!({ strict: false, allErrors: true }).compile(schema(name));

  it('accepts the bundled example spec and registry', () => {
    const spec = validator('berth.schema.json');
    const example = yaml('examples/semops-data/berth.yaml');
    expect(spec(example), JSON.stringify(spec.errors)).toBe(true);
    const registry = validator('ports.schema.json');
    expect(registry(yaml('examples/semops-dx-orchestrator/ports.yaml')), JSON.stringify(registry.errors)).toBe(true);
    const ecosystem = validator('ecosystem.schema.json');
    expect(ecosystem(yaml('examples/semops-dx-orchestrator/ecosystem.yaml')), JSON.stringify(ecosystem.errors)).toBe(true);
    expect(ecosystem({ ecosystem: 1, name: 'x', members: [{ repo: 'a', paht: '../a' }] })).toBe(false);
  });

  it('flags a misspelt key and a port that is not a port, as the loader does', () => {
    const spec = validator('berth.schema.json');
    expect(spec({ berth: 1, repo: { name: 'x' }, servics: {} })).toBe(false);
    expect(spec.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'servics')).toBe(true);
    expect(spec({ berth: 1, repo: { name: 'x' }, services: { web: { ports: [70000] } } })).toBe(false);
    expect(spec({ berth: 1, repo: { name: 'x' }, 'x-notes': { any: 'thing' } })).toBe(true);
  });

  it('refuses the bad-input corpus\'s schema-shaped errors too', () => {
    const spec = validator('berth.schema.json');
    const dir = `${root}packages/spec/test/bad-input/`;
    const schemaShaped = ['unknown-top-key.yaml', 'unknown-service-key.yaml', 'port-out-of-range.yaml', 'wrong-version.yaml', 'missing-repo.yaml', 'bad-status.yaml', 'services-as-list.yaml', 'unknown-check-type.yaml'];
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(schemaShaped));
    for (const f of schemaShaped) expect(spec(parse(readFileSync(dir + f, 'utf8'))), f).toBe(false);
  });
});
