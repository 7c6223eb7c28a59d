import type { BerthSpec } from '../schema/spec.js';
import type { Problem } from '../problem.js';
import { closest } from '../util/did-you-mean.js';

type Ref = Omit<Problem, 'file' | 'line' | 'col'>;

/** Cross-references inside one spec: every profile, service, module and network named must exist; no dependency cycles. */
export function checkReferences(spec: BerthSpec): Ref[] {
  const out: Ref[] = [];
  const services = Object.keys(spec.services);
  const profiles = Object.keys(spec.profiles);
  const modules = Object.keys(spec.modules);
  const networks = Object.keys(spec.networks);

  const missing = (kind: string, name: string, known: string[], path: (string | number)[], extra = '') => {
    const hint = closest(name, known);
    out.push({
      code: `unknown-${kind}`,
      severity: 'error',
      path,
      message: `${kind} "${name}" does not exist${hint ? ` (did you mean "${hint}"?)` : known.length ? ` (known: ${known.join(', ')})` : ''}${extra}`,
    });
  };

  for (const [id, svc] of Object.entries(spec.services)) {
    const base = ['services', id];
    svc.profiles?.forEach((p, i) => {
      if (!profiles.includes(p)) missing('profile', p, profiles, [...base, 'profiles', i], '; declare it under `profiles`');
    });
    for (const dep of Object.keys(svc.dependsOn ?? {})) {
      if (dep === id) out.push({ code: 'dependency-cycle', severity: 'error', path: [...base, 'dependsOn', dep], message: `service "${id}" depends on itself` });
      else if (!services.includes(dep)) missing('service', dep, services, [...base, 'dependsOn', dep]);
    }
    svc.exclusiveWith?.forEach((other, i) => {
      if (!services.includes(other)) missing('service', other, services, [...base, 'exclusiveWith', i]);
    });
    svc.runtime?.forEach((r, i) => {
      if (r.network && !networks.includes(r.network)) missing('network', r.network, networks, [...base, 'runtime', i, 'network']);
    });
    svc.networks?.forEach((n, i) => {
      if (n !== 'default' && !networks.includes(n)) missing('network', n, networks, [...base, 'networks', i]);
    });
    svc.checks?.forEach((c, i) => {
      if ((c.type === 'container' || c.type === 'exec') && c.service && !services.includes(c.service)) missing('service', c.service, services, [...base, 'checks', i, 'service']);
    });
  }

  for (const [name, v] of Object.entries(spec.env)) {
    if (v.required.kind === 'module') {
      v.required.modules.forEach((m, i) => {
        if (!modules.includes(m)) missing('module', m, modules, ['env', name, 'required', 'module', ...(v.required.kind === 'module' && v.required.modules.length > 1 ? [i] : [])], '; declare it under `modules`');
      });
    }
  }

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
