import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../load/load.js';
import { BerthSpecSchema, type BerthSpecInput } from '../schema/spec.js';
import { expectedServices, profileServices } from './expected.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const example = loadSpecFile(join(root, 'examples/semops-data/berth.yaml'), root).value!;

const spec = BerthSpecSchema.parse({
  berth: 1,
  repo: { name: 'x' },
  profiles: { lineage: {}, notebooks: {}, tools: {} },
  services: {
    python: { image: 'py' },
    db: { image: 'pg', profiles: ['lineage'] },
    marquez: { image: 'marquez', profiles: ['lineage'], dependsOn: ['db'] },
    web: { image: 'web', profiles: ['tools'], dependsOn: ['python'] },
    notebook: { runtime: ['devcontainer', 'compose'], profiles: ['notebooks'] },
    cron: { runtime: { kind: 'host', command: 'crond' }, profiles: ['tools'] },
  },
} satisfies BerthSpecInput);

describe('expectedServices', () => {
  it('expects the default services and those whose runtime includes devcontainer or host, whatever the profiles', () => {
    expect(expectedServices(spec, { env: {} })).toEqual({
      expected: ['python', 'notebook', 'cron'],
      off: { db: ['lineage'], marquez: ['lineage'], web: ['tools'] },
      warnings: [],
    });
  });
  it('reads COMPOSE_PROFILES as up does; * enables every profile', () => {
    expect(expectedServices(spec, { env: { COMPOSE_PROFILES: 'lineage' } }).off).toEqual({ web: ['tools'] });
    expect(expectedServices(spec, { env: { COMPOSE_PROFILES: '*' } })).toEqual({ expected: Object.keys(spec.services), off: {}, warnings: [] });
    expect(expectedServices(spec, { profiles: ['tools'], env: { COMPOSE_PROFILES: 'lineage' } }).off).toEqual({ db: ['lineage'], marquez: ['lineage'] });
    expect(expectedServices(spec, { profiles: ['nope'], env: {} }).warnings.map((w) => w.message)).toEqual(['profile "nope" enables no service']);
  });
  it("the bundled example: Jupyter (devcontainer or Compose) is expected with notebooks off; Marquez is not", () => {
    const { expected, off } = expectedServices(example, { env: {} });
    expect(expected).toEqual(['python', 'dbt', 'jupyter', 'mlflow']);
    expect(off).toEqual({ marquez: ['lineage'], 'marquez-web': ['lineage'] });
  });
});

describe('profileServices', () => {
  it('what a profile adds to the default selection, dependencies first', () => {
    expect(profileServices(spec, 'lineage')).toEqual(['db', 'marquez']);
    expect(profileServices(spec, 'tools')).toEqual(['web', 'cron']);
    expect(profileServices(example, 'lineage')).toEqual(['marquez', 'marquez-web']);
    expect(profileServices(example, 'notebooks')).toEqual(['jupyter']);
  });
});
