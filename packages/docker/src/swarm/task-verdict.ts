import type Dockerode from 'dockerode';
import { BERTH_TASK_HASH } from '../labels.js';
import { containerDrift } from './service-drift.js';
import type { SwarmService, SwarmTask } from './swarm-api.js';

/** Where a service of a deployment stands: its tasks of the current spec all running (healthy, when it has a healthcheck), still coming, or one failed. */
export type ServiceVerdict =
  | { state: 'ready'; running: number; desired: number }
  | { state: 'waiting'; running: number; desired: number; detail: string }
  | { state: 'failed'; task: SwarmTask; reason: string };

/** Task states that end a task for good; `complete` too for a service (not a job), which should keep running: an unhealthy container the engine stopped ends so when its process exits 0 on SIGTERM. */
const ENDED = new Set(['failed', 'rejected', 'orphaned']);
const ENDED_SERVICE = new Set([...ENDED, 'complete']);
/** Task states before the scheduler has placed the task on a node: an error here (no suitable node) persists until something changes. */
export const UNPLACED = new Set(['new', 'pending', 'assigned']);
/** An update that stopped or went back: the engine's own verdict on a rolling update. */
const UPDATE_FAILED = new Set(['paused', 'rollback_started', 'rollback_paused', 'rollback_completed']);

export interface VerdictInput {
  service: SwarmService;
  tasks: SwarmTask[];
  /** The task template hash of the current spec (the label on the tasks' containers). */
  taskHash: string;
  /** The container spec the tasks should run: a task whose own differs (changed by hand) is not of the current spec. */
  container?: Dockerode.ContainerSpec;
  /** Task ids already failed when the wait began: history, not this deployment's failure. */
  failedBefore: ReadonlySet<string>;
  /** When each unplaced task with an error was first seen (kept between polls). */
  unplacedSince: Map<string, number>;
  /** When each running task was first seen running (kept between polls). */
  runningSince: Map<string, number>;
  /** How long a task without a healthcheck must have run to count (0 with a healthcheck: the engine's own word then). */
  stableMs: number;
  now: number;
  /** How long a task may stay unplaced with an error (no suitable node) before that is its failure. */
  unplacedGraceMs: number;
}

/**
 * The verdict on one service from its tasks (pure but for the maps it keeps between polls). A task
 * of the current spec counts once the engine runs it: with a healthcheck, the engine moves a task to
 * running only once its container is healthy, and replaces an unhealthy one; without one, once it has
 * stayed running `stableMs` (a process that exits at once is not up). Ready when as many run as the service wants; failed when a
 * task of the current spec ended (its error named), stayed unplaced with an error past the grace, or
 * the engine paused or rolled back the update.
 */
export function serviceVerdict(input: VerdictInput): ServiceVerdict {
  const { service, tasks, taskHash } = input;
  const current = currentTasks(tasks, taskHash, input.container);
  const desired = service.ServiceStatus?.DesiredTasks ?? service.Spec?.Mode?.Replicated?.Replicas ?? 1;
  for (const t of current) if (t.Status.State !== 'running') input.runningSince.delete(t.ID);
  const running = current.filter((t) => {
    if (t.DesiredState !== 'running' || t.Status.State !== 'running') return false;
    const since = input.runningSince.get(t.ID) ?? input.now;
    input.runningSince.set(t.ID, since);
    return input.now - since >= input.stableMs;
  }).length;
  const update = service.UpdateStatus;
  if (update?.State && UPDATE_FAILED.has(update.State)) {
    const task = [...current].sort(newestFirst)[0] ?? tasks[0];
    if (task) return { state: 'failed', task, reason: `update ${update.State.replace('_', ' ')}${update.Message ? `: ${update.Message}` : ''}` };
  }
  if (running >= desired && update?.State !== 'updating') return { state: 'ready', running, desired };
  const job = !!(service.Spec?.Mode?.ReplicatedJob || service.Spec?.Mode?.GlobalJob);
  const ended = current.filter((t) => (job ? ENDED : ENDED_SERVICE).has(t.Status.State) && !input.failedBefore.has(t.ID)).sort(newestFirst)[0];
  if (ended) return { state: 'failed', task: ended, reason: taskError(ended) };
  for (const t of current) {
    if (!UNPLACED.has(t.Status.State) || !t.Status.Err || t.DesiredState !== 'running') {
      input.unplacedSince.delete(t.ID);
      continue;
    }
    const since = input.unplacedSince.get(t.ID) ?? input.now;
    input.unplacedSince.set(t.ID, since);
    if (input.now - since >= input.unplacedGraceMs) return { state: 'failed', task: t, reason: `${t.Status.State}: ${t.Status.Err}` };
  }
  const latest = current.filter((t) => t.DesiredState === 'running').sort(newestFirst)[0];
  const detail = `${running}/${desired} task${desired === 1 ? '' : 's'} running${latest && latest.Status.State !== 'running' ? `, ${taskName(service, latest)} ${latest.Status.State}${latest.Status.Err ? ` (${latest.Status.Err})` : ''}` : ''}`;
  return { state: 'waiting', running, desired, detail };
}

function newestFirst(a: SwarmTask, b: SwarmTask): number {
  return Date.parse(b.Status.Timestamp ?? b.CreatedAt ?? '') - Date.parse(a.Status.Timestamp ?? a.CreatedAt ?? '');
}

/**
 * The tasks of the current spec: those whose containers carry its task template hash, and, given the container spec
 * they should run, run it (a task of a service whose image or environment was changed by hand carries the same hash).
 */
export function currentTasks(tasks: SwarmTask[], taskHash: string, container?: Dockerode.ContainerSpec): SwarmTask[] {
  return tasks.filter((t) => t.Spec?.ContainerSpec?.Labels?.[BERTH_TASK_HASH] === taskHash && (!container || !containerDrift(container, t.Spec.ContainerSpec)));
}

/** `stack_web.1` as the docker CLI names a task (the node's id for a global service's task). */
export function taskName(service: SwarmService, task: SwarmTask): string {
  return `${service.Spec?.Name ?? service.ID}.${task.Slot ?? task.NodeID ?? task.ID.slice(0, 12)}`;
}

/** Whether a task has ended (for failure checks before a wait; history is not this deployment's failure). */
export function taskEnded(task: SwarmTask): boolean {
  return ENDED_SERVICE.has(task.Status.State);
}

/** A task's own error, or its state and message. */
export function taskError(task: SwarmTask): string {
  const exit = task.Status.ContainerStatus?.ExitCode;
  return task.Status.Err ?? `${task.Status.State === 'complete' ? 'its container exited' : task.Status.State}${task.Status.Message && task.Status.Message !== 'finished' ? `: ${task.Status.Message}` : ''}${exit !== undefined && task.Status.State !== 'rejected' ? ` (exit ${exit})` : ''}`;
}
