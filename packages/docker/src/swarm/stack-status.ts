import type Dockerode from 'dockerode';
import type { Engine } from '../engine/connect.js';
import { SwarmApi, type SwarmNode, type SwarmService, type SwarmTask } from './swarm-api.js';
import { requireManager } from './swarm-preflight.js';
import { hasHealthcheck } from './desired-service.js';
import { currentTasks, taskEnded, taskError, taskName, UNPLACED } from './task-verdict.js';
import { BERTH_TASK_HASH, STACK_NAMESPACE } from '../labels.js';

export interface StackTaskStatus {
  /** `stack_web.1` */
  name: string;
  id: string;
  state: string;
  desiredState: string;
  error?: string;
  since?: string;
}

export interface StackNodeStatus {
  node: string;
  hostname: string;
  /** Tasks meant to run there, and those running (healthy, when the service has a healthcheck). */
  desired: number;
  running: number;
  tasks: StackTaskStatus[];
}

export interface StackServiceStatus {
  /** The spec's key (the name without the stack's prefix). */
  service: string;
  /** `<stack>_<service>` */
  name: string;
  id: string;
  image?: string;
  mode: 'replicated' | 'global' | 'job';
  desired: number;
  running: number;
  /** A rolling update in progress or stopped (updating, paused, rollback_...). */
  update?: string;
  ports: { published: number; target: number; protocol: string; mode: string }[];
  nodes: StackNodeStatus[];
  /** Whether its tasks run a healthcheck (then a running task is a healthy one). */
  healthcheck: boolean;
  /** The error of the newest task of the current spec that failed, while fewer tasks run than it wants: its tasks keep failing. */
  failing?: string;
  /**
   * The scheduler's error for a task of the current spec it cannot place (`pending: no suitable node (...)`), while fewer
   * tasks run than it wants: that task waits until the swarm changes (a node joins, a port is freed), not for time.
   */
  unplaced?: string;
}

export interface StackStatus {
  stack: string;
  services: StackServiceStatus[];
}

function modeOf(s: SwarmService): StackServiceStatus['mode'] {
  const m = s.Spec?.Mode;
  return m?.Global ? 'global' : m?.ReplicatedJob || m?.GlobalJob ? 'job' : 'replicated';
}

function perNode(tasks: SwarmTask[], nodes: SwarmNode[], service: SwarmService): StackNodeStatus[] {
  const out = new Map<string, StackNodeStatus>();
  // The current tasks (meant to run) and the latest ended one per slot, as docker stack ps shows them first.
  const shown = tasks.filter((t) => t.DesiredState === 'running' || t.Status.State === 'running');
  for (const t of shown) {
    const id = t.NodeID ?? '';
    const node = nodes.find((n) => n.ID === id);
    const entry = out.get(id) ?? { node: id, hostname: node?.Description?.Hostname ?? (id ? id.slice(0, 12) : '(unassigned)'), desired: 0, running: 0, tasks: [] };
    if (t.DesiredState === 'running') entry.desired++;
    if (t.DesiredState === 'running' && t.Status.State === 'running') entry.running++;
    const failing = t.Status.Err || ['failed', 'rejected'].includes(t.Status.State);
    entry.tasks.push({ name: taskName(service, t), id: t.ID, state: t.Status.State, desiredState: t.DesiredState, ...(failing ? { error: taskError(t) } : {}), ...(t.Status.Timestamp ? { since: t.Status.Timestamp } : {}) });
    out.set(id, entry);
  }
  return [...out.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/**
 * Why the service's tasks keep failing, when they do: fewer run than it wants, and a task of its current spec (the task
 * template berth deployed, not an earlier one) has ended in failure since. Undefined while it is only starting.
 */
export function failingTasks(service: SwarmService, tasks: SwarmTask[], desired: number, running: number): string | undefined {
  if (running >= desired) return undefined;
  const container = (service.Spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined)?.ContainerSpec;
  const hash = container?.Labels?.[BERTH_TASK_HASH];
  const current = hash ? currentTasks(tasks, hash, container) : tasks;
  const job = !!(service.Spec?.Mode?.ReplicatedJob || service.Spec?.Mode?.GlobalJob);
  const failed = current.filter((t) => taskEnded(t) && !(job && t.Status.State === 'complete'));
  const newest = failed.sort((a, b) => Date.parse(b.Status.Timestamp ?? '') - Date.parse(a.Status.Timestamp ?? ''))[0];
  return newest ? taskError(newest) : undefined;
}

/**
 * Why a task of the service cannot be placed, when fewer tasks run than it wants and one of its current spec is still
 * unplaced with a scheduler error (`no suitable node (host-mode port already in use on 1 node)`): its state and that error.
 */
export function unplacedTasks(service: SwarmService, tasks: SwarmTask[], desired: number, running: number): string | undefined {
  if (running >= desired) return undefined;
  const container = (service.Spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined)?.ContainerSpec;
  const hash = container?.Labels?.[BERTH_TASK_HASH];
  const stuck = (hash ? currentTasks(tasks, hash, container) : tasks).find((t) => t.DesiredState === 'running' && UNPLACED.has(t.Status.State) && t.Status.Err);
  return stuck ? `${taskName(service, stuck)} ${stuck.Status.State}: ${stuck.Status.Err}` : undefined;
}

/**
 * The stack's services as the swarm sees them: desired and running tasks in all and per node (a task
 * with a healthcheck runs once it is healthy), ports, a rolling update in progress. Needs a manager.
 */
export async function stackStatus(engine: Engine, stack: string, options: { signal?: AbortSignal } = {}): Promise<StackStatus> {
  const swarm = new SwarmApi(engine.api.withSignal(options.signal));
  await requireManager(swarm, engine.endpoint);
  const services = await swarm.services({ label: [`${STACK_NAMESPACE}=${stack}`] });
  const [tasks, nodes] = services.length ? await Promise.all([swarm.tasks({ service: services.map((s) => s.ID) }), swarm.nodes()]) : [[], []];
  const prefix = `${stack}_`;
  return {
    stack,
    services: services
      .map((s): StackServiceStatus => {
        const name = s.Spec?.Name ?? s.ID;
        const own = tasks.filter((t) => t.ServiceID === s.ID);
        const update = s.UpdateStatus?.State && s.UpdateStatus.State !== 'completed' ? s.UpdateStatus.State : undefined;
        const desired = s.ServiceStatus?.DesiredTasks ?? own.filter((t) => t.DesiredState === 'running').length;
        const running = s.ServiceStatus?.RunningTasks ?? own.filter((t) => t.Status.State === 'running').length;
        const failing = failingTasks(s, own, desired, running);
        const unplaced = failing ? undefined : unplacedTasks(s, own, desired, running);
        return {
          service: name.startsWith(prefix) ? name.slice(prefix.length) : name,
          name,
          id: s.ID,
          ...((s.Spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined)?.ContainerSpec?.Image ? { image: (s.Spec!.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec!.Image! } : {}),
          mode: modeOf(s),
          desired,
          running,
          ...(update ? { update } : {}),
          ports: (s.Endpoint?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? []).map((p) => ({ published: p.PublishedPort ?? 0, target: p.TargetPort ?? 0, protocol: p.Protocol ?? 'tcp', mode: p.PublishMode ?? 'ingress' })),
          nodes: perNode(own, nodes, s),
          healthcheck: hasHealthcheck((s.Spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined)?.ContainerSpec),
          ...(failing ? { failing } : {}),
          ...(unplaced ? { unplaced } : {}),
        };
      })
      .sort((a, b) => a.service.localeCompare(b.service)),
  };
}
