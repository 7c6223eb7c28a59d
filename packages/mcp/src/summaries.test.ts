import { describe, expect, it } from 'vitest';
import { summaries } from './summaries.js';

describe('the status tool\'s line', () => {
  it('counts the running services, and names those that make berth status exit 1 with their state', () => {
    const services = [
      { service: 'web', state: 'running', health: 'healthy', ports: [] },
      { service: 'migrate', state: 'exited', exitCode: 0, ports: [] },
      { service: 'worker', state: 'exited', exitCode: 137, ports: [] },
      { service: 'api', state: 'running', health: 'unhealthy', ports: [] },
      { service: 'idle', state: 'created', ports: [], tasks: { desired: 0, running: 0, nodes: [] } },
      { service: 'queue', state: 'created', ports: [], tasks: { desired: 0, running: 0, nodes: [], problem: 'scaled to 0 by hand (the spec says 1): berth up scales it back' } },
    ];
    expect(summaries['status']!({ ok: false, project: 'shop', services })).toBe(
      'project shop: 2 of 6 services running; needs attention: worker (exited 137), api (running, unhealthy), queue (created, scaled to 0 by hand (the spec says 1): berth up scales it back)',
    );
    expect(summaries['status']!({ ok: true, project: 'shop', services: services.slice(0, 2) })).toBe('project shop: 1 of 2 services running');
  });
});
