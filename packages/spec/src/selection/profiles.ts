import type { Problem } from '../problem.js';
import type { BerthSpec } from '../schema/spec.js';
import type { Service } from '../schema/service.js';

/** Environment variables, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;

/** The services an `up` acts on, after Compose's profile rules. */
export interface ProfileSelection {
  /** Active profiles, including those added by naming a service. */
  profiles: string[];
  /** Services to start, dependencies first (a stable topological order). */
  services: string[];
  /** Enabled services berth leaves alone because they run elsewhere (devcontainer, host). */
  elsewhere: string[];
  /** Errors (a disabled required dependency, an unknown service) and warnings. */
  problems: Problem[];
}

/** True when the service runs under the engine (the default runtime is compose). */
export function runsInEngine(service: Service): boolean {
  return !service.runtime || service.runtime.some((r) => r.kind === 'compose');
}

/** True when one of its runtimes is the devcontainer or the host: it may run there whatever Compose's profiles say. */
export function runsOutsideEngine(service: Service): boolean {
  return !!service.runtime?.some((r) => r.kind === 'devcontainer' || r.kind === 'host');
}

/** The active profiles: `--profile` flags (repeatable, comma-separated) or else COMPOSE_PROFILES; `*` means all. */
export function activeProfiles(flags: readonly string[] | undefined, env: Environment): Set<string> {
  const fromFlags = (flags ?? []).flatMap((p) => p.split(',')).map((s) => s.trim()).filter(Boolean);
  const source = fromFlags.length ? fromFlags : (env['COMPOSE_PROFILES'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return new Set(source);
}

function isEnabled(service: Service, active: Set<string>): boolean {
  const profiles = service.profiles ?? [];
  return profiles.length === 0 || active.has('*') || profiles.some((p) => active.has(p));
}

/** Dependencies first; ties in spec order. Cycles are reported by the loader, so they are cut here. */
export function dependencyOrder(spec: BerthSpec, names: Iterable<string>): string[] {
  const wanted = new Set(names);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name)) return;
    state.set(name, 'visiting');
    for (const dep of Object.keys(spec.services[name]?.dependsOn ?? {})) if (wanted.has(dep)) visit(dep);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(spec.services)) if (wanted.has(name)) visit(name);
  return order;
}

export interface SelectionOptions {
  /** `--profile` values; when none, COMPOSE_PROFILES from `env`. */
  profiles?: string[];
  /** Services named on the command line: only they and their dependencies are selected. */
  services?: string[];
  env?: Environment;
}

/**
 * The service a user named (on the command line, in a request), or undefined: its own entry only, so that
 * `constructor` or `__proto__` is no service (the parsed spec's records are plain objects).
 */
export function serviceNamed<S>(spec: { services: Record<string, S> }, name: string): S | undefined {
  return Object.hasOwn(spec.services, name) ? spec.services[name] : undefined;
}

/**
 * Compose's profile semantics: services without profiles always; `--profile` (repeatable, or
 * COMPOSE_PROFILES when no flag is given, `*` for all) enables more; naming a service enables its
 * own profiles (not its dependencies'); the enabled dependencies of what is selected come along; a
 * required dependency left disabled is an error naming the profiles that enable it, an optional one a warning.
 */
export function resolveProfiles(spec: BerthSpec, options: SelectionOptions = {}): ProfileSelection {
  const active = activeProfiles(options.profiles, options.env ?? {});
  const problems: Problem[] = [];
  const named = options.services ?? [];
  for (const name of named) {
    const service = serviceNamed(spec, name);
    if (!service) {
      problems.push({ code: 'unknown-service', severity: 'error', message: `no service "${name}" in the spec`, hint: `services: ${Object.keys(spec.services).join(', ')}` });
      continue;
    }
    for (const p of service.profiles ?? []) active.add(p);
  }
  for (const p of active) {
    if (p !== '*' && !Object.hasOwn(spec.profiles, p) && !Object.values(spec.services).some((s) => s.profiles?.includes(p))) {
      problems.push({ code: 'unknown-profile', severity: 'warning', message: `profile "${p}" enables no service` });
    }
  }
  const enabled = (name: string) => !!spec.services[name] && isEnabled(spec.services[name], active);
  const roots = named.length ? named.filter((n) => serviceNamed(spec, n)) : Object.keys(spec.services).filter(enabled);
  const selected = new Set<string>();
  const walk = (name: string) => {
    if (selected.has(name)) return;
    selected.add(name);
    for (const [dep, how] of Object.entries(spec.services[name]?.dependsOn ?? {})) {
      if (!spec.services[dep]) continue; // the loader reports unknown references
      if (enabled(dep)) walk(dep);
      else {
        const profiles = spec.services[dep]!.profiles ?? [];
        const message = `service "${dep}" is required by "${name}" but is disabled; it is enabled by profile${profiles.length === 1 ? '' : 's'} ${profiles.map((p) => `"${p}"`).join(', ')}`;
        problems.push({
          code: how.required ? 'dependency-disabled' : 'optional-dependency-disabled',
          severity: how.required ? 'error' : 'warning',
          message: how.required ? message : `${message} (optional: starting without it)`,
          path: ['services', name, 'dependsOn', dep],
          hint: `add --profile ${profiles[0] ?? '?'}`,
        });
      }
    }
  };
  roots.forEach(walk);
  const ordered = dependencyOrder(spec, selected);
  return {
    profiles: [...active].sort(),
    services: ordered.filter((n) => runsInEngine(spec.services[n]!)),
    elsewhere: ordered.filter((n) => !runsInEngine(spec.services[n]!)),
    problems,
  };
}
