import { BerthError, type BerthSpec } from '@berth/spec';
import type { EngineApi } from '../engine/engine-api.js';
import { abortError, containerGone, EngineStalledError, engineRefused, explainStartError, isAbort, isContainerGone, isDeadline, isEngineAnswer } from '../engine/engine-errors.js';
import type { WaitCondition } from '../engine/health-state.js';
import { ContainerEvents } from '../engine/container-events.js';
import { waitFor } from '../engine/wait-for.js';
import { outputText } from '../engine/frames.js';
import type { CrossEngineWaits } from '../engines/cross-engine-waits.js';
import { createServiceContainer } from './create-container.js';
import type { DesiredContainer } from './desired.js';
import { Semaphore } from './limits.js';
import type { Plan, PlanStep } from './plan.js';

/** `ready`: the service's health test passed when berth ran it early; `healthy`: the engine says so. */
export type UpPhase = 'building' | 'built' | 'creating' | 'recreating' | 'restarting' | 'starting' | 'kept' | 'running' | 'waiting' | 'ready' | 'healthy' | 'completed' | 'failed' | 'removed';
export interface UpEvent {
  service: string;
  phase: UpPhase;
  detail?: string;
  /** The engine it runs on, when the spec places services on more than one (see upAcrossEngines). */
  engine?: string;
}

export interface ApplyOptions {
  spec: BerthSpec;
  desired: Map<string, DesiredContainer>;
  /** The project, for the engine event stream that wakes health waits. */
  project?: string;
  /** Wait for every started service to be healthy (or running, when it has no health check). */
  wait: boolean;
  deadline: number;
  /**
   * Release a `service_healthy` dependent as soon as the dependency's own health test passes when berth
   * runs it in the new container (default true), instead of waiting for the engine's first probe one
   * `interval` after start. The final wait for every service still waits for the engine's status.
   */
  earlyProbe?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: (e: UpEvent) => void;
  /** Dependencies run by other engines in the same `up`; this apply offers its own services' conditions there. */
  crossEngine?: CrossEngineWaits;
  /** The host of an engine on another machine (see UpOptions.remoteHost): a port refused at start is held by a process there. */
  remoteHost?: string;
}

/** Phases after which a service needs nothing more of this `up`. */
const DONE = new Set<string>(['kept', 'healthy', 'completed', 'failed', 'removed']);

/** A service without a health check counts as up once it has stayed running this long. */
export const STABLE_MS = 1000;

interface Task {
  started: Promise<string>; // resolves with the container id
  conditions: Map<string, Promise<void>>;
}

/**
 * Applies a plan: each service waits for its dependencies' conditions, then runs its step under a
 * bounded concurrency. Starts of containers whose host port the engine picks from a range are
 * serialised (that allocation is not atomic, which is why Compose serialises every start); fixed host
 * ports were checked by the preflight, and a clash at start is reported as such. The first failure, an
 * interrupt or the deadline (`signal`) stop everything at once, engine calls in flight included: a
 * container is created with its labels in one call, so whatever was made carries them and the next
 * `up` converges. All failures are reported together; an engine that stopped answering first.
 */
export async function applyPlan(engineApi: EngineApi, plan: Plan, options: ApplyOptions): Promise<void> {
  /** Where each service is, for the deadline's message. */
  const at = new Map<string, string>();
  const emit = (service: string, phase: UpPhase, detail?: string) => {
    at.set(service, phase === 'waiting' ? `waiting (${detail ?? ''})` : phase);
    options.onEvent?.({ service, phase, ...(detail ? { detail } : {}) });
  };
  const earlyProbe = options.earlyProbe ?? true;
  const limit = new Semaphore(options.concurrency ?? 4);
  const portStarts = new Semaphore(1);
  const stop = new AbortController();
  // The outer reason travels on: a wait ended by the deadline reports a timeout, by Ctrl-C an interrupt.
  const onOuterAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;
  const docker = engineApi.withSignal(signal);
  const failures: unknown[] = [];
  const events = options.project && !signal.aborted ? await ContainerEvents.open(docker, options.project) : undefined;
  const tasks = new Map<string, Task>();
  /** For a container started again: when the last line of its earlier runs was logged (see lastLogLineAt). */
  const logEnds = new Map<string, string | undefined>();
  const steps = new Map<string, PlanStep[]>();
  for (const s of plan.steps) steps.set(s.service, [...(steps.get(s.service) ?? []), s]);

  const checkAbort = () => {
    if (signal.aborted) throw abortError(signal.reason);
  };
  /** An engine answer (a 404: already gone) is fine where berth was removing or stopping anyway; a stall or abort is not. */
  const unlessAnswer = (err: unknown) => {
    if (!isEngineAnswer(err)) throw err;
  };

  // New containers are created up front, in parallel (as Compose does): only starts wait on dependencies.
  // They have their own lane, so a root's start never queues behind the creates of its dependents.
  const createLane = new Semaphore(2);
  const created = new Map<string, Promise<string>>();
  for (const step of plan.steps) {
    if (step.action !== 'create') continue;
    const d = options.desired.get(step.service)!;
    const p = createLane.run(async () => {
      checkAbort();
      emit(step.service, 'creating');
      return createServiceContainer(docker, d);
    });
    p.catch(() => undefined);
    created.set(step.service, p);
  }

  const runStep = async (service: string): Promise<string> => {
    const d = options.desired.get(service)!;
    for (const dep of Object.entries(options.spec.services[service]?.dependsOn ?? {})) {
      const task = tasks.get(dep[0]);
      if (task) await condition(dep[0], task, dep[1].condition, 0, earlyProbe);
      else if (options.crossEngine) {
        emit(service, 'waiting', `${dep[0]} on engine "${options.crossEngine.engineOf(dep[0]) ?? '?'}"`);
        await options.crossEngine.wait(service, dep[0], dep[1].condition, signal);
      }
    }
    checkAbort();
    let id: string | undefined;
    for (const step of steps.get(service) ?? []) {
      if (step.action === 'remove' && step.container) {
        await limit.run(() => docker.getContainer(step.container!.id).remove({ force: true }).catch(unlessAnswer));
        emit(service, 'removed', step.container.name);
      } else if (step.action === 'keep') {
        emit(service, 'kept', step.reason);
        id = step.container!.id;
      } else if (step.action === 'create') {
        id = await created.get(service)!;
      }
      if (step.action === 'restart') {
        id = step.container!.id;
        emit(service, 'restarting', step.reason);
        await limit.run(() =>
          docker
            .getContainer(id!)
            .restart({ t: d.stopTimeoutS })
            .catch((err: unknown) => {
              throw isContainerGone(err) ? containerGone(service, 'restarting it') : engineRefused(err, `restarting ${step.container!.name}`);
            }),
        );
        emit(service, 'running');
      }
      if (step.action === 'create' || step.action === 'recreate' || step.action === 'start') {
        id ??= await limit.run(async () => {
          checkAbort();
          if (step.action === 'recreate') {
            emit(service, 'recreating', step.reason);
            const old = docker.getContainer(step.container!.id);
            await old.stop({ t: d.stopTimeoutS }).catch(unlessAnswer);
            await old.remove({ force: true }).catch(unlessAnswer);
            checkAbort();
          }
          if (step.action === 'start') return step.container!.id;
          return createServiceContainer(docker, d);
        });
        // a container started again keeps its earlier runs' log: a failure quotes this run's lines only (waitFor)
        if (step.action === 'start') logEnds.set(service, await limit.run(() => lastLogLineAt(docker, id!)));
        emit(service, 'starting');
        const start = () => docker.getContainer(id!).start().catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode === 304) return;
          throw explainStartError(service, err, options.remoteHost);
        });
        await (d.allocatesPorts ? portStarts.run(start) : limit.run(start));
        emit(service, 'running');
      }
    }
    return id!;
  };

  const healthy = new Set<string>();
  const condition = (service: string, task: Task, cond: WaitCondition, stableMs = 0, probe = false): Promise<void> => {
    const early = probe && cond === 'service_healthy';
    const key = `${cond}${stableMs ? ':stable' : ''}${early ? ':probe' : ''}`;
    let p = task.conditions.get(key);
    if (!p) {
      p = task.started.then(async (containerId) => {
        if (cond === 'service_started' && !stableMs) return;
        emit(service, 'waiting', cond === 'service_healthy' ? 'health' : cond === 'service_started' ? 'still running' : 'completion');
        const by = await waitFor(docker, { service, containerId, previousLogEndsAt: logEnds.get(service) }, cond, {
          deadline: options.deadline,
          signal,
          stableMs,
          probe: early,
          ...(events ? { events } : {}),
          onDetail: (detail) => emit(service, 'waiting', detail),
        });
        // a one-shot that exited 0 (no restart policy) is done, not running: its dependants start, up succeeds
        if (by === 'completed' || cond === 'service_completed_successfully') return emit(service, 'completed');
        if (cond !== 'service_healthy') return emit(service, 'running');
        if (by === 'probe') return healthy.has(service) ? undefined : emit(service, 'ready', 'health test passed');
        if (!healthy.has(service)) emit(service, 'healthy');
        healthy.add(service);
      });
      p.catch(() => undefined);
      task.conditions.set(key, p);
    }
    return p;
  };

  const order = [...steps.keys()];
  for (const service of order) {
    const started = runStep(service);
    started.catch((err: unknown) => {
      if (!signal.aborted || !isAbort(err)) failures.push(err);
      if (!isAbort(err)) emit(service, 'failed', err instanceof Error ? err.message : String(err));
      stop.abort();
    });
    const task: Task = { started, conditions: new Map() };
    tasks.set(service, task);
    options.crossEngine?.offer(service, (cond) => condition(service, task, cond, 0, earlyProbe));
  }
  const finals = order.map(async (service) => {
    const task = tasks.get(service)!;
    await task.started;
    if (!options.wait) return;
    const d = options.desired.get(service)!;
    const oneShot = options.spec.services[service]?.restart === undefined && Object.values(options.spec.services).some((s) => s.dependsOn?.[service]?.condition === 'service_completed_successfully');
    if (oneShot) return;
    await condition(service, task, d.hasHealthcheck ? 'service_healthy' : 'service_started', d.hasHealthcheck ? 0 : STABLE_MS).catch((err: unknown) => {
      if (!isAbort(err)) failures.push(err);
      stop.abort();
      throw err;
    });
  });
  const settled = await Promise.allSettled(finals);
  events?.close();
  options.signal?.removeEventListener('abort', onOuterAbort);
  const real = [...new Set(failures)].filter((f) => !isAbort(f));
  const stalled = real.find((f) => f instanceof EngineStalledError);
  if (stalled) throw stalled;
  if (real.length === 1) throw real[0];
  if (real.length > 1) {
    throw new BerthError('ERR_BERTH_UP_FAILED', `${real.length} services failed`, {
      problems: real.map((f) => ({ code: (f as BerthError).code ?? 'up-failed', severity: 'error' as const, message: (f as Error).message, ...((f as BerthError).hint ? { hint: (f as BerthError).hint } : {}) })),
    });
  }
  if (options.signal?.aborted && isDeadline(options.signal.reason)) {
    const unfinished = order.map((service) => [service, at.get(service) ?? 'not begun'] as const).filter(([, phase]) => !DONE.has(phase)).map(([service, phase]) => `${service} ${phase}`);
    throw new BerthError('ERR_BERTH_TIMEOUT', `berth up ran out of time (--timeout)${unfinished.length ? ` with ${unfinished.join(', ')}` : ''}`, {
      hint: 'raise --timeout; what was made keeps its labels and the next berth up goes on from there',
    });
  }
  if (options.signal?.aborted || settled.some((s) => s.status === 'rejected')) throw abortError(options.signal?.reason);
}

/**
 * When the last line of a stopped container's earlier runs was logged, by the engine's clock (its RFC 3339 time), or
 * undefined when there is none or the engine cannot say. Its log is complete: the engine marks a container stopped
 * only once its output is written. (Not `FinishedAt`: that is when the process exited, and the engine may log the
 * last lines it printed after it.)
 */
async function lastLogLineAt(docker: EngineApi, containerId: string): Promise<string | undefined> {
  try {
    const last = outputText(await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: 1, timestamps: true, follow: false })).trim();
    return /^(\d{4}-\d\d-\d\dT\S+)(?:\s|$)/.exec(last.split('\n').at(-1) ?? '')?.[1];
  } catch (err) {
    // gone or refused: the start that follows says so; a stall or an abort ends the step here
    if (isEngineAnswer(err)) return undefined;
    throw err;
  }
}
