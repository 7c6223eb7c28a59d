import type { BerthSpec } from '../schema/spec.js';
import type { Problem } from '../problem.js';
import { closest } from '../util/did-you-mean.js';
import { enginePlacementProblems } from '../analysis/engine-placement.js';

type Ref = Omit<Problem, 'file' | 'line' | 'col'>;

const SUGGESTIONS_PER_KIND = 50;
/** Up to this many names are listed when none is close ("known: a, b, c"); beyond that the list helps nobody. */
const KNOWN_LISTED = 20;

/** Cross-references inside one spec: every profile, service, module, network, engine, secret and config named must exist; no dependency cycles; one engine per service; no connection named as a service; a connection's service has its owner. */
export function checkReferences(spec: BerthSpec): Ref[] {
  const out: Ref[] = [];
  const services = new Set(Object.keys(spec.services));
  const profiles = new Set(Object.keys(spec.profiles));
  const modules = new Set(Object.keys(spec.modules));
  const networks = new Set(Object.keys(spec.networks));
  const secrets = new Set(Object.keys(spec.secrets));
  const configs = new Set(Object.keys(spec.configs));
  // A did-you-mean looks at every name of its kind: with thousands of services and thousands of broken
  // references that is quadratic, so only the first references of each kind get one (the ones printed).
  const suggested = new Map<string, number>();

  const missing = (kind: string, name: string, known: ReadonlySet<string>, path: (string | number)[], extra = '') => {
    const n = suggested.get(kind) ?? 0;
    suggested.set(kind, n + 1);
    const hint = n < SUGGESTIONS_PER_KIND ? closest(name, known) : undefined;
    const list = !hint && known.size && known.size <= KNOWN_LISTED ? ` (known: ${[...known].join(', ')})` : '';
    out.push({
      code: `unknown-${kind}`,
      severity: 'error',
      path,
      message: `${kind} "${name}" does not exist${hint ? ` (did you mean "${hint}"?)` : list}${extra}`,
    });
  };

  for (const [id, svc] of Object.entries(spec.services)) {
    const base = ['services', id];
    svc.profiles?.forEach((p, i) => {
      if (!profiles.has(p)) missing('profile', p, profiles, [...base, 'profiles', i], '; declare it under `profiles`');
    });
    for (const dep of Object.keys(svc.dependsOn ?? {})) {
      if (dep === id) out.push({ code: 'dependency-cycle', severity: 'error', path: [...base, 'dependsOn', dep], message: `service "${id}" depends on itself` });
      else if (!services.has(dep)) missing('service', dep, services, [...base, 'dependsOn', dep]);
    }
    svc.exclusiveWith?.forEach((other, i) => {
      if (!services.has(other)) missing('service', other, services, [...base, 'exclusiveWith', i]);
    });
    svc.runtime?.forEach((r, i) => {
      if (r.network && !networks.has(r.network)) missing('network', r.network, networks, [...base, 'runtime', i, 'network']);
    });
    svc.networks?.forEach((n, i) => {
      if (n !== 'default' && !networks.has(n)) missing('network', n, networks, [...base, 'networks', i]);
    });
    svc.secrets?.forEach((s, i) => {
      if (!secrets.has(s.source)) missing('secret', s.source, secrets, [...base, 'secrets', i], '; declare it under `secrets`');
    });
    svc.configs?.forEach((c, i) => {
      if (!configs.has(c.source)) missing('config', c.source, configs, [...base, 'configs', i], '; declare it under `configs`');
    });
    svc.checks?.forEach((c, i) => {
      if ((c.type === 'container' || c.type === 'exec') && c.service && !services.has(c.service)) missing('service', c.service, services, [...base, 'checks', i, 'service']);
    });
  }

  // `required: { module }` and `{ profile }` name modules and profiles the spec declares
  for (const [name, v] of Object.entries(spec.env)) {
    const r = v.required;
    const named = r.kind === 'module' ? { kind: 'module', names: r.modules, known: modules } : r.kind === 'profile' ? { kind: 'profile', names: r.profiles, known: profiles } : undefined;
    named?.names.forEach((n, i) => {
      if (!named.known.has(n)) missing(named.kind, n, named.known, ['env', name, 'required', named.kind, ...(named.names.length > 1 ? [i] : [])], `; declare it under \`${named.kind}s\``);
    });
  }

  // a connection's service is a service of its owner: without one it names nobody's
  for (const [id, c] of Object.entries(spec.connections)) {
    if (c.service !== undefined && c.owner === undefined) {
      out.push({ code: 'connection-service-without-owner', severity: 'error', path: ['connections', id, 'service'], message: `connection "${id}" names service ${c.service} but no owner: a connection's service is one of its owner's (add \`owner:\`, the repo that runs ${c.service})` });
    }
  }

  // health checks, their history and the API's routes know a subject by its name alone (`berth health db`, /api/services/db)
  for (const id of Object.keys(spec.connections)) {
    if (services.has(id)) {
      out.push({ code: 'connection-named-as-service', severity: 'error', path: ['connections', id], message: `connection "${id}" has the name of a service: health checks, their history and the API know each by its name alone (rename one)` });
    }
  }

  out.push(...enginePlacementProblems(spec));

  for (const cycle of dependencyCycles(spec)) {
    out.push({
      code: 'dependency-cycle',
      severity: 'error',
      path: ['services', cycle[0]!, 'dependsOn'],
      message: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
    });
  }
  return out;
}

/** Every elementary cycle of depends_on, each reported once (starting at its smallest id). */
export function dependencyCycles(spec: Pick<BerthSpec, 'services'>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of Object.keys(spec.services[id]?.dependsOn ?? {})) {
      if (dep === id || !spec.services[dep]) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const norm = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = norm.join('>');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(norm);
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of Object.keys(spec.services)) if (!state.has(id)) visit(id);
  return cycles;
}
