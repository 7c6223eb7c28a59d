import { describe, expect, it } from 'vitest';
import { needsAttention, type ServiceStatus } from './container-status.js';

const status = (s: Partial<ServiceStatus>): ServiceStatus => ({ service: 'web', state: 'running', ports: [], ...s });
const tasks = (desired: number, running: number, problem?: string) => ({ desired, running, nodes: [], ...(problem ? { problem } : {}) });

describe('needsAttention (what makes berth status exit 1)', () => {
  it('is quiet for a running service, healthy or without a healthcheck, and a one-off that exited 0', () => {
    expect(needsAttention(status({}))).toBe(false);
    expect(needsAttention(status({ health: 'healthy' }))).toBe(false);
    expect(needsAttention(status({ state: 'exited', exitCode: 0 }))).toBe(false);
  });
  it('flags an unhealthy container, a failed exit, a service not there, and anything stopped or restarting', () => {
    expect(needsAttention(status({ health: 'unhealthy' }))).toBe(true);
    expect(needsAttention(status({ state: 'exited', exitCode: 1 }))).toBe(true);
    for (const state of ['missing', 'created', 'restarting', 'paused', 'dead'] as const) expect(needsAttention(status({ state }))).toBe(true);
  });
  it('is quiet for a swarm service parked at 0 replicas, and flags one with a task problem though some tasks run', () => {
    expect(needsAttention(status({ state: 'created', tasks: tasks(0, 0) }))).toBe(false);
    expect(needsAttention(status({ state: 'created', tasks: tasks(0, 0, 'scaled to 0 by hand (the spec says 1): berth up scales it back') }))).toBe(true);
    expect(needsAttention(status({ state: 'created', tasks: tasks(2, 0) }))).toBe(true);
    expect(needsAttention(status({ state: 'running', tasks: tasks(2, 1, 'p_web.2 pending: no suitable node') }))).toBe(true);
    // a global service no node fits runs nowhere: not parked
    expect(needsAttention(status({ state: 'created', tasks: tasks(0, 0, 'no node of the swarm fits it (mode: global): none matches its placement constraints and reservations') }))).toBe(true);
  });
});
