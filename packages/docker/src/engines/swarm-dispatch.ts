import { BerthError, deployReplicas, type BerthSpec } from '@berth/spec';
import type { ServiceStatus } from '../container-status.js';
import { down, type DownOptions, type DownResult } from '../ops/down.js';
import type { LogLine } from '../ops/logs.js';
import { missingServices } from '../ops/status.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import { deployStack, type SwarmPhase } from '../swarm/deploy-stack.js';
import { removeStack, type StackRemoval } from '../swarm/remove-stack.js';
import { SwarmApi } from '../swarm/swarm-api.js';
import { isEngineAnswer } from '../engine/engine-errors.js';
import { BERTH_MANAGED, STACK_NAMESPACE } from '../labels.js';
import { stackLogs } from '../swarm/stack-logs.js';
import { stackStatus, type StackServiceStatus } from '../swarm/stack-status.js';
import type { UpPhase } from '../up/apply.js';
import type { PlanAction } from '../up/plan.js';
import type { UpOptions, UpResult } from '../up/up.js';
import type { CrossEngineWaits } from './cross-engine-waits.js';
import type { SpecEngine } from './engine-set.js';

/*
 * The one place where a command meets an engine with `mode: swarm`: there the services placed on it are
 * the services of one swarm stack (the project's name), deployed, read, followed and removed through
 * packages/docker/src/swarm, and answered in the shapes the container commands answer in.
 */

const PHASE: Record<SwarmPhase, UpPhase> = { creating: 'creating', updating: 'recreating', unchanged: 'kept', waiting: 'waiting', ready: 'healthy', running: 'running', failed: 'failed' };
const ACTION: Record<'create' | 'update' | 'unchanged', { action: PlanAction; reason: string }> = {
  create: { action: 'create', reason: 'a new swarm service' },
  update: { action: 'recreate', reason: 'swarm service updated' },
  unchanged: { action: 'keep', reason: 'up to date' },
};

/** `berth up` of the services placed on a swarm engine: one stack, ordered by dependsOn, waited for until its tasks run healthy. */
export async function upOnSwarm(e: SpecEngine, spec: BerthSpec, placed: string[], options: UpOptions, waits?: CrossEngineWaits): Promise<UpResult> {
  const env = options.env ?? process.env;
  const selection = resolveProfiles(spec, { profiles: options.profiles, services: options.services, env });
  const mine = new Set(placed);
  // what a service of another engine depends on is waited for, --no-wait or not: a dependency's condition always holds
  const awaited = [...new Set(selection.services.filter((s) => !mine.has(s)).flatMap((s) => Object.keys(spec.services[s]?.dependsOn ?? {})).filter((d) => mine.has(d)))];
  // A service elsewhere that waits for one of these goes on once its tasks run (healthy, with a healthcheck): not once the whole stack does.
  const offer = (service: string) => waits?.offer(service, async () => undefined);
  const result = await deployStack(e.engine, spec, { ...selection, services: selection.services.filter((s) => mine.has(s)) }, {
    env,
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.wait === false ? { wait: false } : {}),
    ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
    ...(awaited.length ? { awaited } : {}),
    onEvent: (ev) => {
      if (ev.phase === 'ready' || ev.phase === 'running') offer(ev.service);
      options.onEvent?.({ service: ev.service, phase: PHASE[ev.phase], ...(ev.detail ? { detail: ev.detail } : {}) });
    },
  });
  // the rest once deployStack returns (those nothing here waited for)
  for (const change of result.services) offer(change.service);
  return {
    project: result.stack,
    profiles: selection.profiles,
    services: result.services.map((s) => s.service),
    elsewhere: selection.elsewhere,
    // a swarm does not build: its nodes pull the images
    builds: [],
    dryRun: result.dryRun,
    warnings: result.warnings,
    plan: {
      steps: result.services.map((s) => ({ service: s.service, ...ACTION[s.action], ...(s.reason ? { reason: s.reason } : {}), container: { id: '', name: s.name } })),
      orphans: result.orphans.map((name) => ({ id: '', name, service: name.slice(result.stack.length + 1) })),
    },
  };
}

/** The engine names of what the spec declares external (as Compose names it, and as berth up refers to it): `down` never removes it. */
function externalNames(spec: BerthSpec, stack: string): string[] {
  const kinds = [spec.volumes, spec.networks, spec.secrets, spec.configs] as Record<string, { external?: boolean; name?: string } | undefined>[];
  return kinds.flatMap((declared) => Object.entries(declared).flatMap(([key, v]) => (v?.external ? [v.name ?? key, `${stack}_${key}`] : [])));
}

/** removeStack's options for `berth down`. */
function removal(spec: BerthSpec, stack: string, options: DownOptions) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLockWait ? { onLockWait: options.onLockWait } : {}),
    ...(options.volumes ? { volumes: true } : {}),
    keepExternal: externalNames(spec, stack),
  };
}

/** A stack's removal in `down`'s shape (its services as the removed "containers"). */
function stackRemoved(stack: string, removed: StackRemoval): DownResult {
  return {
    project: stack,
    removedContainers: removed.services.map((name) => ({ name, service: name.slice(stack.length + 1) })),
    removedNetworks: removed.networks,
    removedVolumes: removed.volumes,
    removedSecrets: removed.secrets,
    removedConfigs: removed.configs,
    kept: removed.kept,
    removedImages: [],
    keptImages: [],
  };
}

/** Two removals of one engine as one: the stack's and the plain containers'. */
function bothRemoved(a: DownResult, b: DownResult): DownResult {
  return {
    project: a.project,
    removedContainers: [...a.removedContainers, ...b.removedContainers],
    removedNetworks: [...a.removedNetworks, ...b.removedNetworks],
    removedVolumes: [...a.removedVolumes, ...b.removedVolumes],
    removedSecrets: [...(a.removedSecrets ?? []), ...(b.removedSecrets ?? [])],
    removedConfigs: [...(a.removedConfigs ?? []), ...(b.removedConfigs ?? [])],
    kept: [...(a.kept ?? []), ...(b.kept ?? [])],
    removedImages: [...a.removedImages, ...b.removedImages],
    keptImages: [...a.keptImages, ...b.keptImages],
  };
}

/**
 * `berth down` on a swarm engine: the stack's services, then its networks, secrets and configs (its volumes on this
 * node with `volumes`); then the project's plain containers there, left from when the engine ran them as
 * containers (before its `mode: swarm`), which a stack's removal does not see.
 */
export async function downOnSwarm(e: SpecEngine, spec: BerthSpec, options: DownOptions): Promise<DownResult> {
  const stack = projectName(spec, options.env ?? process.env);
  const removed = await removeStack(e.engine, stack, removal(spec, stack, options));
  const { rmi: _rmi, ...plain } = options;
  return bothRemoved(stackRemoved(stack, removed), await down(e.engine, spec, plain));
}

/**
 * `berth down` on an engine that runs containers: the project's containers, then, on a swarm manager, the stack
 * berth deployed there for the project when the engine had `mode: swarm` (its services carry berth's label), which
 * the containers' removal does not see and nothing else would take down.
 */
export async function downOnContainers(e: SpecEngine, spec: BerthSpec, options: DownOptions): Promise<DownResult> {
  const result = await down(e.engine, spec, options);
  if (options.services?.length) return result;
  const stack = projectName(spec, options.env ?? process.env);
  const swarm = new SwarmApi(e.engine.api.withSignal(options.signal));
  // an engine in no swarm (or a worker) answers 503: it holds no stack
  const leftover = await swarm.services({ label: [`${STACK_NAMESPACE}=${stack}`, `${BERTH_MANAGED}=true`] }).catch((err: unknown) => {
    if (isEngineAnswer(err) && [503, 406].includes((err as { statusCode: number }).statusCode)) return [];
    throw err;
  });
  if (!leftover.length) return result;
  const removed = await removeStack(e.engine, stack, removal(spec, stack, options));
  return bothRemoved(result, stackRemoved(stack, removed));
}

/**
 * One swarm service as `berth status` shows a container: running when every desired task runs, with its tasks per node,
 * and `tasks.problem` when fewer run than it wants and that will not mend with time: its tasks keep failing, or one
 * cannot be placed (no suitable node). A service with a problem is not healthy, nor starting. A service the swarm runs
 * no task of and wants none is `created` (it is there, `0/0 tasks`): a replicated one is parked when `replicas` (the
 * tasks the spec asks for, deployReplicas) is 0 too, and was scaled down by hand, a problem, when the spec asks for
 * more; a global one wants none because no node fits it, a problem.
 */
export function asServiceStatus(s: StackServiceStatus, replicas?: number): ServiceStatus {
  const idle = s.mode !== 'job' && s.desired === 0 && s.running === 0;
  // Tasks that keep failing are what a container's restart loop is; health is said only of tasks that run a healthcheck, as for containers.
  const state: ServiceStatus['state'] = s.failing ? 'restarting' : s.running > 0 ? 'running' : s.desired > 0 || idle ? 'created' : 'missing';
  const problem = s.failing ?? s.unplaced ?? (idle ? idleProblem(s, replicas) : undefined);
  return {
    service: s.service,
    container: s.name,
    state,
    ...(s.healthcheck && s.desired > 0 && !problem ? { health: s.running >= s.desired ? 'healthy' : 'starting' } : {}),
    ports: s.ports.map((p) => ({ host: p.published, container: p.target, protocol: p.protocol })),
    ...(s.image ? { image: s.image.replace(/@sha256:[0-9a-f]+$/, '') } : {}),
    tasks: { desired: s.desired, running: s.running, nodes: s.nodes.map((n) => ({ node: n.hostname || n.node, desired: n.desired, running: n.running })), ...(problem ? { problem } : {}) },
  };
}

/** Why a service the swarm wants no task of is not as it should be; undefined when the spec parks it at 0 replicas. */
function idleProblem(s: StackServiceStatus, replicas: number | undefined): string | undefined {
  if (s.mode === 'global') return 'no node of the swarm fits it (mode: global): none matches its placement constraints and reservations';
  return replicas ? `scaled to 0 by hand (the spec says ${replicas}): berth up scales it back` : undefined;
}

/** `berth status` on a swarm engine: the stack's services, and the placed services it has none for ("missing"). */
export async function statusOnSwarm(e: SpecEngine, spec: BerthSpec, placed: string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ServiceStatus[]> {
  const stack = projectName(spec, options.env ?? process.env);
  const status = await stackStatus(e.engine, stack, options.signal ? { signal: options.signal } : {});
  const missing = missingServices(spec, new Set(status.services.map((s) => s.service)), { env: options.env ?? process.env, placed });
  // a service of the stack the spec no longer has asks for nothing
  const replicas = (service: string) => (spec.services[service] ? deployReplicas(spec.services[service].deploy) : undefined);
  return [...status.services.map((s) => asServiceStatus(s, replicas(s.service))), ...missing];
}

/** `berth logs` on a swarm engine: the stack's service logs, every task's lines. */
export function logsOnSwarm(e: SpecEngine, spec: BerthSpec, options: { services?: string[]; follow?: boolean; tail?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv; onLine: (l: LogLine) => void }): Promise<void> {
  const { env, ...rest } = options;
  return stackLogs(e.engine, projectName(spec, env ?? process.env), rest);
}

/** `berth restart` does not roll swarm services; it says so and what does. */
export function restartOnSwarm(e: SpecEngine, spec: BerthSpec, env: NodeJS.ProcessEnv = process.env): BerthError {
  return new BerthError('ERR_BERTH_SWARM_UNSUPPORTED', `engine "${e.name}" has mode: swarm, and berth restart does not roll swarm services`, {
    hint: `docker service update --force ${projectName(spec, env)}_SERVICE restarts one service's tasks; berth up applies a changed spec`,
  });
}
