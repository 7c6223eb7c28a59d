import { describe, expect, it } from 'vitest';
import { BERTH_TASK_HASH } from '../labels.js';
import type { SwarmService, SwarmTask } from './swarm-api.js';
import { serviceVerdict, type VerdictInput } from './task-verdict.js';

const service = (over: Partial<SwarmService> = {}): SwarmService => ({
  ID: 'svc1',
  Spec: { Name: 'demo_web', Mode: { Replicated: { Replicas: 2 } } },
  ServiceStatus: { RunningTasks: 0, DesiredTasks: 2 },
  ...over,
});

let n = 0;
const task = (state: string, over: Partial<SwarmTask> = {}, hash = 'current'): SwarmTask => ({
  ID: `t${++n}`,
  ServiceID: 'svc1',
  NodeID: 'node1',
  Slot: 1,
  DesiredState: 'running',
  Status: { State: state, Timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString() },
  Spec: { ContainerSpec: { Labels: { [BERTH_TASK_HASH]: hash } } },
  ...over,
});

const input = (tasks: SwarmTask[], over: Partial<VerdictInput> = {}): VerdictInput => ({
  service: service(),
  tasks,
  taskHash: 'current',
  failedBefore: new Set(),
  unplacedSince: new Map(),
  runningSince: new Map(),
  stableMs: 0,
  now: 10_000,
  unplacedGraceMs: 5_000,
  ...over,
});

describe('the verdict on a service from its tasks', () => {
  it('is ready once as many tasks of the current spec run as the service wants', () => {
    expect(serviceVerdict(input([task('running'), task('running', { Slot: 2 })]))).toEqual({ state: 'ready', running: 2, desired: 2 });
  });

  it('waits while a task starts (its healthcheck not yet passed), and says which', () => {
    const v = serviceVerdict(input([task('running'), task('starting', { Slot: 2 })]));
    expect(v).toEqual({ state: 'waiting', running: 1, desired: 2, detail: '1/2 tasks running, demo_web.2 starting' });
  });

  it('does not count tasks of the previous spec, which an update is replacing', () => {
    const v = serviceVerdict(input([task('running', {}, 'old'), task('running', { Slot: 2 }, 'old'), task('starting')]));
    expect(v.state).toBe('waiting');
    expect(v.state === 'waiting' && v.running).toBe(0);
  });

  it('counts a task without a healthcheck once it has stayed running a while: a process that exits at once is not up', () => {
    const runningSince = new Map<string, number>();
    const tasks = [task('running'), task('running', { Slot: 2 })];
    expect(serviceVerdict(input(tasks, { runningSince, stableMs: 1000, now: 1_000 })).state).toBe('waiting');
    expect(serviceVerdict(input(tasks, { runningSince, stableMs: 1000, now: 1_500 })).state).toBe('waiting');
    expect(serviceVerdict(input(tasks, { runningSince, stableMs: 1000, now: 2_000 })).state).toBe('ready');
  });

  it('waits while the engine still rolls an update out', () => {
    expect(serviceVerdict(input([task('running'), task('running', { Slot: 2 })], { service: service({ UpdateStatus: { State: 'updating' } }) })).state).toBe('waiting');
  });

  it('fails on a task of this deployment that failed, naming its error', () => {
    const failed = task('failed', { DesiredState: 'shutdown', Status: { State: 'failed', Err: 'task: non-zero exit (1)', Timestamp: '2026-01-01T00:01:00Z' } });
    const v = serviceVerdict(input([task('starting'), failed]));
    expect(v).toMatchObject({ state: 'failed', task: { ID: failed.ID }, reason: 'task: non-zero exit (1)' });
  });

  it('fails on a task the engine stopped (an unhealthy container that exited 0 on SIGTERM ends complete)', () => {
    const done = task('complete', { DesiredState: 'shutdown', Status: { State: 'complete', Message: 'finished', ContainerStatus: { ExitCode: 0 } } });
    expect(serviceVerdict(input([done]))).toMatchObject({ state: 'failed', reason: 'its container exited (exit 0)' });
  });

  it('leaves failures from before the wait alone: they are history', () => {
    const old = task('failed', { DesiredState: 'shutdown', Status: { State: 'failed', Err: 'task: non-zero exit (1)' } });
    expect(serviceVerdict(input([old, task('starting')], { failedBefore: new Set([old.ID]) })).state).toBe('waiting');
  });

  it('fails a task left unplaced with an error (no suitable node) once it stays so past the grace', () => {
    const pending = task('pending', { NodeID: undefined, Status: { State: 'pending', Err: 'no suitable node (insufficient resources on 1 node)' } });
    const unplacedSince = new Map<string, number>();
    expect(serviceVerdict(input([pending], { unplacedSince, now: 1_000 })).state).toBe('waiting');
    expect(serviceVerdict(input([pending], { unplacedSince, now: 4_000 })).state).toBe('waiting');
    expect(serviceVerdict(input([pending], { unplacedSince, now: 6_000 }))).toMatchObject({ state: 'failed', reason: 'pending: no suitable node (insufficient resources on 1 node)' });
  });

  it('fails when the engine paused or rolled back the update', () => {
    const v = serviceVerdict(input([task('running')], { service: service({ UpdateStatus: { State: 'paused', Message: 'update paused due to failure or early termination of task x' } }) }));
    expect(v).toMatchObject({ state: 'failed', reason: 'update paused: update paused due to failure or early termination of task x' });
  });
});
