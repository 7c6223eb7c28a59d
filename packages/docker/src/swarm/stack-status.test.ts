import { describe, expect, it } from 'vitest';
import { asServiceStatus } from '../engines/swarm-dispatch.js';
import { BERTH_TASK_HASH } from '../labels.js';
import { failingTasks, unplacedTasks, type StackServiceStatus } from './stack-status.js';
import type { SwarmService, SwarmTask } from './swarm-api.js';
import { hasHealthcheck } from './desired-service.js';

const service: SwarmService = { ID: 's1', Spec: { Name: 'p_crash', TaskTemplate: { ContainerSpec: { Image: 'busybox', Labels: { [BERTH_TASK_HASH]: 'now' } } } } };
const task = (id: string, state: string, hash: string, at: string, exit?: number): SwarmTask => ({
  ID: id,
  ServiceID: 's1',
  Slot: 1,
  DesiredState: state === 'running' || state === 'starting' ? 'running' : 'shutdown',
  Status: { State: state, Timestamp: at, ...(exit !== undefined ? { Err: `task: non-zero exit (${exit})`, ContainerStatus: { ExitCode: exit } } : {}) },
  // a task carries the container spec it was made from, as the service's (the image included)
  Spec: { ContainerSpec: { Image: 'busybox', Labels: { [BERTH_TASK_HASH]: hash } } },
});

const base: StackServiceStatus = { service: 'crash', name: 'p_crash', id: 's1', mode: 'replicated', desired: 1, running: 1, ports: [], nodes: [], healthcheck: false };

describe('failingTasks', () => {
  it('names the newest failure of the current spec while fewer tasks run than wanted', () => {
    const tasks = [task('a', 'failed', 'now', '2026-01-01T00:00:01Z', 3), task('b', 'failed', 'now', '2026-01-01T00:00:07Z', 4), task('c', 'starting', 'now', '2026-01-01T00:00:12Z')];
    expect(failingTasks(service, tasks, 1, 0)).toBe('task: non-zero exit (4)');
  });
  it('is silent while every wanted task runs, and about failures of an earlier spec', () => {
    expect(failingTasks(service, [task('a', 'failed', 'now', '2026-01-01T00:00:01Z', 3), task('c', 'running', 'now', '2026-01-01T00:00:12Z')], 1, 1)).toBeUndefined();
    expect(failingTasks(service, [task('a', 'failed', 'before', '2026-01-01T00:00:01Z', 3), task('c', 'starting', 'now', '2026-01-01T00:00:12Z')], 1, 0)).toBeUndefined();
  });
});

describe('unplacedTasks', () => {
  const pending = (id: string, slot: number, err?: string): SwarmTask => ({ ...task(id, 'pending', 'now', '2026-01-01T00:00:09Z'), Slot: slot, DesiredState: 'running', Status: { State: 'pending', Timestamp: '2026-01-01T00:00:09Z', ...(err ? { Err: err } : {}) } });
  it('names a task of the current spec the scheduler cannot place, and its error, while fewer run than wanted', () => {
    const tasks = [task('a', 'running', 'now', '2026-01-01T00:00:01Z'), pending('b', 2, 'no suitable node (host-mode port already in use on 1 node)')];
    expect(unplacedTasks(service, tasks, 2, 1)).toBe('p_crash.2 pending: no suitable node (host-mode port already in use on 1 node)');
  });
  it('is silent for a task only waiting to be placed (no error), and once every wanted task runs', () => {
    expect(unplacedTasks(service, [task('a', 'running', 'now', '2026-01-01T00:00:01Z'), pending('b', 2)], 2, 1)).toBeUndefined();
    expect(unplacedTasks(service, [pending('b', 2, 'no suitable node')], 1, 1)).toBeUndefined();
  });
});

describe('asServiceStatus (a swarm service as berth status shows it)', () => {
  it('says no health for a service without a healthcheck, as for a container', () => {
    expect(asServiceStatus(base)).toMatchObject({ state: 'running' });
    expect(asServiceStatus(base).health).toBeUndefined();
  });
  it('says healthy or starting only for a service with a healthcheck', () => {
    expect(asServiceStatus({ ...base, healthcheck: true }).health).toBe('healthy');
    expect(asServiceStatus({ ...base, healthcheck: true, running: 0 }).health).toBe('starting');
  });
  it('says restarting, not starting, for a service whose tasks keep failing, with the failure', () => {
    const s = asServiceStatus({ ...base, healthcheck: true, running: 0, failing: 'task: non-zero exit (4)' });
    expect(s.state).toBe('restarting');
    expect(s.health).toBeUndefined();
    expect(s.tasks?.problem).toBe('task: non-zero exit (4)');
  });
  it('gives a replica that cannot be placed as its problem, never starting: it waits for the swarm to change, not for time', () => {
    const s = asServiceStatus({ ...base, healthcheck: true, desired: 2, running: 1, unplaced: 'p_crash.2 pending: no suitable node (host-mode port already in use on 1 node)' });
    expect(s.state).toBe('running');
    expect(s.health).toBeUndefined();
    expect(s.tasks).toMatchObject({ desired: 2, running: 1, problem: 'p_crash.2 pending: no suitable node (host-mode port already in use on 1 node)' });
  });
  it('says created, not missing, for a service at 0 tasks: parked when the spec asks for 0 replicas, a problem when it asks for more or no node fits a global one', () => {
    const idle = { ...base, healthcheck: true, desired: 0, running: 0 };
    const parked = asServiceStatus(idle, 0);
    expect(parked).toMatchObject({ state: 'created', tasks: { desired: 0, running: 0 } });
    expect(parked.health).toBeUndefined();
    expect(parked.tasks?.problem).toBeUndefined();
    expect(asServiceStatus(idle, 2)).toMatchObject({ state: 'created', tasks: { problem: 'scaled to 0 by hand (the spec says 2): berth up scales it back' } });
    // not in the spec any more: it asks for nothing
    expect(asServiceStatus(idle).tasks?.problem).toBeUndefined();
    // a global service no node fits wants no task: a problem, not a service that is not there
    expect(asServiceStatus({ ...idle, mode: 'global' })).toMatchObject({
      state: 'created',
      tasks: { desired: 0, running: 0, problem: 'no node of the swarm fits it (mode: global): none matches its placement constraints and reservations' },
    });
  });
});

describe('hasHealthcheck', () => {
  it('reads the healthcheck under the name berth sends it and the name the engine answers with', () => {
    expect(hasHealthcheck({ Image: 'x', HealthCheck: { Test: ['CMD-SHELL', 'true'] } })).toBe(true);
    // what an inspected swarm service holds: the Go field's name (docker 20.10 to 27)
    expect(hasHealthcheck({ Image: 'x', Healthcheck: { Test: ['CMD-SHELL', 'true'] } } as never)).toBe(true);
    expect(hasHealthcheck({ Image: 'x', Healthcheck: { Test: ['NONE'] } } as never)).toBe(false);
    expect(hasHealthcheck({ Image: 'x' })).toBe(false);
  });
});
