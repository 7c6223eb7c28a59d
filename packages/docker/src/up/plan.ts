import type { BerthSpec } from '@berth/spec';
import type { DesiredContainer } from './desired.js';

/** What the engine has for one container of the project (from its labels and inspect data). */
export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  hash?: string;
  imageId: string;
  state: string;
}

/** `restart`: a running container kept as it is, restarted because a dependency it declares `restart: true` on changes. */
export type PlanAction = 'create' | 'recreate' | 'start' | 'restart' | 'keep' | 'remove';

export interface PlanStep {
  service: string;
  action: PlanAction;
  /** Why, in words: "config changed", "image changed", "not running", "up to date". */
  reason: string;
  /** The container acted on (for recreate/start/keep/remove). */
  container?: { id: string; name: string };
}

export interface Plan {
  steps: PlanStep[];
  /** Containers of the project whose service is not in the spec at all (Compose's orphans). */
  orphans: { id: string; name: string; service: string }[];
}

/**
 * The pure comparison at the heart of `up`: desired services (with the local image id of each)
 * against the project's containers, matched by service label, compared by berth's config hash and
 * the image id. Containers of spec services that are not selected (other profiles) are left alone.
 */
export function plan(desired: (DesiredContainer & { imageId?: string })[], observed: ObservedContainer[], specServices: Iterable<string>): Plan {
  const known = new Set(specServices);
  const steps: PlanStep[] = [];
  for (const d of desired) {
    const mine = observed.filter((o) => o.service === d.service);
    const [first, ...extra] = mine.sort((a, b) => Number(b.name === d.name) - Number(a.name === d.name));
    for (const e of extra) steps.push({ service: d.service, action: 'remove', reason: 'duplicate container', container: { id: e.id, name: e.name } });
    if (!first) {
      steps.push({ service: d.service, action: 'create', reason: 'no container' });
      continue;
    }
    const container = { id: first.id, name: first.name };
    if (first.hash !== d.hash) steps.push({ service: d.service, action: 'recreate', reason: first.hash ? 'config changed' : 'not created by berth', container });
    else if (d.imageId && first.imageId !== d.imageId) steps.push({ service: d.service, action: 'recreate', reason: 'image changed', container });
    else if (first.state === 'running' || first.state === 'restarting') steps.push({ service: d.service, action: 'keep', reason: 'up to date', container });
    else steps.push({ service: d.service, action: 'start', reason: `${first.state}`, container });
  }
  const orphans = observed.filter((o) => !known.has(o.service)).map(({ id, name, service }) => ({ id, name, service }));
  return { steps, orphans };
}

/** True when applying the plan would change nothing. */
export function planIsEmpty(p: Plan): boolean {
  return p.steps.every((s) => s.action === 'keep');
}

/**
 * The services a restart of `named` restarts: those, and, transitively, every service that declares
 * `dependsOn.<one of them>.restart: true` (Compose v2's rule: a dependent that holds connections to it).
 */
export function restartCascade(spec: BerthSpec, named: Iterable<string>): Set<string> {
  const out = new Set(named);
  for (const service of out) {
    for (const [dependent, s] of Object.entries(spec.services)) {
      if (s.dependsOn?.[service]?.restart) out.add(dependent);
    }
  }
  return out;
}

/**
 * Compose's `depends_on.<service>.restart: true` on `up`: a service kept running is restarted (not recreated) once a
 * dependency it declares that on is created or recreated, since it holds connections to the container that went
 * away; transitively, as `berth restart` does (restartCascade). Changes the plan's steps in place.
 */
export function restartDependents(p: Plan, spec: BerthSpec): void {
  const changed = new Set(p.steps.filter((s) => s.action === 'create' || s.action === 'recreate').map((s) => s.service));
  if (!changed.size) return;
  const cascade = restartCascade(spec, changed);
  for (const step of p.steps) {
    if (step.action !== 'keep' || !cascade.has(step.service)) continue;
    const deps = Object.entries(spec.services[step.service]?.dependsOn ?? {});
    const [dep] = deps.find(([name, d]) => d.restart && cascade.has(name)) ?? [];
    Object.assign(step, { action: 'restart', reason: `${dep} ${changed.has(dep!) ? 'is recreated' : 'restarts'} (dependsOn.${dep}.restart)` });
  }
}
