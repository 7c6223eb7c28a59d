import { BerthError } from '@berth/spec';
import type Dockerode from 'dockerode';
import { sleep } from '../engine/wait-for.js';
import { commandScope } from '../engine/command-scope.js';
import type { Engine } from '../engine/connect.js';
import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, engineRefused, isAbort, isEngineAnswer } from '../engine/engine-errors.js';
import { BERTH_MANAGED, STACK_NAMESPACE } from '../labels.js';
import type { KeptObject } from '../ops/down.js';
import { withProjectLock, type LockHolder } from '../ops/project-lock.js';
import { SwarmApi, type SwarmObjectKind, type SwarmService } from './swarm-api.js';
import { requireManager } from './swarm-preflight.js';

export interface StackRemoval {
  stack: string;
  services: string[];
  networks: string[];
  secrets: string[];
  configs: string[];
  /** With `volumes`: the stack's named volumes removed from this engine's node. */
  volumes: string[];
  /** What carries the stack's label but another service (of another stack) still uses: left in place, and why. */
  kept: KeptObject[];
}

export interface RemoveStackOptions {
  signal?: AbortSignal;
  /** The deadline of the whole removal (default 120 s). */
  timeoutMs?: number;
  onLockWait?: (holder: LockHolder) => void;
  /** Also remove the stack's named volumes on this engine's node (`berth down -v`). */
  volumes?: boolean;
  /** Engine names of networks, secrets, configs and volumes the spec declares external: never removed, whoever made them. */
  keepExternal?: string[];
  /**
   * How long a network, secret, config or volume that no remaining service uses may be refused as in use (tasks
   * letting go of it, a container of another tool attached) before it is kept, with the engine's reason (default 15 s).
   */
  inUseGraceMs?: number;
}

const gone = (err: unknown) => isEngineAnswer(err) && (err as { statusCode: number }).statusCode === 404;

/** Polls `done` until it holds (the caller's deadline bounds it through `signal`). */
async function until(done: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  for (let wait = 100; !(await done()); wait = Math.min(wait * 2, 1000)) await sleep(wait, signal);
}

/**
 * Removes `remove` until it succeeds or the thing is gone: the engine refuses a network, secret,
 * config or volume while a task of a removed service still holds it ("in use", "active endpoints"), for the
 * moment the tasks take to shut down. Still refused after `graceMs`: something else holds it, and the
 * engine's reason is returned (the thing is kept) rather than waited on until the deadline.
 */
async function removeWhenFree(remove: () => Promise<unknown>, signal: AbortSignal, graceMs: number): Promise<string | undefined> {
  const until = Date.now() + graceMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    try {
      await remove();
      return undefined;
    } catch (err) {
      if (gone(err)) return undefined;
      if (!isEngineAnswer(err) || !/in use|active endpoints|is being used/i.test(engineMessage(err))) throw err;
      if (Date.now() + wait > until) return engineMessage(err);
    }
    await sleep(wait, signal);
  }
}

/**
 * `down` for a stack: its services, then, once their tasks have let go, its networks, secrets and
 * configs (and, with `volumes`, its named volumes on this node): everything that carries the stack's label
 * (external ones do not). Named volumes stay otherwise, as with `docker stack rm`. One that a service of
 * another stack uses (a network or secret given the same engine-side `name:` in two projects) is kept and
 * said (`kept`), never waited on. Idempotent; within `timeoutMs` (default 120 s); `signal` stops it at once.
 */
export async function removeStack(engine: Engine, stack: string, options: RemoveStackOptions = {}): Promise<StackRemoval> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const scope = commandScope(options.signal, timeoutMs);
  const api = engine.api.withSignal(scope.signal);
  const swarm = new SwarmApi(api);
  try {
    await requireManager(swarm, engine.endpoint);
    return await withProjectLock(engine.endpoint, stack, 'berth down (swarm)', () => removeAll(api, swarm, stack, scope.signal, options), {
      timeoutMs: scope.deadline - Date.now(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    });
  } catch (err) {
    if (isAbort(err) && scope.expired()) throw new BerthError('ERR_BERTH_TIMEOUT', `removing stack ${stack} ran out of time (${timeoutMs / 1000} s)`, { hint: 'run berth down again: it removes what is left' });
    throw engineRefused(err, `the removal of stack ${stack}`);
  }
}

/** The services (of other stacks, or none) that still use a thing: `in use by service other_api`, or undefined. */
function usedBy(others: SwarmService[], uses: (task: Dockerode.ContainerTaskSpec, s: SwarmService) => boolean): string | undefined {
  const names = others.filter((s) => uses((s.Spec?.TaskTemplate ?? {}) as Dockerode.ContainerTaskSpec, s)).map((s) => s.Spec?.Name ?? s.ID).sort();
  return names.length ? `in use by service${names.length > 1 ? 's' : ''} ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}` : undefined;
}

/** The networks (ids or names), secrets and configs (ids) the removed services' tasks used. */
function usedByRemoved(services: SwarmService[]): { networks: Set<string>; secrets: Set<string>; configs: Set<string> } {
  const tasks = services.map((s) => (s.Spec?.TaskTemplate ?? {}) as Dockerode.ContainerTaskSpec);
  return {
    networks: new Set(tasks.flatMap((t) => (t.Networks ?? []).map((n) => n.Target ?? ''))),
    secrets: new Set(tasks.flatMap((t) => (t.ContainerSpec?.Secrets ?? []).map((x) => x.SecretID ?? ''))),
    configs: new Set(tasks.flatMap((t) => (t.ContainerSpec?.Configs ?? []).map((x) => x.ConfigID ?? ''))),
  };
}

async function removeAll(api: EngineApi, swarm: SwarmApi, stack: string, signal: AbortSignal, options: RemoveStackOptions): Promise<StackRemoval> {
  const filters = { label: [`${STACK_NAMESPACE}=${stack}`] };
  const services = await swarm.services(filters);
  await Promise.all(services.map((s) => swarm.removeService(s.ID).catch((err: unknown) => (gone(err) ? undefined : Promise.reject(err)))));
  // As `down` does for containers: done once the services' tasks (and so their containers) are gone.
  // (Listed unfiltered: the engine refuses a filter naming a service it has removed.)
  const removedIds = new Set(services.map((s) => s.ID));
  if (services.length) await until(async () => !(await swarm.tasks({})).some((t) => removedIds.has(t.ServiceID)), signal);
  // This node's agent removes their containers a moment later; other nodes' agents do the same on theirs.
  if (services.length) await until(async () => !(await api.listContainers({ all: true, filters: { label: [`${STACK_NAMESPACE}=${stack}`] } })).some((c) => removedIds.has(c.Labels?.['com.docker.swarm.service.id'] ?? '')), signal);
  // The stack's own, and what its services used that another stack's berth made and kept for them (a `name:` two
  // projects share, left by the other's down while these used it): the last stack to use it removes it.
  const used = usedByRemoved(services);
  const external = new Set(options.keepExternal ?? []);
  const sharedIn = (labels: Record<string, string> | undefined) => labels?.[BERTH_MANAGED] === 'true' && !!labels[STACK_NAMESPACE];
  const sharedNetwork = (n: Dockerode.NetworkInspectInfo) => n.Scope === 'swarm' && (used.networks.has(n.Id) || used.networks.has(n.Name)) && sharedIn(n.Labels);
  const networks = (await api.listNetworks({})).filter((n) => (n.Labels?.[STACK_NAMESPACE] === stack || sharedNetwork(n)) && !external.has(n.Name));
  const objects = async (kind: SwarmObjectKind) =>
    (await swarm.list(kind, {})).filter((o) => (o.Spec?.Labels?.[STACK_NAMESPACE] === stack || (used[kind].has(o.ID) && sharedIn(o.Spec?.Labels))) && !external.has(o.Spec?.Name ?? ''));
  const [secrets, configs, volumes, others] = await Promise.all([
    objects('secrets'),
    objects('configs'),
    options.volumes ? api.listVolumes({ filters }).then((r) => (r.Volumes ?? []).filter((v) => !external.has(v.Name))) : Promise.resolve([]),
    // what the services of other stacks use stays: a name two projects share is not this stack's alone
    swarm.services({}).then((all) => all.filter((s) => !removedIds.has(s.ID))),
  ]);
  const kept: KeptObject[] = [];
  const graceMs = options.inUseGraceMs ?? 15_000;
  const removeUnlessUsed = async (kind: KeptObject['kind'], name: string, user: string | undefined, remove: () => Promise<unknown>): Promise<boolean> => {
    const why = user ?? (await removeWhenFree(remove, signal, graceMs));
    if (why) kept.push({ kind, name, why });
    return !why;
  };
  const [removedNetworks, removedSecrets, removedConfigs, removedVolumes] = await Promise.all([
    Promise.all(networks.map((n) => removeUnlessUsed('network', n.Name, usedBy(others, (t, s) => !!t.Networks?.some((x) => x.Target === n.Id || x.Target === n.Name) || !!s.Endpoint?.VirtualIPs?.some((v) => v.NetworkID === n.Id)), () => api.getNetwork(n.Id).remove()))),
    Promise.all(secrets.map((x) => removeUnlessUsed('secret', x.Spec?.Name ?? x.ID, usedBy(others, (t) => !!t.ContainerSpec?.Secrets?.some((r) => r.SecretID === x.ID)), () => swarm.remove('secrets', x.ID)))),
    Promise.all(configs.map((x) => removeUnlessUsed('config', x.Spec?.Name ?? x.ID, usedBy(others, (t) => !!t.ContainerSpec?.Configs?.some((r) => r.ConfigID === x.ID)), () => swarm.remove('configs', x.ID)))),
    Promise.all(volumes.map((v) => removeUnlessUsed('volume', v.Name, usedBy(others, (t) => !!t.ContainerSpec?.Mounts?.some((m) => m.Type === 'volume' && m.Source === v.Name)), () => api.getVolume(v.Name).remove()))),
  ]);
  const removed = <T>(all: T[], done: boolean[]) => all.filter((_, i) => done[i]);
  const networksGone = removed(networks, removedNetworks);
  // A manager lists a removed overlay network for a moment longer.
  if (networksGone.length) await until(async () => !(await api.listNetworks({ filters })).some((n) => networksGone.some((r) => r.Id === n.Id)), signal);
  return {
    stack,
    services: services.map((s) => s.Spec?.Name ?? s.ID).sort(),
    networks: networksGone.map((n) => n.Name).sort(),
    secrets: removed(secrets, removedSecrets).map((s) => s.Spec?.Name ?? s.ID).sort(),
    configs: removed(configs, removedConfigs).map((c) => c.Spec?.Name ?? c.ID).sort(),
    volumes: removed(volumes, removedVolumes).map((v) => v.Name).sort(),
    kept: kept.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
  };
}
