import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { ecosystemJsonSchema, registryJsonSchema, specJsonSchema } from '../src/json-schema.js';
import { parseSpec } from '../src/load/load.js';
import { checkImageReferences } from '../src/analysis/image-reference.js';

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

/**
 * The schemas as `berth schema` generates them now (the committed files follow them: json-schema.test.ts), against
 * what the loader refuses: each value here is one berth rejects, and the JSON Schema must reject it too.
 */
describe.skipIf(!Ajv)(`the generated JSON Schemas say what berth accepts${Ajv ? '' : ' (skipped: ajv is not installed)'}`, () => {
  const compile = (s: unknown) => new Ajv!({ strict: false, allErrors: true }).compile(s);
  const spec = compile(specJsonSchema());
  const base = { berth: 1, repo: { name: 'x' } };
  const withService = (service: Record<string, unknown>) => ({ ...base, services: { a: service } });
  const http = (extra: Record<string, unknown>) => withService({ image: 'busybox:1', checks: [{ type: 'http', url: 'http://localhost:1/', ...extra }] });
  const refused: [string, Record<string, unknown>][] = [
    ['lastUpdated: yesterday', { ...base, repo: { name: 'x', lastUpdated: 'yesterday' } }],
    ['lastUpdated: 5', { ...base, repo: { name: 'x', lastUpdated: 5 } }],
    ['lastUpdated with a time', { ...base, repo: { name: 'x', lastUpdated: '2026-02-23T10:00:00Z' } }],
    ['a Duration "soon"', http({ timeout: 'soon' })],
    ['a Duration longer than berth can wait', http({ timeout: 2 ** 31 })],
    ['a positive Duration of 0s', http({ interval: '0s' })],
    ['a positive Duration of 0', http({ interval: 0 })],
    ['a container healthcheck interval "soon"', withService({ image: 'busybox:1', healthcheck: { interval: 'soon' } })],
    ['shmSize: lots', withService({ image: 'busybox:1', shmSize: 'lots' })],
    ['image: Foo/Bar', withService({ image: 'Foo/Bar' })],
    ['image: app:bad tag', withService({ image: 'app:bad tag' })],
    ['image with a bad digest', withService({ image: 'app@sha256:xyz' })],
    ['devcontainer image with capitals', { ...base, devcontainer: { image: 'Team/Image' } }],
    ['a devcontainer with no image, build or compose', { ...base, devcontainer: { python: '3.11' } }],
    ['env type enum without values', { ...base, env: { FOO: { type: 'enum' } } }],
    ['env type enum with no values', { ...base, env: { FOO: { type: 'enum', values: [] } } }],
    ['env values without type enum', { ...base, env: { FOO: { values: ['a'] } } }],
    ['a secret with an example', { ...base, env: { FOO: { secret: true, example: 'x' } } }],
    ['gpu count and deviceIds', withService({ image: 'busybox:1', gpu: { count: 1, deviceIds: ['0'] } })],
    ['devcontainer gpu count and devices', { ...base, devcontainer: { image: 'x', gpu: { count: 2, devices: ['0'] } } }],
    ['devcontainer gpu optional with a count', { ...base, devcontainer: { image: 'x', gpu: { optional: true, count: 2 } } }],
    ['devcontainer gpu optional with memory', { ...base, devcontainer: { image: 'x', gpu: { optional: true, memory: '8gb' } } }],
    ['devcontainer gpu: true', { ...base, devcontainer: { image: 'x', gpu: true } }],
    ['build dockerfile and dockerfileInline', withService({ build: { dockerfile: 'Dockerfile', dockerfileInline: 'FROM scratch' } })],
    ['an engine with both context and host', { ...base, engines: { box: { context: 'box', host: 'ssh://box' } } }],
    ['an engine with neither context nor host', { ...base, engines: { box: { description: 'x' } } }],
    ['an exec check naming service and container', withService({ image: 'busybox:1', checks: [{ type: 'exec', argv: ['true'], service: 'a', container: 'c' }] })],
  ];
  it.each(refused)('refuses %s, as the loader does', (_, value) => {
    const loaded = parseSpec(stringify(value), 'berth.yaml');
    const berthRefuses = !loaded.value || checkImageReferences(loaded.value).length > 0;
    expect(berthRefuses, 'berth accepts it: not a value for this test').toBe(true);
    expect(spec(value), JSON.stringify(value)).toBe(false);
  });

  it('accepts what berth accepts of the same fields', () => {
    const accepted = [
      { ...base, repo: { name: 'x', lastUpdated: '2026-02-23' } },
      http({ timeout: '1m30s', interval: 500, connectTimeout: '0.5s' }),
      withService({ image: 'busybox:1', shmSize: '2gb' }),
      withService({ image: 'busybox:1', shmSize: 1024 }),
      withService({ image: 'Registry.Example:5000/team/app:1.2@sha256:' + 'a'.repeat(64) }),
      withService({ image: 'app:${TAG}' }),
      { ...base, env: { FOO: { type: 'enum', values: ['a'] }, BAR: { secret: true } } },
      { ...base, engines: { box: { host: 'ssh://box' } } },
      { ...base, devcontainer: { image: 'x', gpu: { devices: ['0', 'GPU-5a3c0d7e-1b2f-4c3d-8e9f-0a1b2c3d4e5f'], memory: '8gb' } } },
      { ...base, devcontainer: { image: 'x', gpu: { optional: false, count: 2 } } },
      { ...base, devcontainer: { image: 'x', gpu: false } },
    ];
    for (const value of accepted) {
      const loaded = parseSpec(stringify(value), 'berth.yaml');
      expect(loaded.problems.filter((p) => p.severity === 'error'), JSON.stringify(value)).toEqual([]);
      expect(spec(value), `${JSON.stringify(value)}: ${JSON.stringify(spec.errors)}`).toBe(true);
    }
  });

  it('accepts every bundled example, registry and manifest', () => {
    const examples = readdirSync(`${root}examples`).filter((d) => existsSync(`${root}examples/${d}/berth.yaml`));
    expect(examples.length).toBeGreaterThan(0);
    for (const d of examples) expect(spec(yaml(`examples/${d}/berth.yaml`)), `${d}: ${JSON.stringify(spec.errors)}`).toBe(true);
    const registry = compile(registryJsonSchema());
    expect(registry(yaml('examples/semops-dx-orchestrator/ports.yaml')), JSON.stringify(registry.errors)).toBe(true);
    const ecosystem = compile(ecosystemJsonSchema());
    expect(ecosystem(yaml('examples/semops-dx-orchestrator/ecosystem.yaml')), JSON.stringify(ecosystem.errors)).toBe(true);
  });
});
