import { BerthError } from '@berth/spec';
import type Dockerode from 'dockerode';
import { sleep } from '../engine/wait-for.js';
import { abortError } from '../engine/engine-errors.js';
import { currentHealth, lastJudgedCheck, type HealthLogEntry, type InspectState } from '../engine/health-state.js';
import { STABLE_MS } from '../up/apply.js';
import type { DesiredSwarmService } from './desired-service.js';
import type { SwarmApi, SwarmTask } from './swarm-api.js';
import { currentTasks, serviceVerdict, taskEnded, taskName } from './task-verdict.js';

export interface WaitOptions {
  deadline: number;
  signal: AbortSignal;
  unplacedGraceMs: number;
  pollMs: number;
  onWaiting?: (detail: string) => void;
}

/** `on node <hostname>`, when the task has one. */
async function whereRan(swarm: SwarmApi, task: SwarmTask): Promise<string> {
  if (!task.NodeID) return '';
  const node = (await swarm.nodes().catch(() => [])).find((n) => n.ID === task.NodeID);
  return ` on node ${node?.Description?.Hostname ?? task.NodeID.slice(0, 12)}`;
}

/**
 * Why the task's container was stopped, when the engine here ran it and judged it unhealthy: `;
 * unhealthy, its healthcheck said: ...`. A container on another node cannot be read from here.
 */
async function healthVerdict(swarm: SwarmApi, task: SwarmTask): Promise<string> {
  const id = task.Status.ContainerStatus?.ContainerID;
  if (!id) return '';
  const inspect = await swarm.api.getContainer(id).inspect().catch(() => undefined);
  const state = inspect?.State as { Running?: boolean; Health?: { Status?: string; FailingStreak?: number; Log?: HealthLogEntry[] } } | undefined;
  const health = state?.Health;
  const failing = health?.FailingStreak ?? 0;
  if (!health || (health.Status !== 'unhealthy' && failing === 0)) return '';
  const last = lastJudgedCheck(health.Log, state?.Running ?? false);
  const said = last ? `; its last check exited ${last.ExitCode}${last.Output.trim() ? `: ${last.Output.trim().split('\n')[0]!.slice(0, 200)}` : ''}` : '';
  return `; unhealthy after ${failing} failed check${failing === 1 ? '' : 's'} in a row${said}`;
}

/**
 * Whether the tasks the manager reports running still run where this engine can see their containers, healthy when
 * the service has a healthcheck. On a loaded machine the manager's word lags: a process that exits at once can stay
 * "running" there for seconds, long enough to look stable; and a container the engine stopped as unhealthy, whose
 * process then exits 0 on SIGTERM, is reported running for a moment before its task completes. A task whose container
 * here has exited or is not healthy is forgotten (`runningSince`), so it must be seen running again (a full
 * `stableMs` without a healthcheck); a container on another node is trusted.
 */
export async function stillRunningHere(swarm: SwarmApi, tasks: SwarmTask[], taskHash: string, runningSince: Map<string, number>, healthcheck: boolean, container?: Dockerode.ContainerSpec): Promise<boolean> {
  const reported = currentTasks(tasks, taskHash, container).filter((t) => t.Status.State === 'running' && t.Status.ContainerStatus?.ContainerID);
  const here = await Promise.all(reported.map((t) => swarm.api.getContainer(t.Status.ContainerStatus!.ContainerID!).inspect().catch(() => undefined) as Promise<InspectState | undefined>));
  let all = true;
  reported.forEach((t, i) => {
    const inspect = here[i];
    if (!inspect) return; // on another node
    const health = healthcheck ? currentHealth(inspect).health : 'none';
    if (inspect.State.Running === false || (health !== 'none' && health !== 'healthy')) {
      runningSince.delete(t.ID);
      all = false;
    }
  });
  return all;
}

/**
 * Reads the service's tasks until its tasks of the current spec all run (healthy, when it has a
 * healthcheck): resolves then, or fails naming the task that failed and its error, or, at the
 * deadline, where the service stood. Tasks failed before the wait began are history.
 */
export async function waitForService(swarm: SwarmApi, d: DesiredSwarmService, options: WaitOptions): Promise<void> {
  let failedBefore: Set<string> | undefined;
  const unplacedSince = new Map<string, number>();
  const runningSince = new Map<string, number>();
  let last = '';
  for (;;) {
    if (options.signal.aborted) throw abortError(options.signal.reason);
    const [service] = (await swarm.services({ name: [d.name] })).filter((s) => s.Spec?.Name === d.name);
    if (!service) throw new BerthError('ERR_BERTH_SWARM_SERVICE_GONE', `service "${d.service}": ${d.name} was removed while berth waited for it (a berth down at the same time?)`, { hint: 'run berth up again' });
    const tasks = await swarm.tasks({ service: [service.ID] });
    failedBefore ??= new Set(tasks.filter(taskEnded).map((t) => t.ID));
    const container = (d.spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec;
    const verdict = serviceVerdict({ service, tasks, taskHash: d.taskHash, container, failedBefore, unplacedSince, runningSince, stableMs: d.hasHealthcheck ? 0 : STABLE_MS, now: Date.now(), unplacedGraceMs: options.unplacedGraceMs });
    if (verdict.state === 'ready' && (await stillRunningHere(swarm, tasks, d.taskHash, runningSince, d.hasHealthcheck, container))) return;
    if (verdict.state === 'failed') {
      // a replica left without a node because the others hold its host-mode port: more nodes, or fewer replicas, not its logs
      const portBound = d.hostPorts.length > 0 && /host-mode port/.test(verdict.reason);
      throw new BerthError('ERR_BERTH_SERVICE_FAILED', `service "${d.service}": task ${taskName(service, verdict.task)}${await whereRan(swarm, verdict.task)} failed: ${verdict.reason}${await healthVerdict(swarm, verdict.task)}`, {
        hint: portBound
          ? `each replica publishes host port ${d.hostPorts[0]!.port} on its node (host mode), so no two share a node: run as many replicas as the swarm has nodes that can take it, or publish no port`
          : `berth logs ${d.service} shows what it wrote; docker service ps ${d.name} --no-trunc its history`,
      });
    }
    const detail = verdict.state === 'ready' ? `${verdict.running}/${verdict.desired} tasks reported running, a container here ${d.hasHealthcheck ? 'exited or is not healthy' : 'exited'}` : verdict.detail;
    if (detail !== last) options.onWaiting?.(detail);
    last = detail;
    if (Date.now() + options.pollMs > options.deadline) {
      throw new BerthError('ERR_BERTH_TIMEOUT', `service "${d.service}" was not ready in time: ${detail}`, { hint: 'raise --timeout; berth status shows its tasks per node' });
    }
    await sleep(options.pollMs, options.signal);
  }
}
