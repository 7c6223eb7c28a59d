import type { Problem, Service } from '@berth/spec';
import { interpolate, type Lookup } from './interpolate.js';
import { formatPath, isMap, type DocPath } from './model.js';

/**
 * Where a service's text is Compose text: `${VAR}` references resolved, `$$` a literal `$`.
 * The typed fields (ports, durations, names) hold values and are left alone.
 */
const TEXT_FIELDS = ['image', 'command', 'entrypoint', 'workingDir', 'user', 'environment', 'envFile', 'labels', 'volumes', 'networkMode', 'extraHosts', 'hostname', 'tmpfs', 'build'] as const;
const HEALTH_TEXT = ['test'] as const;

export interface ResolvedService {
  /** The service with its text resolved, as the engine should get it. */
  service: Service;
  /** `${VAR:?message}` unset and broken references are errors; variables used without a default that are unset are warnings. */
  problems: Problem[];
}

/**
 * A service of the spec as berth runs it: every reference in its text resolved with `lookup` (the
 * process environment, then the `.env` beside the spec) with Compose's rules, `$$` turned into `$`,
 * as `docker compose` does before it talks to the engine. Pure; names variables, never their values.
 */
export function resolveServiceText(name: string, service: Service, lookup: Lookup): ResolvedService {
  const problems: Problem[] = [];
  const unset = new Map<string, DocPath>();
  const text = (value: unknown, path: DocPath): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value;
      const r = interpolate(value, lookup);
      const where = `service "${name}": ${formatPath(path)}`;
      for (const req of r.required) {
        problems.push({ code: 'env-required', severity: 'error', path: ['services', name, ...path], message: `${where}: required variable ${req.name} is not set${req.message ? `: ${req.message}` : ''}`, hint: 'berth reads the environment, then the .env beside the spec' });
      }
      if (r.invalid !== undefined) {
        problems.push({ code: 'env-reference-invalid', severity: 'error', path: ['services', name, ...path], message: `${where}: "${r.invalid}" is not a valid reference`, hint: 'write ${NAME} or ${NAME:-default}, and $$ for a literal $' });
      }
      for (const v of r.unset) if (!unset.has(v)) unset.set(v, path);
      return r.value;
    }
    if (Array.isArray(value)) return value.map((v, i) => text(v, [...path, i]));
    if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v, [...path, k])]));
    return value;
  };
  const out: Record<string, unknown> = { ...service };
  for (const field of TEXT_FIELDS) if (service[field] !== undefined) out[field] = text(service[field], [field]);
  if (service.healthcheck) {
    const hc: Record<string, unknown> = { ...service.healthcheck };
    for (const field of HEALTH_TEXT) if (hc[field] !== undefined) hc[field] = text(hc[field], ['healthcheck', field]);
    out.healthcheck = hc;
  }
  for (const [variable, path] of unset) {
    problems.push({ code: 'env-reference-unset', severity: 'warning', path: ['services', name, ...path], message: `service "${name}": ${formatPath(path)}: variable ${variable} is not set; it is read as an empty string` });
  }
  return { service: out as Service, problems };
}
