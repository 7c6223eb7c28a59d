import { BerthSpecSchema, type BerthSpecInput } from '../schema/spec.js';
import { describe, expect, it } from 'vitest';
import { dependencyOrder, resolveProfiles } from './profiles.js';

const lineage = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'semops-data' },
  profiles: { lineage: {}, notebooks: {} },
  services: {
    python: { image: 'py' },
    mlflow: { runtime: { kind: 'devcontainer', command: 'mlflow ui' }, ports: [5000] },
    marquez: { image: 'marquez', profiles: ['lineage'], ports: [5000, 5002], dependsOn: { db: { condition: 'service_healthy' } } },
    'marquez-web': { image: 'web', profiles: ['lineage'], ports: [3005], dependsOn: ['marquez'] },
    db: { image: 'pg', profiles: ['lineage'] },
    jupyter: { image: 'jupyter', profiles: ['notebooks'], ports: [8888] },
  },
} satisfies BerthSpecInput);

describe('resolveProfiles', () => {
  it('starts only services without profiles when none is active', () => {
    const s = resolveProfiles(lineage, {});
    expect(s.services).toEqual(['python']);
    expect(s.elsewhere).toEqual(['mlflow']);
    expect(s.problems).toEqual([]);
  });

  it("names no service and no profile through the object's prototype: constructor, __proto__ and toString are unknown", () => {
    const s = resolveProfiles(lineage, { services: ['constructor', '__proto__'], profiles: ['toString'] });
    expect(s.services).toEqual([]);
    expect(s.problems.map((p) => `${p.severity} ${p.message}`)).toEqual(['error no service "constructor" in the spec', 'error no service "__proto__" in the spec', 'warning profile "toString" enables no service']);
  });

  it('enables a profile with --profile, dependencies first', () => {
    const s = resolveProfiles(lineage, { profiles: ['lineage'] });
    expect(s.services).toEqual(['python', 'db', 'marquez', 'marquez-web']);
    expect(s.profiles).toEqual(['lineage']);
  });

  it('reads COMPOSE_PROFILES when no flag is given, and the flag wins over it', () => {
    expect(resolveProfiles(lineage, { env: { COMPOSE_PROFILES: 'notebooks' } }).services).toEqual(['python', 'jupyter']);
    expect(resolveProfiles(lineage, { profiles: ['lineage'], env: { COMPOSE_PROFILES: 'notebooks' } }).services).not.toContain('jupyter');
  });

  it('enables every profile with *', () => {
    expect(resolveProfiles(lineage, { profiles: ['*'] }).services).toHaveLength(5);
  });

  it('naming a service enables its own profiles and pulls in enabled dependencies', () => {
    const s = resolveProfiles(lineage, { services: ['jupyter'] });
    expect(s.services).toEqual(['jupyter']);
    expect(s.profiles).toEqual(['notebooks']);
  });

  it('a required dependency left disabled is an error naming the profile to enable', () => {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'x' },
      services: { api: { image: 'a', dependsOn: ['db'] }, db: { image: 'd', profiles: ['data'] } },
    });
    const s = resolveProfiles(spec, {});
    expect(s.problems).toHaveLength(1);
    expect(s.problems[0]).toMatchObject({ severity: 'error', code: 'dependency-disabled' });
    expect(s.problems[0]!.message).toContain('"db" is required by "api"');
    expect(s.problems[0]!.message).toContain('"data"');
    expect(resolveProfiles(spec, { profiles: ['data'] }).problems).toEqual([]);
  });

  it('an optional dependency left disabled is only a warning', () => {
    const spec = BerthSpecSchema.parse({
      berth: 1,
      repo: { name: 'x' },
      services: { api: { image: 'a', dependsOn: { db: { required: false } } }, db: { image: 'd', profiles: ['data'] } },
    });
    const s = resolveProfiles(spec, {});
    expect(s.services).toEqual(['api']);
    expect(s.problems.map((p) => p.severity)).toEqual(['warning']);
  });

  it('reports an unknown service as an error', () => {
    expect(resolveProfiles(lineage, { services: ['nope'] }).problems[0]).toMatchObject({ code: 'unknown-service', severity: 'error' });
  });
});

describe('dependencyOrder', () => {
  it('puts every dependency before its dependents', () => {
    const order = dependencyOrder(lineage, ['marquez-web', 'marquez', 'db']);
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('marquez'));
    expect(order.indexOf('marquez')).toBeLessThan(order.indexOf('marquez-web'));
  });
});
