import { BerthError, closest, DEFAULT_ENGINE, enginesInUse, hasErrors, placeServices, serviceNamed, type BerthSpec, type Problem } from '@berth/spec';
import { buildServices, type BuildServicesOptions, type BuildServicesResult } from '../build/build-services.js';
import { abortError, isAbort, isOutOfReach } from '../engine/engine-errors.js';
import { down, type DownOptions, type DownResult } from '../ops/down.js';
import { logs, type LogLine } from '../ops/logs.js';
import { restart, type RestartResult } from '../ops/restart.js';
import { projectStatus, type ServiceStatus } from '../ops/status.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import type { PlanStep } from '../up/plan.js';
import { envPreflightInput, up, type UpOptions, type UpResult } from '../up/up.js';
import { envPreflight } from '../up/env-preflight.js';
import { CrossEngineWaits } from './cross-engine-waits.js';
import { engineLabel, type SpecEngine, type SpecEngines } from './engine-set.js';
import { downOnSwarm, logsOnSwarm, restartOnSwarm, statusOnSwarm, upOnSwarm } from './swarm-dispatch.js';

/**
 * The engines a selection (profiles, named services) touches: those its services are placed on. A named service or a
 * `--profile` the spec does not have is refused first (refuseUnknownNames), before any engine is connected.
 */
export function enginesForSelection(spec: BerthSpec, options: { profiles?: string[]; services?: string[]; env?: NodeJS.ProcessEnv } = {}): string[] {
  refuseUnknownNames(spec, options);
  const selection = resolveProfiles(spec, options);
  const engines = [...placeServices(spec, selection.services).keys()];
  return engines.length ? engines : [DEFAULT_ENGINE];
}

/**
 * A service or a `--profile` named on the command line that the spec does not have: a usage error (exit 2) with a
 * did-you-mean, said before any engine is asked, so a typo is not hidden behind an engine out of reach. A service is
 * the spec's own key only (serviceNamed: `constructor` is none); a profile is unknown as resolveProfiles finds it.
 * Profiles from COMPOSE_PROFILES stay lenient, as in Compose (resolveProfiles warns of them).
 */
export function refuseUnknownNames(spec: BerthSpec, named: { services?: string[] | undefined; profiles?: string[] | undefined }): void {
  const services = Object.keys(spec.services);
  const unknown = (named.services ?? []).filter((s) => !serviceNamed(spec, s));
  if (unknown.length) {
    throw new BerthError('ERR_BERTH_UNKNOWN_SERVICE', `no service ${unknown.map((s) => `"${s}"`).join(', ')} in the spec${didYouMean(unknown, services)}`, { hint: `services: ${services.join(', ') || '(none)'}` });
  }
  const flags = (named.profiles ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const idle = flags.filter((p) => resolveProfiles(spec, { profiles: [p] }).problems.some((x) => x.code === 'unknown-profile'));
  if (idle.length) {
    const known = [...new Set([...Object.keys(spec.profiles), ...Object.values(spec.services).flatMap((s) => s.profiles ?? [])])];
    throw new BerthError('ERR_BERTH_USAGE', `--profile ${idle.join(', ')}: ${idle.map((p) => `profile "${p}"`).join(', ')} ${idle.length === 1 ? 'enables' : 'enable'} no service${didYouMean(idle, known)}`, {
      hint: known.length ? `profiles: ${known.join(', ')}` : 'no service of the spec has a profile',
    });
  }
}

/** " (did you mean "web"?)" for the names one of `known` is close to (each named when there are several); else "". */
function didYouMean(names: string[], known: string[]): string {
  const guesses = names.flatMap((n) => {
    const guess = closest(n, known);
    return guess ? [names.length === 1 ? `"${guess}"` : `"${guess}" for "${n}"`] : [];
  });
  return guesses.length ? ` (did you mean ${guesses.join(', ')}?)` : '';
}

/** Every engine the spec places a service on: where down, status, logs and restart look. */
export function enginesOfSpec(spec: BerthSpec): string[] {
  const engines = enginesInUse(spec);
  return engines.length ? engines : [DEFAULT_ENGINE];
}

/** An engine's error with the engine named in front (a spec with one engine keeps berth's usual words). */
function labelled(spec: BerthSpec, engine: string, err: unknown): unknown {
  const label = engineLabel(spec, engine);
  if (!label || isAbort(err) || !(err instanceof Error) || err.message.startsWith(label)) return err;
  if (err instanceof BerthError) return new BerthError(err.code, `${label}: ${err.message}`, { problems: err.problems, ...(err.hint ? { hint: err.hint } : {}) });
  return err;
}

/** The errors of those of `names` the set could not reach (connectSpecEngines' `partial`). */
function lostOf(set: SpecEngines, names: Iterable<string>): unknown[] {
  return [...names].flatMap((name) => (set.lost?.has(name) ? [set.lost.get(name)] : []));
}

/** Every engine the set could not reach. */
const allLost = (set: SpecEngines): unknown[] => [...(set.lost?.values() ?? [])];

/** What onEveryEngine is told besides the step. */
interface EveryEngineOptions<T> {
  signal?: AbortSignal | undefined;
  /** The errors of the engines the set could not reach: failures from the start. */
  lost?: unknown[];
  /** With an engine lost or failed: what the engines that got to their end answered, before the failure is thrown. */
  onReached?: ((results: { engine: SpecEngine; value: T }[]) => void) | undefined;
  /** An engine's step failing (named by its engine) while another engine's goes on: at once, not once the others end (a follow never does). */
  onFailed?: ((err: unknown, engine: SpecEngine) => void) | undefined;
}

/**
 * Runs one step on every engine at once and waits for all of them. Each failure is named by its
 * engine; one failure is thrown as it is, several as one error listing each (ENGINES_UNREACHABLE when
 * an engine could not be reached or stopped answering, else ENGINES_FAILED). An interrupt is thrown as such,
 * unless an engine was out of reach or went away before it: that is what the command ends with (exit 3), not the interrupt.
 */
async function onEveryEngine<T>(spec: BerthSpec, engines: SpecEngine[], step: (e: SpecEngine) => Promise<T>, options: EveryEngineOptions<T> = {}): Promise<{ engine: SpecEngine; value: T }[]> {
  const { signal, lost = [], onReached, onFailed } = options;
  let running = engines.length;
  const settled = await Promise.allSettled(
    engines.map((e) =>
      step(e)
        .catch((err: unknown) => {
          const named = labelled(spec, e.name, err);
          // said at once only while another engine's step goes on: otherwise the failure is the command's end, said then
          if (!isAbort(named) && running > 1) onFailed?.(named, e);
          throw named;
        })
        .finally(() => running--),
    ),
  );
  // The engines that could not be reached fail the command as much as those that failed here, once the others are done;
  // what the reached ones answered is handed over first, so it can be shown before the failure.
  const failures = [...lost, ...settled.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []))];
  const fulfilled = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [{ engine: engines[i]!, value: s.value }] : []));
  if (failures.length && onReached && fulfilled.length > 0 && !failures.some(isAbort)) {
    onReached(fulfilled);
  }
  // Interrupted: an engine that was lost (before or during the command) is still what it ends with; anything else is the interrupt.
  const real = signal?.aborted && failures.some(isAbort) ? failures.filter((f) => !isAbort(f) && isOutOfReach(f)) : failures.filter((f) => !isAbort(f));
  if (!real.length && failures.some(isAbort)) throw abortError(signal?.reason);
  if (real.length === 1) throw real[0];
  if (real.length > 1) {
    // Out of reach (or stopped answering) on any of them is what the whole command is: the CLI exits 3.
    throw new BerthError(real.some(isOutOfReach) ? 'ERR_BERTH_ENGINES_UNREACHABLE' : 'ERR_BERTH_ENGINES_FAILED', `${real.length} engines failed`, {
      problems: real.flatMap((f): Problem[] => {
        const e = f as BerthError;
        const head: Problem = { code: e.code ?? 'engine-failed', severity: 'error', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
        return [head, ...(e.problems ?? []).map((p) => ({ ...p, message: `  ${p.message}` }))];
      }),
    });
  }
  return fulfilled;
}

export interface EngineSummary {
  name: string;
  endpoint: string;
  mode: 'containers' | 'swarm';
  /** The services of this command that run there. */
  services: string[];
}

export interface UpAcrossResult extends Omit<UpResult, 'plan'> {
  plan: { steps: (PlanStep & { engine: string })[]; orphans: (UpResult['plan']['orphans'][number] & { engine: string })[] };
  engines: EngineSummary[];
}

/**
 * `berth up` on every engine the selection touches, at once: each engine runs the services placed on
 * it (its own plan, preflight and project lock), and a service waits for a dependency on another
 * engine as it would for one of its own (CrossEngineWaits). One engine's failure fails the services
 * that wait for it elsewhere, in one line each; the others go on to their own end.
 */
export async function upAcrossEngines(set: SpecEngines, spec: BerthSpec, options: UpOptions = {}): Promise<UpAcrossResult> {
  const env = options.env ?? process.env;
  const selection = resolveProfiles(spec, { profiles: options.profiles, services: options.services, env });
  // The environment of the whole selection, once, before any engine is touched (a selection in error is each engine's `up` to say)
  if (!hasErrors(selection.problems) && !options.envChecked) envPreflight(spec, envPreflightInput(selection, options));
  const placement = placeServices(spec, selection.services);
  const engines = [...placement.keys()].map((name) => set.get(name)).filter((e): e is SpecEngine => !!e);
  const missing = [...placement.keys()].filter((name) => !set.get(name) && !set.lost?.has(name));
  if (missing.length) throw new Error(`upAcrossEngines: not connected to engine${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (connect those enginesForSelection names)`);
  if (!placement.size && set.engines[0]) engines.push(set.engines[0]);
  const lost = lostOf(set, placement.keys());
  const waits = placement.size > 1 && !options.dryRun ? new CrossEngineWaits(placement) : undefined;
  // An engine out of reach fails the services that wait for its own elsewhere; the others' independent services go on.
  for (const name of placement.keys()) if (set.lost?.has(name)) waits?.fail(name, set.lost.get(name));
  const results = await onEveryEngine(
    spec,
    engines,
    async (e) => {
      try {
        if (e.mode === 'swarm') {
          return await upOnSwarm(e, spec, placement.get(e.name) ?? [], engines.length > 1 && options.onEvent ? { ...options, onEvent: (ev) => options.onEvent!({ ...ev, engine: e.name }) } : options, waits);
        }
        return await up(e.engine, spec, {
          ...options,
          envChecked: true,
          placed: placement.get(e.name) ?? [],
          ...(e.local ? {} : { remoteHost: e.address }),
          ...(waits ? { crossEngine: waits } : {}),
          ...(options.onEvent && engines.length > 1 ? { onEvent: (ev) => options.onEvent!({ ...ev, engine: e.name }) } : {}),
        });
      } catch (err) {
        waits?.fail(e.name, err);
        throw err;
      }
    },
    { signal: options.signal, lost },
  );
  const first = results[0]!.value;
  return {
    project: first.project,
    profiles: first.profiles,
    services: selection.services,
    elsewhere: first.elsewhere,
    builds: results.flatMap((r) => r.value.builds),
    dryRun: first.dryRun,
    warnings: results.flatMap((r) => r.value.warnings.map((w) => (engineLabel(spec, r.engine.name) ? { ...w, message: `${engineLabel(spec, r.engine.name)}: ${w.message}` } : w))),
    plan: {
      steps: results.flatMap((r) => r.value.plan.steps.map((s) => ({ ...s, engine: r.engine.name }))),
      orphans: results.flatMap((r) => r.value.plan.orphans.map((o) => ({ ...o, engine: r.engine.name }))),
    },
    engines: results.map((r) => ({ name: r.engine.name, endpoint: r.engine.engine.endpoint, mode: r.engine.mode, services: r.value.services })),
  };
}

export interface DownAcrossResult extends DownResult {
  removedContainers: (DownResult['removedContainers'][number] & { engine: string })[];
  /** The swarm engines' stack secrets and configs (none on a containers engine: its secret and config files are berth's own). */
  removedSecrets: string[];
  removedConfigs: string[];
  engines: EngineSummary[];
}

/** `berth down` on every engine of the set at once: each removes the project's containers (and networks, volumes) it holds. */
export async function downAcrossEngines(set: SpecEngines, spec: BerthSpec, options: DownOptions & { onReached?: (result: DownAcrossResult) => void } = {}): Promise<DownAcrossResult> {
  const combine = (results: { engine: SpecEngine; value: DownResult }[]): DownAcrossResult => ({
    project: projectName(spec, options.env ?? process.env),
    removedContainers: results.flatMap((r) => r.value.removedContainers.map((c) => ({ ...c, engine: r.engine.name }))),
    removedNetworks: results.flatMap((r) => r.value.removedNetworks),
    removedVolumes: results.flatMap((r) => r.value.removedVolumes),
    removedSecrets: results.flatMap((r) => r.value.removedSecrets ?? []),
    removedConfigs: results.flatMap((r) => r.value.removedConfigs ?? []),
    removedImages: results.flatMap((r) => r.value.removedImages),
    keptImages: results.flatMap((r) => r.value.keptImages),
    engines: results.map((r) => ({ name: r.engine.name, endpoint: r.engine.engine.endpoint, mode: r.engine.mode, services: [...new Set(r.value.removedContainers.map((c) => c.service))] })),
  });
  const results = await onEveryEngine(
    spec,
    set.engines,
    async (e) => {
      if (e.mode === 'swarm') return downOnSwarm(e, spec, options);
      return down(e.engine, spec, options);
    },
    { signal: options.signal, lost: allLost(set), onReached: options.onReached && ((reached) => options.onReached!(combine(reached))) },
  );
  return combine(results);
}

export type PlacedStatus = ServiceStatus & { engine: string };

/**
 * `berth status` on every engine of the set at once: each engine's containers of the project, and the
 * default-enabled services placed there that have none ("missing"), each naming its engine, in spec order.
 */
export async function statusAcrossEngines(
  set: SpecEngines,
  spec: BerthSpec,
  options: { env?: NodeJS.ProcessEnv; now?: number; signal?: AbortSignal; onReached?: (statuses: PlacedStatus[]) => void } = {},
): Promise<PlacedStatus[]> {
  const placed = placeServices(spec, Object.keys(spec.services));
  const order = Object.keys(spec.services);
  const rank = (s: string) => (order.indexOf(s) === -1 ? order.length : order.indexOf(s));
  const combine = (results: { engine: SpecEngine; value: ServiceStatus[] }[]): PlacedStatus[] =>
    results
      .flatMap((r) => r.value.map((s) => ({ ...s, engine: r.engine.name })))
      .sort((a, b) => rank(a.service) - rank(b.service) || a.service.localeCompare(b.service) || a.engine.localeCompare(b.engine));
  const results = await onEveryEngine(
    spec,
    set.engines,
    async (e) => {
      if (e.mode === 'swarm') return statusOnSwarm(e, spec, placed.get(e.name) ?? [], options);
      return projectStatus(e.engine, spec, { ...options, placed: placed.get(e.name) ?? [] });
    },
    { signal: options.signal, lost: allLost(set), onReached: options.onReached && ((reached) => options.onReached!(combine(reached))) },
  );
  return combine(results);
}

/** The named services grouped by their engine; every engine of the set with nothing named when none is. */
function namedPerEngine(spec: BerthSpec, set: SpecEngines, services: string[] | undefined): { engine: SpecEngine; services?: string[] }[] {
  if (!services?.length) return set.engines.map((engine) => ({ engine }));
  refuseUnknownNames(spec, { services });
  const out: { engine: SpecEngine; services?: string[] }[] = [];
  for (const [name, names] of placeServices(spec, services)) {
    const engine = set.get(name);
    if (engine) out.push({ engine, services: names });
  }
  return out;
}

/** The errors of the engines the named services (every service, when none is named) are placed on that the set could not reach. */
function lostFor(spec: BerthSpec, set: SpecEngines, services: string[] | undefined): unknown[] {
  return services?.length ? lostOf(set, placeServices(spec, services.filter((s) => serviceNamed(spec, s))).keys()) : allLost(set);
}

/**
 * `berth logs` on every engine of the set at once, each line naming its engine (when there are several). An engine that
 * fails (one that goes away mid-follow) is handed to `onEngineFailed` at once, and the others' lines go on; once they end
 * (or are interrupted), it fails with that engine's error. Resolves with the number of containers read (undefined
 * where a swarm engine was read).
 */
export async function logsAcrossEngines(
  set: SpecEngines,
  spec: BerthSpec,
  options: {
    services?: string[];
    follow?: boolean;
    tail?: number;
    signal?: AbortSignal;
    env?: NodeJS.ProcessEnv;
    onLine: (l: LogLine & { engine: string }) => void;
    onEngineFailed?: (err: unknown, engine: string) => void;
  },
): Promise<{ containers: number | undefined }> {
  const targets = namedPerEngine(spec, set, options.services);
  const results = await onEveryEngine(
    spec,
    targets.map((t) => t.engine),
    async (e) => {
      const names = targets.find((t) => t.engine === e)?.services;
      if (e.mode === 'swarm') return logsOnSwarm(e, spec, { ...options, ...(names ? { services: names } : {}), onLine: (l) => options.onLine({ ...l, engine: e.name }) }).then(() => undefined);
      return logs(e.engine, spec, { ...options, ...(names ? { services: names } : {}), onLine: (l) => options.onLine({ ...l, engine: e.name }) });
    },
    { signal: options.signal, lost: lostFor(spec, set, options.services), onFailed: options.onEngineFailed && ((err, e) => options.onEngineFailed!(err, e.name)) },
  );
  // a swarm engine's count is not known (its tasks' logs come through the service): then neither is the total
  const counts = results.map((r) => r.value);
  return { containers: counts.some((n) => n === undefined) ? undefined : counts.reduce<number>((a, n) => a + n!, 0) };
}

export type RestartAcrossResult = RestartResult & { restarted: (RestartResult['restarted'][number] & { engine: string })[] };

/**
 * `berth restart` on every engine of the set at once (the named services on theirs). With an engine out of reach,
 * what the others restarted is handed to `onReached` before the failure, as down and status do.
 */
export async function restartAcrossEngines(
  set: SpecEngines,
  spec: BerthSpec,
  options: Parameters<typeof restart>[2] & { onReached?: (result: RestartAcrossResult) => void } = {},
): Promise<RestartAcrossResult> {
  const targets = namedPerEngine(spec, set, options.services);
  const combine = (results: { engine: SpecEngine; value: RestartResult }[]): RestartAcrossResult => ({
    project: projectName(spec, options.env ?? process.env),
    restarted: results.flatMap((r) => r.value.restarted.map((c) => ({ ...c, engine: r.engine.name }))),
  });
  const results = await onEveryEngine(
    spec,
    targets.map((t) => t.engine),
    async (e) => {
      if (e.mode === 'swarm') throw restartOnSwarm(e, spec, options.env);
      const names = targets.find((t) => t.engine === e)?.services;
      return restart(e.engine, spec, { ...options, ...(names ? { services: names } : {}) });
    },
    { signal: options.signal, lost: lostFor(spec, set, options.services), onReached: options.onReached && ((reached) => options.onReached!(combine(reached))) },
  );
  return combine(results);
}


/**
 * `berth build` on every engine a selected service with `build` is placed on, at once: each engine builds
 * the images of its own services (where `up` runs them). A swarm engine builds nothing: its services are
 * left out, with a warning (a swarm pulls its images).
 */
export async function buildAcrossEngines(set: SpecEngines, spec: BerthSpec, options: BuildServicesOptions = {}): Promise<BuildServicesResult> {
  const env = options.env ?? process.env;
  const named = options.services?.length ? options.services.filter((s) => serviceNamed(spec, s)) : resolveProfiles(spec, { ...(options.profiles ? { profiles: options.profiles } : {}), env }).services;
  const placement = placeServices(spec, named);
  const engines = set.engines.filter((e) => placement.has(e.name));
  const lost = lostOf(set, placement.keys());
  if (!engines.length && !lost.length && set.engines[0]) engines.push(set.engines[0]);
  const warnings: Problem[] = [];
  const results = await onEveryEngine(
    spec,
    engines,
    async (e) => {
      const placed = placement.get(e.name) ?? [];
      if (e.mode !== 'swarm') return buildServices(e.engine, spec, { ...options, placed });
      const built = placed.filter((s) => spec.services[s]?.build);
      if (built.length) warnings.push({ code: 'swarm-no-build', severity: 'warning', message: `${built.join(', ')}: on the swarm engine ${e.name}, which does not build; its nodes pull the image` });
      return { project: projectName(spec, env), builds: [], skipped: placed, warnings: [] };
    },
    { signal: options.signal, lost },
  );
  return {
    project: results[0]?.value.project ?? projectName(spec, env),
    builds: results.flatMap((r) => r.value.builds),
    skipped: results.flatMap((r) => r.value.skipped),
    warnings: [...results.flatMap((r) => r.value.warnings.map((w) => (engineLabel(spec, r.engine.name) ? { ...w, message: `${engineLabel(spec, r.engine.name)}: ${w.message}` } : w))), ...warnings],
  };
}
