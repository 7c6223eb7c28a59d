import { homedir } from 'node:os';
import { BerthError, DEFAULT_ENGINE, endpointAddress, type BerthSpec, type Problem } from '@berth/spec';
import { abortError, isAbort, isOutOfReach } from '../engine/engine-errors.js';
import { canonicalEndpoint, connectCandidate, connectEngine, type ConnectOptions, type Engine } from '../engine/connect.js';
import { declaredEngineCandidate, engineCandidates } from '../engine/engine-candidates.js';

/** An engine of the spec, connected: its name, how it deploys, and where its published ports are reached. */
export interface SpecEngine {
  /** `default`, or a name under the spec's `engines`. */
  name: string;
  engine: Engine;
  mode: 'containers' | 'swarm';
  /** The address a published port of this engine is reached at: 127.0.0.1 for this machine, else the endpoint's host. */
  address: string;
  /** Whether the engine's host is this machine, so its host processes (and their ports) can be seen from here. */
  local: boolean;
}

/** The engines one command reaches, by name, in the order asked. */
export interface SpecEngines {
  engines: SpecEngine[];
  get(name: string): SpecEngine | undefined;
  /**
   * The engines asked for that could not be reached (only with `partial`), each with its one-line error naming it:
   * commands act on the others, and end with these (exit 3).
   */
  lost?: ReadonlyMap<string, unknown>;
  /** Releases every engine's connections (and ends ssh processes). */
  close(): void;
}

/** The host a published port of the engine at `endpoint` is reached at (the spec's one rule, endpointAddress). */
export const engineAddress = endpointAddress;

/** Where an engine publishes its ports, as reached from here (see endpointAddress). */
export type EnginePlace = ReturnType<typeof endpointAddress>;

/**
 * Where each engine of the spec publishes its ports, as reached from here, read without connecting: the
 * default engine where the docker CLI finds it (DOCKER_HOST, DOCKER_CONTEXT, the current context; else this
 * machine's sockets), each declared one at its host or its context's endpoint. The same rule as a connected
 * engine's (connectSpecEngine: endpointAddress of its endpoint), which `up` judges host ports by. An engine
 * whose endpoint cannot be read (a context that does not exist) is left out: it cannot be reached either.
 */
export function specEnginePlaces(spec: Pick<BerthSpec, 'engines'>, env: NodeJS.ProcessEnv = process.env, home = homedir()): Map<string, EnginePlace> {
  const out = new Map<string, EnginePlace>();
  const first = engineCandidates(env, home, undefined)[0];
  if (first && !first.problem) out.set(DEFAULT_ENGINE, endpointAddress(first.endpoint));
  for (const [name, decl] of Object.entries(spec.engines)) {
    const c = declaredEngineCandidate(name, decl, env, home);
    if (!c.problem) out.set(name, endpointAddress(c.endpoint));
  }
  return out;
}

/** Each engine's address by name (specEnginePlaces), as @berth/health's deriveChecks takes them. */
export function specEngineAddresses(spec: Pick<BerthSpec, 'engines'>, env: NodeJS.ProcessEnv = process.env, home = homedir()): Map<string, string> {
  return new Map([...specEnginePlaces(spec, env, home)].map(([name, place]) => [name, place.address]));
}

/** `engine "gpu"`, for messages; nothing for the default engine of a spec that declares no other (berth's messages stay as they were). */
export function engineLabel(spec: Pick<BerthSpec, 'engines'>, name: string): string {
  return name === DEFAULT_ENGINE && !Object.keys(spec.engines).length ? '' : `engine "${name}"`;
}

/** Connects one engine of the spec: the default one as the docker CLI finds it, a declared one by its context or host. */
export async function connectSpecEngine(spec: Pick<BerthSpec, 'engines'>, name: string, options: ConnectOptions = {}): Promise<SpecEngine> {
  const env = options.env ?? process.env;
  const declaration = name === DEFAULT_ENGINE ? undefined : spec.engines[name];
  if (name !== DEFAULT_ENGINE && !declaration) throw new BerthError('ERR_BERTH_UNKNOWN_ENGINE', `engine "${name}" is not declared under engines`);
  const engine = declaration
    ? await connectCandidate(declaredEngineCandidate(name, declaration, env, options.home ?? homedir()), `engine "${name}"`, options)
    : await connectEngine(options);
  return { name, engine, mode: declaration?.mode ?? 'containers', ...engineAddress(engine.endpoint) };
}

/** An unreachable engine's error with the engine named in front (the default engine of a spec without others keeps berth's usual words). */
function namedError(spec: Pick<BerthSpec, 'engines'>, name: string, err: unknown): unknown {
  const label = engineLabel(spec, name);
  if (!label || !(err instanceof BerthError) || err.message.startsWith(label)) return err;
  return new BerthError(err.code, `${label}: ${err.message}`, { problems: err.problems, ...(err.hint ? { hint: err.hint } : {}) });
}

/**
 * Connects the named engines of a spec at once. When any cannot be reached, the others are let go and
 * one error (exit 3) says which, one line each. With `partial`, the reachable ones are returned, with the
 * others' errors as `lost` and their problems as `unreachable` (the command acts where it can and ends
 * with exit 3); when none is reachable, it throws all the same.
 */
export async function connectSpecEngines(
  spec: Pick<BerthSpec, 'engines'>,
  names: string[],
  options: ConnectOptions & { partial?: boolean } = {},
): Promise<SpecEngines & { unreachable: Problem[] }> {
  const settled = await Promise.allSettled(names.map((n) => connectSpecEngine(spec, n, options)));
  const engines = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ name: names[i]!, err: s.reason as unknown }] : []));
  const lost = new Map(failed.map(({ name, err }) => [name, namedError(spec, name, err)]));
  const set: SpecEngines = {
    engines,
    get: (name) => engines.find((e) => e.name === name),
    ...(lost.size ? { lost } : {}),
    close: () => engines.forEach((e) => e.engine.close()),
  };
  if (failed.some((f) => isAbort(f.err))) {
    set.close();
    throw abortError(options.signal?.reason);
  }
  const unreachable: Problem[] = failed.flatMap(({ name, err }) => {
    const e = err as BerthError;
    const label = engineLabel(spec, name);
    // The default engine's error has one problem per place looked in; a declared one's is one line already naming it.
    if (e.problems?.length) return e.problems.map((p, i) => ({ ...p, message: label ? `${label}: ${p.message}` : p.message, ...(e.hint && i === 0 ? { hint: e.hint } : {}) }));
    return [{ code: 'engine-unreachable', severity: 'error' as const, message: e.message ?? String(err), ...(e.hint ? { hint: e.hint } : {}) }];
  });
  // Only an engine out of reach is left out: anything else (a bug) ends the command as it always did.
  if (failed.length && (!options.partial || !engines.length || failed.some((f) => !isOutOfReach(f.err)))) {
    set.close();
    if (failed.length === 1) throw lost.get(failed[0]!.name)!;
    throw new BerthError('ERR_BERTH_ENGINE_UNREACHABLE', `${failed.length} engines cannot be reached`, { problems: unreachable });
  }
  return { ...set, unreachable };
}

/** How an engine is told from another: its mode and endpoint (`unix://` alone is the default socket, as the docker CLI reads it). */
function engineIdentity(e: SpecEngine): string {
  return `${e.mode} ${canonicalEndpoint(e.engine.endpoint)}`;
}

/**
 * The names of the set that reach one engine (the same endpoint, in the same mode), by the name that stands for them
 * (the first in the set's order): the default engine when DOCKER_HOST or the current context points where a
 * declared engine does, or two declared names for one host. A command acts on such an engine once, with every
 * service placed on any of its names, and names each service by its own placement: two `up`s of one project on one
 * engine would wait on each other's project lock (a dependency across the two names never met), and two `status`es
 * would list every container twice. A name that stands for itself alone is not in the map.
 */
export function sameEngineNames(engines: SpecEngine[]): Map<string, string> {
  const first = new Map<string, string>();
  const out = new Map<string, string>();
  for (const e of engines) {
    const id = engineIdentity(e);
    const standing = first.get(id);
    if (standing === undefined) first.set(id, e.name);
    else out.set(e.name, standing);
  }
  return out;
}
