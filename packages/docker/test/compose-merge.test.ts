import { describe, expect, it } from 'vitest';
import { mergeCompose } from '@berth/docker';

const merged = (base: unknown, over: unknown) => (mergeCompose({ services: { s: base } }, { services: { s: over } }) as { services: { s: Record<string, unknown> } }).services.s;

describe('mergeCompose (Compose merge rules for -f files)', () => {
  it('merges maps key by key and replaces scalars', () => {
    expect(merged({ image: 'a:1', user: 'x' }, { image: 'a:2' })).toEqual({ image: 'a:2', user: 'x' });
  });

  it('replaces command, entrypoint and healthcheck.test instead of appending', () => {
    const r = merged({ command: ['a', 'b'], entrypoint: ['x'], healthcheck: { test: ['CMD', 'a'], interval: '5s' } }, { command: ['c'], entrypoint: 'y', healthcheck: { test: ['CMD', 'b'] } });
    expect(r).toEqual({ command: ['c'], entrypoint: 'y', healthcheck: { test: ['CMD', 'b'], interval: '5s' } });
  });

  it('merges environment and labels as maps whatever form each side uses', () => {
    const r = merged({ environment: ['A=1', 'B=2'], labels: { x: '1' } }, { environment: { B: '3', C: '4' }, labels: ['y=2'] });
    expect(r.environment).toEqual({ A: '1', B: '3', C: '4' });
    expect(r.labels).toEqual({ x: '1', y: '2' });
  });

  it('keeps ports unique by their mapping and volumes unique by target', () => {
    const r = merged({ ports: ['8080:80', '9000:9000'], volumes: ['./a:/data', 'logs:/logs'] }, { ports: ['8080:80', '8081:81'], volumes: ['./b:/data'] });
    expect(r.ports).toEqual(['9000:9000', '8080:80', '8081:81']);
    expect(r.volumes).toEqual(['logs:/logs', './b:/data']);
  });

  it('appends other sequences without duplicates and merges depends_on as a map', () => {
    const r = merged({ dns: ['1.1.1.1'], depends_on: ['db'] }, { dns: ['1.1.1.1', '8.8.8.8'], depends_on: { cache: { condition: 'service_healthy' } } });
    expect(r.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(r.depends_on).toEqual({ db: { condition: 'service_started' }, cache: { condition: 'service_healthy' } });
  });

  it('adds new services and top-level resources', () => {
    const r = mergeCompose({ services: { a: { image: 'a' } }, volumes: { v: {} } }, { services: { b: { image: 'b' } }, networks: { n: {} } });
    expect(r).toEqual({ services: { a: { image: 'a' }, b: { image: 'b' } }, volumes: { v: {} }, networks: { n: {} } });
  });
});
