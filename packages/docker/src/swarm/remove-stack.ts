import { BerthError } from '@berth/spec';
import { sleep } from '../engine/wait-for.js';
import { commandScope } from '../engine/command-scope.js';
import type { Engine } from '../engine/connect.js';
import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, engineRefused, isAbort, isEngineAnswer } from '../engine/engine-errors.js';
import { STACK_NAMESPACE } from '../labels.js';
import { withProjectLock, type LockHolder } from '../ops/project-lock.js';
import { SwarmApi, type SwarmObjectKind } from './swarm-api.js';
import { requireManager } from './swarm-preflight.js';

export interface StackRemoval {
  stack: string;
  services: string[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

const gone = (err: unknown) => isEngineAnswer(err) && (err as { statusCode: number }).statusCode === 404;

/** Polls `done` until it holds (the caller's deadline bounds it through `signal`). */
async function until(done: () => Promise<boolean>, signal: AbortSignal): Promise<void> {
  for (let wait = 100; !(await done()); wait = Math.min(wait * 2, 1000)) await sleep(wait, signal);
}

/**
 * Removes `remove` until it succeeds or the thing is gone: the engine refuses a network, secret or
 * config while a task of a removed service still holds it ("in use", "active endpoints"), for the
 * moment the tasks take to shut down.
 */
async function removeWhenFree(remove: () => Promise<unknown>, signal: AbortSignal): Promise<void> {
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    try {
      await remove();
      return;
    } catch (err) {
      if (gone(err)) return;
      if (!isEngineAnswer(err) || !/in use|active endpoints|is being used/i.test(engineMessage(err))) throw err;
    }
    await sleep(wait, signal);
  }
}

/**
 * `down` for a stack: its services, then, once their tasks have let go, its networks, secrets and
 * configs: everything that carries the stack's label (external ones do not). Named volumes stay, as
 * with `docker stack rm`. Idempotent; within `timeoutMs` (default 120 s); `signal` stops it at once.
 */
export async function removeStack(
  engine: Engine,
  stack: string,
  options: { signal?: AbortSignal; timeoutMs?: number; onLockWait?: (holder: LockHolder) => void } = {},
): Promise<StackRemoval> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const scope = commandScope(options.signal, timeoutMs);
  const api = engine.api.withSignal(scope.signal);
  const swarm = new SwarmApi(api);
  try {
    await requireManager(swarm, engine.endpoint);
    return await withProjectLock(engine.endpoint, stack, 'berth down (swarm)', () => removeAll(api, swarm, stack, scope.signal), {
      timeoutMs: scope.deadline - Date.now(),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    });
  } catch (err) {
    if (isAbort(err) && scope.expired()) throw new BerthError('ERR_BERTH_TIMEOUT', `removing stack ${stack} ran out of time (${timeoutMs / 1000} s)`, { hint: 'run berth down again: it removes what is left' });
    throw engineRefused(err, `the removal of stack ${stack}`);
  }
}

async function removeAll(api: EngineApi, swarm: SwarmApi, stack: string, signal: AbortSignal): Promise<StackRemoval> {
  const filters = { label: [`${STACK_NAMESPACE}=${stack}`] };
  const services = await swarm.services(filters);
  await Promise.all(services.map((s) => swarm.removeService(s.ID).catch((err: unknown) => (gone(err) ? undefined : Promise.reject(err)))));
  // As `down` does for containers: done once the services' tasks (and so their containers) are gone.
  // (Listed unfiltered: the engine refuses a filter naming a service it has removed.)
  const removedIds = new Set(services.map((s) => s.ID));
  if (services.length) await until(async () => !(await swarm.tasks({})).some((t) => removedIds.has(t.ServiceID)), signal);
  // This node's agent removes their containers a moment later; other nodes' agents do the same on theirs.
  if (services.length) await until(async () => !(await api.listContainers({ all: true, filters: { label: [`${STACK_NAMESPACE}=${stack}`] } })).some((c) => removedIds.has(c.Labels?.['com.docker.swarm.service.id'] ?? '')), signal);
  const networks = (await api.listNetworks({ filters })).filter((n) => n.Labels?.[STACK_NAMESPACE] === stack);
  const objects = async (kind: SwarmObjectKind) => (await swarm.list(kind, filters)).filter((o) => o.Spec?.Labels?.[STACK_NAMESPACE] === stack);
  const [secrets, configs] = await Promise.all([objects('secrets'), objects('configs')]);
  await Promise.all([
    ...networks.map((n) => removeWhenFree(() => api.getNetwork(n.Id).remove(), signal)),
    ...secrets.map((s) => removeWhenFree(() => swarm.remove('secrets', s.ID), signal)),
    ...configs.map((c) => removeWhenFree(() => swarm.remove('configs', c.ID), signal)),
  ]);
  // A manager lists a removed overlay network for a moment longer.
  if (networks.length) await until(async () => !(await api.listNetworks({ filters })).some((n) => networks.some((r) => r.Id === n.Id)), signal);
  return {
    stack,
    services: services.map((s) => s.Spec?.Name ?? s.ID).sort(),
    networks: networks.map((n) => n.Name).sort(),
    secrets: secrets.map((s) => s.Spec?.Name ?? s.ID).sort(),
    configs: configs.map((c) => c.Spec?.Name ?? c.ID).sort(),
  };
}
