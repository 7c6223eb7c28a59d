import { describe, expect, it } from 'vitest';
import type { DesiredContainer } from './desired.js';
import type { BerthSpec } from '@berth/spec';
import { plan, planIsEmpty, restartDependents, type ObservedContainer } from './plan.js';

const desired = (service: string, hash: string, imageId = 'sha256:img'): DesiredContainer & { imageId: string } => ({
  service,
  name: `p-${service}-1`,
  image: 'img',
  create: {},
  hash,
  hostPorts: [],
  allocatesPorts: false,
  networks: [],
  objectFiles: [],
  volumes: [],
  hasHealthcheck: false,
  stopTimeoutS: 10,
  imageId,
});
const observed = (service: string, hash: string | undefined, state = 'running', imageId = 'sha256:img'): ObservedContainer => ({
  id: `id-${service}`,
  name: `p-${service}-1`,
  service,
  ...(hash ? { hash } : {}),
  imageId,
  state,
});

describe('plan', () => {
  it('creates what is missing and keeps what is up to date', () => {
    const p = plan([desired('a', 'h1'), desired('b', 'h2')], [observed('a', 'h1')], ['a', 'b']);
    expect(p.steps.map((s) => [s.service, s.action])).toEqual([
      ['a', 'keep'],
      ['b', 'create'],
    ]);
    expect(planIsEmpty(p)).toBe(false);
  });

  it('recreates on a changed config hash, a changed image, or a container berth did not make', () => {
    const p = plan(
      [desired('a', 'new'), desired('b', 'h', 'sha256:newer'), desired('c', 'h')],
      [observed('a', 'old'), observed('b', 'h'), observed('c', undefined)],
      ['a', 'b', 'c'],
    );
    expect(p.steps.map((s) => [s.action, s.reason])).toEqual([
      ['recreate', 'config changed'],
      ['recreate', 'image changed'],
      ['recreate', 'not created by berth'],
    ]);
  });

  it('starts a stopped container that is otherwise up to date', () => {
    const p = plan([desired('a', 'h')], [observed('a', 'h', 'exited')], ['a']);
    expect(p.steps[0]).toMatchObject({ action: 'start', container: { id: 'id-a' } });
  });

  it('leaves containers of unselected services alone and lists orphans', () => {
    const p = plan([desired('a', 'h')], [observed('a', 'h'), observed('other-profile', 'x'), observed('gone', 'y')], ['a', 'other-profile']);
    expect(p.steps).toHaveLength(1);
    expect(planIsEmpty(p)).toBe(true);
    expect(p.orphans.map((o) => o.service)).toEqual(['gone']);
  });
});

describe('restartDependents (Compose: depends_on.<service>.restart on up)', () => {
  const spec = (services: Record<string, { dependsOn?: Record<string, { condition: 'service_started'; restart?: boolean }> }>) =>
    ({ services }) as unknown as BerthSpec;
  const deps = spec({
    db: {},
    api: { dependsOn: { db: { condition: 'service_started', restart: true } } },
    worker: { dependsOn: { api: { condition: 'service_started', restart: true } } },
    reader: { dependsOn: { db: { condition: 'service_started' } } },
  });

  it('restarts the running dependents that declare restart: true, transitively, and keeps the others', () => {
    const p = plan([desired('db', 'new'), desired('api', 'h'), desired('worker', 'h'), desired('reader', 'h')], ['db', 'api', 'worker', 'reader'].map((s) => observed(s, s === 'db' ? 'old' : 'h')), Object.keys(deps.services));
    restartDependents(p, deps);
    expect(p.steps.map((s) => `${s.service}:${s.action}:${s.reason}`)).toEqual([
      'db:recreate:config changed',
      'api:restart:db is recreated (dependsOn.db.restart)',
      'worker:restart:api restarts (dependsOn.api.restart)',
      'reader:keep:up to date',
    ]);
    expect(planIsEmpty(p)).toBe(false);
  });

  it('restarts nothing when no dependency is created or recreated, and leaves stopped dependents to their start', () => {
    const kept = plan(['db', 'api'].map((s) => desired(s, 'h')), ['db', 'api'].map((s) => observed(s, 'h')), ['db', 'api']);
    restartDependents(kept, deps);
    expect(kept.steps.map((s) => s.action)).toEqual(['keep', 'keep']);
    const stopped = plan([desired('db', 'new'), desired('api', 'h')], [observed('db', 'old'), observed('api', 'h', 'exited')], ['db', 'api']);
    restartDependents(stopped, deps);
    expect(stopped.steps.map((s) => s.action)).toEqual(['recreate', 'start']);
  });
});
