import { describe, expect, it } from 'vitest';
import type { ContainerView } from '@berth/api/contract';
import { containerBadge } from './container-badge.js';

const row = (c: Partial<ContainerView>): ContainerView => ({ service: 'web', state: 'running', ports: [], ...c });
const tasks = (desired: number, running: number, problem?: string) => ({ desired, running, nodes: [], ...(problem ? { problem } : {}) });

describe('containerBadge', () => {
  it('is green for a running container, red once unhealthy', () => {
    expect(containerBadge(row({ health: 'healthy' }))).toBe('s-passing');
    expect(containerBadge(row({ health: 'unhealthy' }))).toBe('s-critical');
  });
  it('is grey for a one-off that exited 0 and a swarm service parked at 0 replicas, red for a failed exit', () => {
    expect(containerBadge(row({ state: 'exited', exitCode: 0 }))).toBe('s-unknown');
    expect(containerBadge(row({ state: 'created', tasks: tasks(0, 0) }))).toBe('s-unknown');
    expect(containerBadge(row({ state: 'exited', exitCode: 2 }))).toBe('s-critical');
  });
  it('is red for a swarm service whose tasks have a problem though some run, amber while one restarts', () => {
    expect(containerBadge(row({ tasks: tasks(2, 1, 'web.2 pending: no suitable node') }))).toBe('s-critical');
    expect(containerBadge(row({ state: 'restarting' }))).toBe('s-warning');
    expect(containerBadge(row({ state: 'missing' }))).toBe('s-unknown');
  });
});
