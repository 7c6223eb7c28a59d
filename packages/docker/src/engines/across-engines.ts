import { BerthError, closest, DEFAULT_ENGINE, enginesInUse, hasErrors, placeServices, serviceEngine, serviceNamed, type BerthSpec, type Problem } from '@berth/spec';
import { buildServices, type BuildServicesOptions, type BuildServicesResult } from '../build/build-services.js';
import { abortError, isAbort, isOutOfReach } from '../engine/engine-errors.js';
import type { DownOptions, DownResult, KeptObject } from '../ops/down.js';
import { logs, type LogLine } from '../ops/logs.js';
import { restart, type RestartResult } from '../ops/restart.js';
import { projectStatus, type ServiceStatus } from '../ops/status.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import type { PlanStep } from '../up/plan.js';
import { envPreflightInput, up, type UpOptions, type UpResult } from '../up/up.js';
import { envPreflight } from '../up/env-preflight.js';
import { CrossEngineWaits } from './cross-engine-waits.js';
import { engineLabel, sameEngineNames, type SpecEngine, type SpecEngines } from './engine-set.js';
import { downOnContainers, downOnSwarm, logsOnSwarm, restartOnSwarm, statusOnSwarm, upOnSwarm } from './swarm-dispatch.js';

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

/** One engine a command acts on, with every name of the spec that reaches it (see sameEngineNames). */
interface EngineGroup {
  engine: SpecEngine;
  names: Set<string>;
}

/** The engines to act on, once each: names that reach one engine (the same endpoint and mode) are one group, under the first. */
function engineGroups(engines: SpecEngine[]): EngineGroup[] {
  const same = sameEngineNames(engines);
  const groups = new Map<string, EngineGroup>();
  for (const e of engines) {
    const head = same.get(e.name) ?? e.name;
    const group = groups.get(head);
    if (group) group.names.add(e.name);
    else groups.set(head, { engine: e, names: new Set([e.name]) });
  }
  return [...groups.values()];
}

/** The name a service of a group's engine goes by: the engine it is placed on when the group has that name, else the group's own. */
function nameIn(spec: BerthSpec, group: EngineGroup | undefined, engine: SpecEngine, service: string): string {
  const placed = serviceEngine(spec, service);
  return group?.names.has(placed) ? placed : engine.name;
}

/** The groups by the name of the engine that stands for each. */
const byHead = (groups: EngineGroup[]) => new Map(groups.map((g) => [g.engine.name, g]));

/** Each name of a group, with what `pick` finds under it (the group's summary per engine name). */
function perName<T>(group: EngineGroup | undefined, engine: SpecEngine, pick: (name: string) => T): { name: string; value: T }[] {
  return [...(group?.names ?? [engine.name])].map((name) => ({ name, value: pick(name) }));
}

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
export async function upAcrossEngines(set: SpecEngines, spec: BerthSpec, options: UpOptions & { onReached?: (result: UpAcrossResult) => void } = {}): Promise<UpAcrossResult> {
  const env = options.env ?? process.env;
  const selection = resolveProfiles(spec, { profiles: options.profiles, services: options.services, env });
  // The environment of the whole selection, once, before any engine is touched (a selection in error is each engine's `up` to say)
  if (!hasErrors(selection.problems) && !options.envChecked) envPreflight(spec, envPreflightInput(selection, options));
  const placement = placeServices(spec, selection.services);
  const reached = [...placement.keys()].map((name) => set.get(name)).filter((e): e is SpecEngine => !!e);
  const missing = [...placement.keys()].filter((name) => !set.get(name) && !set.lost?.has(name));
  if (missing.length) throw new Error(`upAcrossEngines: not connected to engine${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (connect those enginesForSelection names)`);
  // Names that reach one engine run one `up` there, with the services of all of them (two would wait on each other's project lock).
  const groups = byHead(engineGroups(reached));
  const headOf = new Map([...groups.values()].flatMap((g) => [...g.names].map((n) => [n, g.engine.name] as const)));
  const merged = new Map<string, string[]>();
  for (const [name, services] of placement) merged.set(headOf.get(name) ?? name, [...(merged.get(headOf.get(name) ?? name) ?? []), ...services]);
  const engines = [...groups.values()].map((g) => g.engine);
  if (!placement.size && set.engines[0]) engines.push(set.engines[0]);
  const lost = lostOf(set, placement.keys());
  const waits = merged.size > 1 && !options.dryRun ? new CrossEngineWaits(merged) : undefined;
  // An engine out of reach fails the services that wait for its own elsewhere; the others' independent services go on.
  for (const name of placement.keys()) if (set.lost?.has(name)) waits?.fail(name, set.lost.get(name));
  const named = (e: SpecEngine, service: string) => nameIn(spec, groups.get(e.name), e, service);
  const combine = (results: { engine: SpecEngine; value: UpResult }[]) => combinedUp(spec, selection, results, named, (e) => groups.get(e.name));
  const labelled = (e: SpecEngine) => (placement.size > 1 && options.onEvent ? { onEvent: (ev: Parameters<NonNullable<UpOptions['onEvent']>>[0]) => options.onEvent!({ ...ev, engine: named(e, ev.service) }) } : {});
  const results = await onEveryEngine(
    spec,
    engines,
    async (e) => {
      try {
        if (e.mode === 'swarm') return await upOnSwarm(e, spec, merged.get(e.name) ?? [], { ...options, ...labelled(e) }, waits);
        return await up(e.engine, spec, {
          ...options,
          envChecked: true,
          placed: merged.get(e.name) ?? [],
          ...(e.local ? {} : { remoteHost: e.address }),
          ...(waits ? { crossEngine: waits } : {}),
          ...labelled(e),
        });
      } catch (err) {
        waits?.fail(e.name, err);
        throw err;
      }
    },
    // an engine lost or failed: what the others did (their services only), before the failure
    { signal: options.signal, lost, onReached: options.onReached && ((reached) => options.onReached!({ ...combine(reached), services: reached.flatMap((r) => r.value.services) })) },
  );
  return combine(results);
}

/** What the engines of one `up` did, as one result (each step and engine named by the engine its service is placed on). */
function combinedUp(spec: BerthSpec, selection: ReturnType<typeof resolveProfiles>, results: { engine: SpecEngine; value: UpResult }[], named: (e: SpecEngine, service: string) => string, group: (e: SpecEngine) => EngineGroup | undefined): UpAcrossResult {
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
      steps: results.flatMap((r) => r.value.plan.steps.map((s) => ({ ...s, engine: named(r.engine, s.service) }))),
      orphans: results.flatMap((r) => r.value.plan.orphans.map((o) => ({ ...o, engine: r.engine.name }))),
    },
    engines: results.flatMap((r) =>
      perName(group(r.engine), r.engine, (name) => r.value.services.filter((s) => named(r.engine, s) === name)).map(({ name, value }) => ({ name, endpoint: r.engine.engine.endpoint, mode: r.engine.mode, services: value })),
    ),
  };
}

export interface DownAcrossResult extends DownResult {
  removedContainers: (DownResult['removedContainers'][number] & { engine: string })[];
  /** The swarm engines' stack secrets and configs (none on a containers engine: its secret and config files are berth's own). */
  removedSecrets: string[];
  removedConfigs: string[];
  /** What the swarm engines left because a service of another stack uses it, each naming its engine. */
  kept: (KeptObject & { engine: string })[];
  engines: EngineSummary[];
}

/** `berth down` on every engine of the set at once: each removes the project's containers (and networks, volumes) it holds. */
export async function downAcrossEngines(set: SpecEngines, spec: BerthSpec, options: DownOptions & { onReached?: (result: DownAcrossResult) => void } = {}): Promise<DownAcrossResult> {
  // names that reach one engine take it down once (each container named by its service's own engine)
  const groups = byHead(engineGroups(set.engines));
  const named = (e: SpecEngine, service: string) => nameIn(spec, groups.get(e.name), e, service);
  const combine = (results: { engine: SpecEngine; value: DownResult }[]): DownAcrossResult => ({
    project: projectName(spec, options.env ?? process.env),
    removedContainers: results.flatMap((r) => r.value.removedContainers.map((c) => ({ ...c, engine: named(r.engine, c.service) }))),
    removedNetworks: results.flatMap((r) => r.value.removedNetworks),
    removedVolumes: results.flatMap((r) => r.value.removedVolumes),
    removedSecrets: results.flatMap((r) => r.value.removedSecrets ?? []),
    removedConfigs: results.flatMap((r) => r.value.removedConfigs ?? []),
    kept: results.flatMap((r) => (r.value.kept ?? []).map((k) => ({ ...k, engine: r.engine.name }))),
    removedImages: results.flatMap((r) => r.value.removedImages),
    keptImages: results.flatMap((r) => r.value.keptImages),
    engines: results.flatMap((r) =>
      perName(groups.get(r.engine.name), r.engine, (name) => [...new Set(r.value.removedContainers.filter((c) => named(r.engine, c.service) === name).map((c) => c.service))]).map(({ name, value }) => ({
        name,
        endpoint: r.engine.engine.endpoint,
        mode: r.engine.mode,
        services: value,
      })),
    ),
  });
  const results = await onEveryEngine(
    spec,
    [...groups.values()].map((g) => g.engine),
    async (e) => {
      if (e.mode === 'swarm') return downOnSwarm(e, spec, options);
      return downOnContainers(e, spec, options);
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
  // names that reach one engine are asked once, with the services of all of them (each container named by its service's own engine)
  const groups = byHead(engineGroups(set.engines));
  const placedOn = (e: SpecEngine) => [...(groups.get(e.name)?.names ?? [e.name])].flatMap((name) => placed.get(name) ?? []);
  const combine = (results: { engine: SpecEngine; value: ServiceStatus[] }[]): PlacedStatus[] =>
    results
      .flatMap((r) => r.value.map((s) => ({ ...s, engine: nameIn(spec, groups.get(r.engine.name), r.engine, s.service) })))
      .sort((a, b) => rank(a.service) - rank(b.service) || a.service.localeCompare(b.service) || a.engine.localeCompare(b.engine));
  const results = await onEveryEngine(
    spec,
    [...groups.values()].map((g) => g.engine),
    async (e) => {
      if (e.mode === 'swarm') return statusOnSwarm(e, spec, placedOn(e), options);
      return projectStatus(e.engine, spec, { ...options, placed: placedOn(e) });
    },
    { signal: options.signal, lost: allLost(set), onReached: options.onReached && ((reached) => options.onReached!(combine(reached))) },
  );
  return combine(results);
}

/**
 * The named services grouped by their engine; every engine of the set with nothing named when none is. Names that reach
 * one engine are one target (the first), with `group` to name each service by its own engine.
 */
function namedPerEngine(spec: BerthSpec, set: SpecEngines, services: string[] | undefined): { engine: SpecEngine; group: EngineGroup; services?: string[] }[] {
  if (!services?.length) return engineGroups(set.engines).map((group) => ({ engine: group.engine, group }));
  refuseUnknownNames(spec, { services });
  const placement = placeServices(spec, services);
  const reached = [...placement.keys()].map((name) => set.get(name)).filter((e): e is SpecEngine => !!e);
  return engineGroups(reached).map((group) => ({ engine: group.engine, group, services: [...group.names].flatMap((name) => placement.get(name) ?? []) }));
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
      const target = targets.find((t) => t.engine === e)!;
      const names = target.services;
      const onLine = (l: LogLine) => options.onLine({ ...l, engine: nameIn(spec, target.group, e, l.service) });
      if (e.mode === 'swarm') return logsOnSwarm(e, spec, { ...options, ...(names ? { services: names } : {}), onLine }).then(() => undefined);
      return logs(e.engine, spec, { ...options, ...(names ? { services: names } : {}), onLine });
    },
    { signal: options.signal, lost: lostFor(spec, set, options.services), onFailed: options.onEngineFailed && ((err, e) => options.onEngineFailed!(err, e.name)) },
  );
  // a swarm engine's count is not known (its tasks' logs come through the service): then neither is the total
  const counts = results.map((r) => r.value);
  return { containers: counts.some((n) => n === undefined) ? undefined : counts.reduce<number>((a, n) => a + n!, 0) };
}

export type RestartAcrossResult = Omit<RestartResult, 'restarted'> & { restarted: (RestartResult['restarted'][number] & { engine: string })[] };

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
    restarted: results.flatMap((r) => r.value.restarted.map((c) => ({ ...c, engine: nameIn(spec, targets.find((t) => t.engine === r.engine)?.group, r.engine, c.service) }))),
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
