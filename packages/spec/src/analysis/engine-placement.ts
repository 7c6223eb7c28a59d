import type { Problem } from '../problem.js';
import { DEFAULT_ENGINE } from '../schema/engine.js';
import type { BerthSpec } from '../schema/spec.js';
import { closest } from '../util/did-you-mean.js';
import { isLocalHost } from './host-ip.js';

type Ref = Omit<Problem, 'file' | 'line' | 'col'>;

/** The engines a service is placed on, each with the field that says so: its own `engine`, then its profiles'. */
function placements(spec: Pick<BerthSpec, 'services' | 'profiles'>, service: string): { engine: string; path: (string | number)[] }[] {
  const svc = spec.services[service];
  if (!svc) return [];
  const out: { engine: string; path: (string | number)[] }[] = [];
  if (svc.engine) out.push({ engine: svc.engine, path: ['services', service, 'engine'] });
  for (const p of svc.profiles ?? []) {
    const engine = spec.profiles[p]?.engine;
    if (engine) out.push({ engine, path: ['profiles', p, 'engine'] });
  }
  return out;
}

/**
 * The one rule for where a service runs: its own `engine`, else the `engine` of the profiles that
 * enable it, else the default engine (found as the docker CLI finds it). A spec where these name two
 * engines for one service does not load (see `enginePlacementProblems`); here the first one wins.
 */
export function serviceEngine(spec: Pick<BerthSpec, 'services' | 'profiles'>, service: string): string {
  return placements(spec, service)[0]?.engine ?? DEFAULT_ENGINE;
}

/** The services of a selection grouped by the engine each runs on, each group in the selection's order. */
export function placeServices(spec: Pick<BerthSpec, 'services' | 'profiles'>, services: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of services) {
    const engine = serviceEngine(spec, s);
    out.set(engine, [...(out.get(engine) ?? []), s]);
  }
  return out;
}

/** Every engine a spec places some service on (the default engine when any service has no other). */
export function enginesInUse(spec: Pick<BerthSpec, 'services' | 'profiles'>): string[] {
  return [...new Set(Object.keys(spec.services).map((s) => serviceEngine(spec, s)))];
}

/**
 * The machine an engine's ports are published on, for telling "the same port on two hosts" (no
 * conflict) from "the same port on one host": undefined for this machine (the default engine, a
 * unix socket, a loopback address), the host name of an ssh:// or tcp:// endpoint, and `context NAME`
 * for a context (two contexts are taken for two machines: berth does not read them to compare).
 */
export function engineMachine(spec: Pick<BerthSpec, 'engines'>, engine: string | undefined): string | undefined {
  const decl = engine === undefined || engine === DEFAULT_ENGINE ? undefined : spec.engines[engine];
  if (!decl) return undefined;
  if (decl.context) return machineKey(`context ${decl.context}`);
  const host = decl.host ?? '';
  if (host.startsWith('unix://')) return undefined;
  try {
    const name = new URL(host).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return isLocalHost(name) ? undefined : name;
  } catch {
    return machineKey(host);
  }
}

/**
 * A machine as the registry's `machine:` and engineMachine name it, in the one form both are compared in: a host
 * name in lower case (DNS names have no case), a `context NAME` as written (Docker's context names have case).
 * Blank is this machine (undefined).
 */
export function machineKey(machine: string | undefined): string | undefined {
  const m = machine?.trim();
  if (!m) return undefined;
  const context = /^context\s+(.+)$/i.exec(m);
  return context ? `context ${context[1]}` : m.toLowerCase();
}

/**
 * The address a port published by the engine at `endpoint` is reached at from here: 127.0.0.1 for
 * this machine (a unix socket, a loopback address), else the endpoint's host. `local` says which.
 */
export function endpointAddress(endpoint: string): { address: string; local: boolean } {
  if (/^(unix|npipe):\/\//.test(endpoint)) return { address: '127.0.0.1', local: true };
  try {
    const host = new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host || isLocalHost(host)) return { address: '127.0.0.1', local: true };
    return { address: host, local: false };
  } catch {
    return { address: '127.0.0.1', local: true };
  }
}

/**
 * Where each declared engine's published ports are reached, as far as the spec alone says (its `host`),
 * for what reads no environment (the docs page). The default engine is taken for this machine's and an
 * engine named by a context is left out: where they really are (DOCKER_HOST, a context's endpoint in the
 * Docker config) is specEnginePlaces in @berth/docker, which health, doctor and the API go by.
 */
export function engineAddresses(spec: Pick<BerthSpec, 'engines'>): Map<string, string> {
  const out = new Map<string, string>([[DEFAULT_ENGINE, '127.0.0.1']]);
  for (const [name, decl] of Object.entries(spec.engines)) if (decl.host) out.set(name, endpointAddress(decl.host).address);
  return out;
}

/** The machine a service's ports are published on (see engineMachine). */
export function serviceMachine(spec: Pick<BerthSpec, 'services' | 'profiles' | 'engines'>, service: string): string | undefined {
  return engineMachine(spec, serviceEngine(spec, service));
}

/**
 * Engine references: every name used must be declared under `engines` (or be `default`), `default`
 * itself is not declared, and no service is placed on two engines (its own `engine` and a profile's,
 * or two profiles', disagreeing).
 */
export function enginePlacementProblems(spec: Pick<BerthSpec, 'services' | 'profiles' | 'engines'>): Ref[] {
  const out: Ref[] = [];
  const declared = Object.keys(spec.engines);
  const known = [...new Set([DEFAULT_ENGINE, ...declared])];
  if (spec.engines[DEFAULT_ENGINE]) {
    out.push({
      code: 'engine-default-declared',
      severity: 'error',
      path: ['engines', DEFAULT_ENGINE],
      message: '"default" names the engine berth finds as the docker CLI does (DOCKER_HOST, DOCKER_CONTEXT, the current context); it cannot be declared',
      hint: 'give this engine another name, or set DOCKER_HOST / DOCKER_CONTEXT to change the default',
    });
  }
  const unknown = (name: string, path: (string | number)[]) => {
    const hint = closest(name, known);
    out.push({
      code: 'unknown-engine',
      severity: 'error',
      path,
      message: `engine "${name}" is not declared${hint ? ` (did you mean "${hint}"?)` : ` (known: ${known.join(', ')})`}; declare it under \`engines\` with a context or a host`,
    });
  };
  for (const [name, profile] of Object.entries(spec.profiles)) if (profile.engine && !known.includes(profile.engine)) unknown(profile.engine, ['profiles', name, 'engine']);
  for (const name of Object.keys(spec.services)) {
    const svc = spec.services[name]!;
    if (svc.engine && !known.includes(svc.engine)) unknown(svc.engine, ['services', name, 'engine']);
    const all = placements(spec, name);
    const engines = [...new Set(all.map((p) => p.engine))];
    if (engines.length > 1) {
      const said = all.map((p) => `${p.path.slice(0, 2).join('.')} says "${p.engine}"`).join(', ');
      out.push({
        code: 'engine-two-places',
        severity: 'error',
        path: svc.engine ? ['services', name, 'engine'] : ['services', name, 'profiles'],
        message: `service "${name}" is placed on two engines: ${said}`,
        hint: 'a service runs on one engine: make them agree, or move it to a profile of its own',
      });
    }
  }
  return out;
}
