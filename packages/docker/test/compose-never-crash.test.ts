import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSpec } from '@berth/spec';
import { exportCompose, mergeCompose, parseComposePorts } from '@berth/docker';
import { ProblemSink } from '../src/compose/model.js';
import { composeToSpec } from '../src/compose/to-spec.js';
import { specYaml } from '../src/compose/import-compose.js';

const FIELDS = ['image', 'ports', 'expose', 'environment', 'env_file', 'volumes', 'depends_on', 'restart', 'healthcheck', 'networks', 'network_mode', 'labels', 'profiles', 'deploy', 'gpus', 'command', 'stop_grace_period', 'build', 'x-extra', 'x-berth'];
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 70000 }), fc.boolean(), fc.constant(null), fc.constantFrom('8080:80', '[::1]:1:2', '1-3:1-3/udp', 'service_healthy', '1m30s', 'gpu', 'all', 'on-failure:3', 'a=b'));
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('target', 'published', 'condition', 'test', 'count', 'capabilities', 'devices', 'resources', 'reservations', 'x', 'driver', 'external', 'name'), tie('any'), { maxKeys: 4 })),
})).any;
const modelOf = (fields: string[]) =>
  fc.record({
    services: fc.dictionary(fc.constantFrom('web', 'db', 'x y', 'api'), fc.oneof(fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 8 }), value), { maxKeys: 4 }),
    networks: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('back', 'front'), value, { maxKeys: 2 })),
    volumes: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('data'), value, { maxKeys: 1 })),
    'x-top': value,
  });

function importModel(m: unknown) {
  const sink = new ProblemSink();
  const spec = composeToSpec(JSON.parse(JSON.stringify(m)) as Record<string, unknown>, { projectDir: '/p', baseDir: '/p', sink });
  return parseSpec(specYaml(spec, ['compose.yaml']), 'berth.yaml');
}

describe('the importer never crashes on whatever a Compose file holds', () => {
  it('turns any Compose model into a spec that loads clean, and exports it', () => {
    fc.assert(
      fc.property(modelOf(FIELDS.filter((f) => f !== 'x-berth')), (m) => {
        const loaded = importModel(m);
        expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(typeof exportCompose(loaded.value!, { raw: loaded.source!.value }).yaml).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('takes a profile named like an Object method (valueOf, which the property above once drew) as an ordinary profile', () => {
    const loaded = importModel({ services: { web: { image: 'busybox', profiles: ['valueOf', 'constructor'] } } });
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.value!.profiles).toEqual({ constructor: {}, valueOf: {} });
    expect(exportCompose(loaded.value!, { raw: loaded.source!.value }).yaml).toContain('valueOf');
  });

  it('survives a hand-broken x-berth (the spec may then not validate, which import reports)', () => {
    fc.assert(
      fc.property(modelOf(FIELDS), (m) => {
        const loaded = importModel(m);
        expect(loaded.source).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('parses and merges any port and service values without throwing', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(typeof parseComposePorts(a).ok).toBe('boolean');
        expect(mergeCompose({ services: { s: a } }, { services: { s: b } })).toBeDefined();
      }),
      { numRuns: 400 },
    );
  });
});
