import type { BerthSpec } from '../schema/spec.js';
import type { EnvVar, Requirement } from '../schema/env.js';

/** A variable the spec knows: declared under `env`, or carrying a service's port or a connection's address. */
export interface KnownEnvVar {
  name: string;
  declared?: EnvVar;
  /** Where it is defined, as a path into the spec. */
  path: (string | number)[];
  type: EnvVar['type'];
  secret: boolean;
  /** When it must be set, as the spec says (`never` for a variable only a port or a connection names). */
  required: Requirement;
  /** Services whose port it carries. */
  ports: { service: string; from: number; to: number; label?: string }[];
}

const NEVER: Requirement = { kind: 'never' };

/** Every env var the spec names, declared ones first, each once. */
export function knownEnvVars(spec: BerthSpec): Map<string, KnownEnvVar> {
  const out = new Map<string, KnownEnvVar>();
  for (const [name, v] of Object.entries(spec.env)) {
    out.set(name, {
      name,
      declared: v,
      path: ['env', name],
      type: v.type,
      secret: v.secret,
      required: v.required,
      ports: [],
    });
  }
  for (const [service, svc] of Object.entries(spec.services)) {
    svc.ports?.forEach((p, j) => {
      if (!p.env) return;
      const known = out.get(p.env) ?? { name: p.env, path: ['services', service, 'ports', j, 'env'], type: 'port' as const, secret: false, required: NEVER, ports: [] };
      const label = p.description ?? svc.name;
      known.ports.push(label ? { service, from: p.host.from, to: p.host.to, label } : { service, from: p.host.from, to: p.host.to });
      out.set(p.env, known);
    });
  }
  for (const [id, c] of Object.entries(spec.connections)) {
    if (c.transport !== 'tcp' || !c.env || out.has(c.env)) continue;
    out.set(c.env, { name: c.env, path: ['connections', id, 'env'], type: 'string', secret: false, required: NEVER, ports: [] });
  }
  return out;
}

/**
 * Whether a variable must be set with these modules enabled and these Compose profiles on (`*`: every profile).
 * A variable required `{ profile }` for profiles that are all off is not required.
 */
export function isRequired(v: KnownEnvVar, modules: readonly string[], profiles: readonly string[] = []): boolean {
  return requiredBy(v, modules, profiles) !== undefined;
}

/** What makes a variable required: `always`, or the enabled modules / the profiles on that ask for it; undefined when nothing does. */
export function requiredBy(v: KnownEnvVar, modules: readonly string[], profiles: readonly string[] = []): 'always' | { modules: string[] } | { profiles: string[] } | undefined {
  const r = v.required;
  if (r.kind === 'always') return 'always';
  if (r.kind === 'module') {
    const on = r.modules.filter((m) => modules.includes(m));
    return on.length ? { modules: on } : undefined;
  }
  if (r.kind === 'profile') {
    const on = profiles.includes('*') ? r.profiles : r.profiles.filter((p) => profiles.includes(p));
    return on.length ? { profiles: on } : undefined;
  }
  return undefined;
}
