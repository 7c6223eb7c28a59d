import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

// A copy of the schema modules of this file's own: test files share a worker's modules (vitest.config.ts), and
// another file may already have built deferred sections that "build only what a value needs" expects unbuilt.
let DEFERRED: (typeof import('./deferred.js'))['DEFERRED'];
let BerthSpecSchema: (typeof import('./spec.js'))['BerthSpecSchema'];
let HealthCheck: (typeof import('./check.js'))['HealthCheck'];
beforeAll(async () => {
  vi.resetModules();
  ({ DEFERRED } = await import('./deferred.js'));
  ({ BerthSpecSchema } = await import('./spec.js'));
  ({ HealthCheck } = await import('./check.js'));
});

type Internals = { optin?: unknown; optout?: unknown; propValues?: Record<string, Set<unknown>>; innerType: { _zod: Internals } };
const internals = (s: z.ZodType) => s._zod as unknown as Internals;

describe('deferred schemas', () => {
  it('are all there once the spec schema is loaded', () => {
    expect(BerthSpecSchema).toBeDefined();
    // the eight kinds of health check, swarm deployment, secrets, configs and their references, builds,
    // container healthchecks, GPU requests, engines, the devcontainer's build and Compose setup
    expect(DEFERRED.length).toBe(18);
  });

  it('build only what a value needs', () => {
    expect(DEFERRED.filter(({ built }) => built())).toEqual([]);
    // a spec of one service with one tcp check builds the tcp kind of check, and nothing else deferred
    const parsed = BerthSpecSchema.safeParse({ berth: 1, repo: { name: 'r' }, services: { s: { image: 'x', checks: [{ type: 'tcp', port: 1 }] } } });
    expect(parsed.success).toBe(true);
    expect(DEFERRED.filter(({ built }) => built()).map(({ facts }) => facts.discriminator)).toEqual([{ type: ['tcp'] }]);
  });

  it('answer what zod asks before parsing exactly as the schema they build would', () => {
    for (const { schema, facts } of DEFERRED) {
      const built = internals(schema).innerType._zod;
      expect(internals(schema).optin).toBe(built.optin);
      expect(internals(schema).optout).toBe(built.optout);
      for (const [key, values] of Object.entries(facts.discriminator ?? {})) expect([...built.propValues![key]!]).toEqual(values);
    }
  });

  it('are built once, however often zod asks (its JSON Schema generator calls a lazy schema\'s getter itself)', () => {
    for (const { schema } of DEFERRED) expect(schema._zod.def.getter()).toBe(schema._zod.def.getter());
    const generate = () => z.toJSONSchema(BerthSpecSchema, { io: 'input', unrepresentable: 'any' });
    expect(generate()).toEqual(generate());
    for (const { schema } of DEFERRED) expect(schema._zod.def.getter()).toBe(internals(schema).innerType);
  });

  it('parse as they would built eagerly', () => {
    expect(HealthCheck.safeParse({ type: 'tcp', port: 80 }).data).toMatchObject({ type: 'tcp', host: '127.0.0.1', port: 80, severity: 'critical' });
    const wrong = HealthCheck.safeParse({ type: 'htp' });
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]).toMatchObject({ code: 'invalid_union', path: ['type'], options: ['http', 'tcp', 'postgres', 'command', 'container', 'exec', 'mcp', 'gpu'] });
  });
});
