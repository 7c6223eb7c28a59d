import { readFileSync } from 'node:fs';
import { BerthError, hasErrors, type BerthSpec, type Problem } from '@berth/spec';
import type Dockerode from 'dockerode';
import { commandScope, type CommandScope } from '../engine/command-scope.js';
import type { Engine } from '../engine/connect.js';
import { abortError, engineRefused, isAbort } from '../engine/engine-errors.js';
import { BERTH_CONFIG_HASH, STACK_NAMESPACE } from '../labels.js';
import { withProjectLock, type LockHolder } from '../ops/project-lock.js';
import type { ProfileSelection } from '../profiles.js';
import { projectName } from '../project-name.js';
import { projectVariables, readText } from '../up/project-vars.js';
import { desiredSwarmService, type DesiredSwarmService } from './desired-service.js';
import { ensureStackNetworks } from './stack-networks.js';
import { serviceDrift } from './service-drift.js';
import { ensureStackObjects, stackObjects, type StackObject } from './stack-objects.js';
import { SwarmApi } from './swarm-api.js';
import { requireManager, resourcePreflight } from './swarm-preflight.js';
import { waitForService } from './wait-service.js';

/** `ready`: its tasks run healthy (it has a healthcheck); `running`: they run and stayed up (it has none, so nothing says healthy). */
export type SwarmPhase = 'creating' | 'updating' | 'unchanged' | 'waiting' | 'ready' | 'running' | 'failed';

export interface SwarmEvent {
  service: string;
  phase: SwarmPhase;
  detail?: string;
}

export interface SwarmDeployOptions {
  /** Directory of berth.yaml: env files, secret and config files, the .env (default the cwd). */
  projectDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The deadline for the whole deployment, waits included (default 300 s). */
  timeoutMs?: number;
  /** Ctrl-C: nothing more is created or updated, every call and wait ends at once. */
  signal?: AbortSignal;
  /** Compare only: what would be created, updated or left. */
  dryRun?: boolean;
  /** Wait until every task runs healthy (default true); dependents always wait for their dependencies. */
  wait?: boolean;
  /** Services that a service of another engine waits for (dependsOn across engines): waited for even without `wait`. */
  awaited?: string[];
  /** How long a task may stay unplaced with an error (no suitable node) before the deployment fails (default 5 s). */
  unplacedGraceMs?: number;
  /** How often the tasks are read while waiting (default 500 ms). */
  pollMs?: number;
  onEvent?: (e: SwarmEvent) => void;
  /** Told once when another berth is working on the project and this one waits for it. */
  onLockWait?: (holder: LockHolder) => void;
}

export interface StackServiceChange {
  service: string;
  /** The swarm service's name, `<stack>_<service>`. */
  name: string;
  action: 'create' | 'update' | 'unchanged';
  /** Why an update, when the spec did not change: what was changed by hand on the swarm (see serviceDrift). */
  reason?: string;
}

export interface StackDeployResult {
  /** The stack: the project's name. */
  stack: string;
  services: StackServiceChange[];
  /** Services of the stack the spec no longer has (berth down removes them). */
  orphans: string[];
  dryRun: boolean;
  /** Compose fields a swarm ignores, changed secrets, the engine's own warnings. */
  warnings: Problem[];
}

interface Prepared {
  stack: string;
  desired: DesiredSwarmService[];
  objects: StackObject[];
  warnings: Problem[];
}

const readFile = (file: string) => {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
};

/** What the selection asks for, before anything is created: each service's ServiceSpec, the secrets' and configs' content. */
function prepare(spec: BerthSpec, selection: ProfileSelection, options: SwarmDeployOptions, apiVersion: string | undefined): Prepared {
  const env = options.env ?? process.env;
  const projectDir = options.projectDir ?? process.cwd();
  const stack = projectName(spec, env);
  const vars = projectVariables(projectDir, env);
  const problems: Problem[] = [...selection.problems];
  const desired: DesiredSwarmService[] = [];
  for (const name of selection.services) {
    const d = desiredSwarmService(name, { spec, project: stack, projectDir, vars, readText, ...(apiVersion ? { apiVersion } : {}) }, problems);
    if (d) desired.push(d);
  }
  const objects = stackObjects(spec, desired, { projectDir, vars, readFile }, problems);
  if (hasErrors(problems)) {
    throw new BerthError('ERR_BERTH_SERVICES', 'some services cannot be deployed on the swarm', { problems: problems.filter((p) => p.severity === 'error') });
  }
  return { stack, desired, objects, warnings: problems };
}

/** The ServiceSpec with the IDs of the secrets and configs it mounts. */
function withObjectIds(d: DesiredSwarmService, ids: Map<string, string>): Dockerode.ServiceSpec {
  const spec = structuredClone(d.spec);
  const container = (spec.TaskTemplate as Dockerode.ContainerTaskSpec).ContainerSpec!;
  container.Secrets = container.Secrets?.map((s) => ({ ...s, SecretID: ids.get(`secrets:${s.SecretName}`) }));
  container.Configs = container.Configs?.map((c) => ({ ...c, ConfigID: ids.get(`configs:${c.ConfigName}`) }));
  return spec;
}

/**
 * Deploys the selected services as swarm services of one stack (the project's name), the way
 * `docker stack deploy` would from `berth compose --swarm`, through the engine's API: the stack's
 * overlay networks, its secrets and configs, then each service, a changed one updated at its version
 * and an unchanged one left alone. What Swarm does not do, berth does: a service is created only once
 * its dependencies' tasks run healthy, and the deployment waits until every task does, or names the
 * task that failed and its error. Runs within `timeoutMs`; an abort of `signal` stops it at once.
 */
export async function deployStack(engine: Engine, spec: BerthSpec, selection: ProfileSelection, options: SwarmDeployOptions = {}): Promise<StackDeployResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const scope = commandScope(options.signal, timeoutMs);
  try {
    return await deployWithin(engine, spec, selection, options, scope);
  } catch (err) {
    if (isAbort(err) && scope.expired()) {
      throw new BerthError('ERR_BERTH_TIMEOUT', `the swarm deployment ran out of time (${timeoutMs / 1000} s)`, { hint: 'raise --timeout; berth status shows where each service stands' });
    }
    throw engineRefused(err, 'the swarm deployment');
  }
}

async function deployWithin(engine: Engine, spec: BerthSpec, selection: ProfileSelection, options: SwarmDeployOptions, scope: CommandScope): Promise<StackDeployResult> {
  if (scope.signal.aborted) throw abortError(scope.signal.reason);
  const api = engine.api.withSignal(scope.signal);
  const swarm = new SwarmApi(api);
  const [version] = await Promise.all([api.version(), requireManager(swarm, engine.endpoint)]);
  const prepared = prepare(spec, selection, options, version.ApiVersion);
  const { stack } = prepared;
  const run = () => converge(engine, swarm, spec, options, scope, prepared);
  if (options.dryRun) return run();
  return withProjectLock(engine.endpoint, stack, 'berth up (swarm)', run, {
    timeoutMs: scope.deadline - Date.now(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
  });
}

async function converge(engine: Engine, swarm: SwarmApi, spec: BerthSpec, options: SwarmDeployOptions, scope: CommandScope, prepared: Prepared): Promise<StackDeployResult> {
  const { stack, desired, objects, warnings } = prepared;
  const observed = await swarm.services({ label: [`${STACK_NAMESPACE}=${stack}`] });
  const byName = new Map(observed.map((s) => [s.Spec?.Name ?? '', s]));
  const services: StackServiceChange[] = desired.map((d) => {
    const found = byName.get(d.name);
    if (!found) return { service: d.service, name: d.name, action: 'create' };
    if (found.Spec?.Labels?.[BERTH_CONFIG_HASH] !== d.hash) return { service: d.service, name: d.name, action: 'update' };
    // the spec's own service, changed beside berth (docker service scale, update --image): updated back to the spec
    const drift = serviceDrift(d, found);
    return { service: d.service, name: d.name, action: drift ? 'update' : 'unchanged', ...(drift ? { reason: drift } : {}) };
  });
  const known = new Set(Object.keys(spec.services).map((s) => `${stack}_${s}`));
  const orphans = observed.map((s) => s.Spec?.Name ?? s.ID).filter((n) => !known.has(n));
  if (orphans.length) warnings.push({ code: 'orphans', severity: 'warning', message: `services of stack ${stack} not in the spec: ${orphans.join(', ')} (berth down removes them)` });
  const result: StackDeployResult = { stack, services, orphans, dryRun: !!options.dryRun, warnings };
  if (options.dryRun) return result;

  await resourcePreflight(swarm, desired);
  const api = swarm.api;
  await ensureStackNetworks(api, spec, stack, [...new Set(desired.flatMap((d) => d.networks))]);
  const ids = await ensureStackObjects(swarm, stack, objects, warnings);

  // Each service is created once its dependencies (in this selection) run healthy; the first failure stops the rest.
  const stop = new AbortController();
  const signal = AbortSignal.any([scope.signal, stop.signal]);
  const swarmNow = new SwarmApi(api.withSignal(signal));
  const emit = (service: string, phase: SwarmPhase, detail?: string) => options.onEvent?.({ service, phase, ...(detail ? { detail } : {}) });
  const ready = new Map<string, Promise<void>>();
  const selected = new Set(desired.map((d) => d.service));
  const wait = options.wait ?? true;
  const deploy = async (d: DesiredSwarmService, change: StackServiceChange) => {
    const deps = Object.keys(spec.services[d.service]?.dependsOn ?? {}).filter((dep) => selected.has(dep));
    await Promise.all(deps.map((dep) => ready.get(dep)));
    if (signal.aborted) throw abortError(signal.reason);
    const found = byName.get(d.name);
    if (change.action === 'create') {
      emit(d.service, 'creating');
      const r = await swarmNow.createService(withObjectIds(d, ids));
      warnings.push(...engineWarnings(d.service, r.warnings));
    } else if (change.action === 'update') {
      emit(d.service, 'updating');
      const r = await swarmNow.updateService(found!.ID, found!.Version?.Index ?? 0, withObjectIds(d, ids));
      warnings.push(...engineWarnings(d.service, r.warnings));
    } else emit(d.service, 'unchanged');
    // A dependent (here, or on another engine) waits for this service even without `wait`: Swarm has no start order of its own.
    const dependents = desired.some((o) => spec.services[o.service]?.dependsOn?.[d.service] !== undefined) || !!options.awaited?.includes(d.service);
    if (!wait && !dependents) return;
    await waitForService(swarmNow, d, {
      deadline: scope.deadline,
      signal,
      unplacedGraceMs: options.unplacedGraceMs ?? 5_000,
      pollMs: options.pollMs ?? 500,
      onWaiting: (detail) => emit(d.service, 'waiting', detail),
    });
    emit(d.service, d.hasHealthcheck ? 'ready' : 'running');
  };
  for (const [i, d] of desired.entries()) {
    const p = deploy(d, services[i]!).catch((err: unknown) => {
      if (!stop.signal.aborted) {
        if (!isAbort(err)) emit(d.service, 'failed', err instanceof Error ? err.message : String(err));
        stop.abort(err);
      }
      throw err;
    });
    ready.set(d.service, p);
    p.catch(() => undefined);
  }
  const settled = await Promise.allSettled(ready.values());
  if (stop.signal.aborted) throw stop.signal.reason;
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return result;
}

function engineWarnings(service: string, texts: string[]): Problem[] {
  return texts.map((t) => ({ code: 'swarm-engine-warning', severity: 'warning' as const, message: `service "${service}": ${t}` }));
}
