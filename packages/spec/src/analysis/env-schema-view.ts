import type { BerthSpec } from '../schema/spec.js';
import type { EnvVar } from '../schema/env.js';

/** A variable the spec knows: declared under `env`, or carrying a service's port or a connection's address. */
export interface KnownEnvVar {
  name: string;
  declared?: EnvVar;
  /** Where it is defined, as a path into the spec. */
  path: (string | number)[];
  type: EnvVar['type'];
  secret: boolean;
  /** The modules whose enabling makes it required; 'always' / 'never' otherwise. */
  required: 'always' | 'never' | string[];
  /** Services whose port it carries. */
  ports: { service: string; from: number; to: number; label?: string }[];
}

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
      required: v.required.kind === 'module' ? v.required.modules : v.required.kind,
      ports: [],
    });
  }
  for (const [service, svc] of Object.entries(spec.services)) {
    svc.ports?.forEach((p, j) => {
      if (!p.env) return;
      const known = out.get(p.env) ?? { name: p.env, path: ['services', service, 'ports', j, 'env'], type: 'port' as const, secret: false, required: 'never' as const, ports: [] };
      const label = p.description ?? svc.name;
      known.ports.push(label ? { service, from: p.host.from, to: p.host.to, label } : { service, from: p.host.from, to: p.host.to });
      out.set(p.env, known);
    });
  }
  for (const [id, c] of Object.entries(spec.connections)) {
    if (c.transport !== 'tcp' || !c.env || out.has(c.env)) continue;
    out.set(c.env, { name: c.env, path: ['connections', id, 'env'], type: 'string', secret: false, required: 'never', ports: [] });
  }
  return out;
}

/** Whether a variable must be set with these modules enabled. */
export function isRequired(v: KnownEnvVar, modules: readonly string[]): boolean {
  if (v.required === 'always') return true;
  if (v.required === 'never') return false;
  return v.required.some((m) => modules.includes(m));
}
