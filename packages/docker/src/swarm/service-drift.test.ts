import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { BERTH_TASK_HASH } from '../labels.js';
import type { DesiredSwarmService } from './desired-service.js';
import { containerDrift, serviceDrift } from './service-drift.js';
import type { SwarmService } from './swarm-api.js';

const container = (extra: Partial<Dockerode.ContainerSpec> = {}): Dockerode.ContainerSpec => ({ Image: 'shop/api:1', Env: ['A=1', 'B=2'], Args: ['serve'], Labels: { [BERTH_TASK_HASH]: 'h1' }, ...extra });
const spec = (c: Dockerode.ContainerSpec, replicas: number | 'global' = 1): Dockerode.ServiceSpec => ({ Name: 'shop_api', TaskTemplate: { ContainerSpec: c }, Mode: replicas === 'global' ? { Global: {} } : { Replicated: { Replicas: replicas } } });
const desired = (c = container(), replicas: number | 'global' = 1) => ({ service: 'api', name: 'shop_api', spec: spec(c, replicas) }) as DesiredSwarmService;
const observed = (c: Dockerode.ContainerSpec, replicas: number | 'global' = 1): SwarmService => ({ ID: 'x', Spec: spec(c, replicas) });

describe('serviceDrift: a swarm service changed beside berth, its labels left as berth wrote them', () => {
  it('is nothing for the service as berth deployed it, the engine leaving out what is empty', () => {
    expect(serviceDrift(desired(), observed(container()))).toBeUndefined();
    expect(serviceDrift(desired(container({ Command: [] })), observed(container()))).toBeUndefined();
  });

  it('names a scale by hand, a mode changed, and the container field changed first', () => {
    expect(serviceDrift(desired(), observed(container(), 0))).toBe('it was scaled to 0 by hand (the spec says 1)');
    expect(serviceDrift(desired(), observed(container(), 'global'))).toBe('its mode was changed to global by hand');
    expect(serviceDrift(desired(), observed(container({ Image: 'shop/api:2' })))).toBe('its image was changed by hand');
    expect(serviceDrift(desired(), observed(container({ Env: ['A=1', 'B=2', 'DEBUG=1'] })))).toBe('its environment was changed by hand');
    expect(serviceDrift(desired(), observed(container({ Args: ['serve', '--debug'] })))).toBe('its command was changed by hand');
  });

  it('takes the digest the docker CLI pins to an image for the image the spec names without one', () => {
    expect(containerDrift(container(), container({ Image: `shop/api:1@sha256:${'a'.repeat(64)}` }))).toBeUndefined();
    expect(containerDrift(container({ Image: `shop/api:1@sha256:${'a'.repeat(64)}` }), container({ Image: `shop/api:1@sha256:${'b'.repeat(64)}` }))).toBe('image');
  });

  it('tells a task of another template by its hash label before anything else', () => {
    expect(containerDrift(container(), container({ Labels: { [BERTH_TASK_HASH]: 'h0' }, Image: 'other' }))).toBe('task template');
  });
});
