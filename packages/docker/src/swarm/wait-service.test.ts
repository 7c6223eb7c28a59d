import { describe, expect, it } from 'vitest';
import { BERTH_TASK_HASH } from '../labels.js';
import type { SwarmApi, SwarmTask } from './swarm-api.js';
import { stillRunningHere } from './wait-service.js';

/** A task of the current spec that the manager reports running, in container `id`. */
const running = (id: string): SwarmTask => ({
  ID: `task-${id}`,
  ServiceID: 'svc1',
  NodeID: 'node1',
  Slot: 1,
  DesiredState: 'running',
  Status: { State: 'running', ContainerStatus: { ContainerID: id } },
  Spec: { ContainerSpec: { Labels: { [BERTH_TASK_HASH]: 'current' } } },
});

/** A container's State as the engine reports it: running or exited, with a health log checked after its start. */
const state = (running: boolean, health?: string) => ({
  Status: running ? 'running' : 'exited',
  Running: running,
  StartedAt: '2026-01-01T00:00:00Z',
  ...(health ? { Health: { Status: health, Log: [{ Start: '2026-01-01T00:00:01Z', ExitCode: health === 'healthy' ? 0 : 1, Output: '' }] } } : {}),
});

/** The engine here, as far as stillRunningHere asks it: each container's State (none: on another node). */
const engineWith = (states: Record<string, object>): SwarmApi =>
  ({
    api: {
      getContainer: (id: string) => ({
        inspect: async () => {
          if (!(id in states)) throw Object.assign(new Error('no such container'), { statusCode: 404 });
          return { Id: id, State: states[id] };
        },
      }),
    },
  }) as unknown as SwarmApi;

describe('stillRunningHere', () => {
  it('takes the manager\'s "running" only for a container here that runs, and is healthy where the service has a healthcheck', async () => {
    const since = () => new Map([['task-a', 1]]);
    const healthy = engineWith({ a: state(true, 'healthy') });
    expect(await stillRunningHere(healthy, [running('a')], 'current', since(), true)).toBe(true);

    // The engine stopped it as unhealthy and its process exited 0 on SIGTERM: the manager says "running" for a moment.
    const stoppedUnhealthy = engineWith({ a: state(false, 'unhealthy') });
    const forgotten = since();
    expect(await stillRunningHere(stoppedUnhealthy, [running('a')], 'current', forgotten, true)).toBe(false);
    expect(forgotten.has('task-a')).toBe(false);

    // Still running, but judged unhealthy (the stop is on its way), or not judged yet.
    for (const status of ['unhealthy', 'starting']) {
      const engine = engineWith({ a: state(true, status) });
      expect(await stillRunningHere(engine, [running('a')], 'current', since(), true)).toBe(false);
    }

    // Without a healthcheck, a running container is enough; one that exited is not.
    expect(await stillRunningHere(engineWith({ a: state(true) }), [running('a')], 'current', since(), false)).toBe(true);
    expect(await stillRunningHere(engineWith({ a: state(false) }), [running('a')], 'current', since(), false)).toBe(false);
  });

  it('trusts a task whose container is on another node, and looks only at the current spec\'s running tasks', async () => {
    const elsewhere = engineWith({});
    expect(await stillRunningHere(elsewhere, [running('a')], 'current', new Map(), true)).toBe(true);
    const old: SwarmTask = { ...running('b'), Spec: { ContainerSpec: { Labels: { [BERTH_TASK_HASH]: 'previous' } } } };
    const stopped = engineWith({ b: state(false) });
    expect(await stillRunningHere(stopped, [old], 'current', new Map(), true)).toBe(true);
  });
});
