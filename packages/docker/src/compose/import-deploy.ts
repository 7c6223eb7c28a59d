import { ConfigDefinition, FileObjectReference, SecretDefinition, ServiceDeploy } from '@berth/spec';
import { durationText } from './service-extra.js';
import { isMap, type ComposeMap } from './model.js';
import { hasReference } from './references.js';

/** What an import carries of a Compose map into a spec field, and what it keeps as written under x-compose. */
export interface Carried {
  value?: unknown;
  rest?: unknown;
}

const take = (from: ComposeMap, key: string) => {
  const v = from[key];
  delete from[key];
  return v;
};

/** Compose's duration as the spec writes it ("5s"), or the number as it is. */
const duration = (v: unknown) => (v === undefined ? undefined : (durationText(v) ?? v));

function defined(value: ComposeMap): ComposeMap | undefined {
  const out = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && !(isMap(v) && !Object.keys(v).length)));
  return Object.keys(out).length ? out : undefined;
}

/**
 * A Compose `deploy:` (as written, the GPU reservation already taken out) as the spec's `deploy`: the
 * fields a swarm deployment reads (replicas, mode, endpoint_mode, placement constraints, restart and
 * update policy, generic resources); the others (labels, limits, rollback_config, preferences...) are
 * kept. A deploy written with references, or one the spec's schema refuses, is kept whole.
 */
export function carryDeploy(written: unknown): Carried {
  if (!isMap(written)) return written === undefined ? {} : { rest: written };
  if (hasReference(written)) return { rest: written };
  const rest = structuredClone(written);
  const placement = isMap(rest.placement) ? rest.placement : {};
  const restart = isMap(rest.restart_policy) ? (take(rest, 'restart_policy') as ComposeMap) : undefined;
  const update = isMap(rest.update_config) ? (take(rest, 'update_config') as ComposeMap) : undefined;
  const reservations = isMap(rest.resources) && isMap(rest.resources.reservations) ? rest.resources.reservations : {};
  const generic = Array.isArray(reservations.generic_resources) ? take(reservations, 'generic_resources') as unknown[] : undefined;
  const constraints = Array.isArray(placement.constraints) ? take(placement, 'constraints') : undefined;
  const maxPerNode = take(placement, 'max_replicas_per_node');
  const mode = rest.mode === 'replicated' || rest.mode === 'global' ? take(rest, 'mode') : undefined;
  const value = defined({
    mode,
    replicas: take(rest, 'replicas'),
    endpointMode: take(rest, 'endpoint_mode'),
    placement: defined({ constraints, maxReplicasPerNode: maxPerNode }),
    restartPolicy: restart && defined({ condition: restart.condition, delay: duration(restart.delay), maxAttempts: restart.max_attempts, window: duration(restart.window) }),
    updateConfig: update && defined({ parallelism: update.parallelism, delay: duration(update.delay), failureAction: update.failure_action, monitor: duration(update.monitor), maxFailureRatio: update.max_failure_ratio, order: update.order }),
    resources: generic && { reservations: { genericResources: generic.map((g) => (isMap(g) && isMap(g.discrete_resource_spec) ? { discreteResourceSpec: g.discrete_resource_spec } : g)) } },
  });
  if (!value) return { rest: written };
  // Something Compose allows that the spec does not (a named generic resource, a field beside a carried one): keep it all as written.
  const others = (m: ComposeMap | undefined, known: string[]) => !!m && Object.keys(m).some((k) => !known.includes(k));
  const odd = others(restart, ['condition', 'delay', 'max_attempts', 'window']) || others(update, ['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order']);
  if (odd || !ServiceDeploy.safeParse(value).success) return { rest: written };
  if (isMap(rest.resources) && isMap(rest.resources.reservations) && !Object.keys(rest.resources.reservations).length) delete rest.resources.reservations;
  if (isMap(rest.resources) && !Object.keys(rest.resources).length) delete rest.resources;
  if (isMap(rest.placement) && !Object.keys(rest.placement).length) delete rest.placement;
  return { value, ...(Object.keys(rest).length ? { rest } : {}) };
}

/**
 * A service's `secrets:` / `configs:` list as the spec's references, or kept as written when the spec
 * cannot say it. A `mode` is kept as written: Compose reads `0440` as YAML 1.1 does (octal), the
 * loader as YAML 1.2 does (decimal 440), so only the text as written means the same to both.
 */
export function carryObjectReferences(written: unknown): Carried {
  if (!Array.isArray(written) || hasReference(written) || written.some((r) => isMap(r) && r.mode !== undefined)) return written === undefined ? {} : { rest: written };
  const value = written.map((r) => (isMap(r) ? defined({ source: r.source, target: r.target, uid: r.uid, gid: r.gid, mode: r.mode }) : r));
  return value.every((r) => FileObjectReference.safeParse(r).success) && written.every((r) => !isMap(r) || Object.keys(r).every((k) => ['source', 'target', 'uid', 'gid', 'mode'].includes(k)))
    ? { value }
    : { rest: written };
}

/** One top-level secret or config as the spec's definition (file, environment, content, external, name); the rest (driver, labels, templating) kept. */
export function carryObjectDefinition(kind: 'secrets' | 'configs', written: unknown): Carried {
  if (!isMap(written) || hasReference(written)) return { rest: isMap(written) ? written : {} };
  const fields = kind === 'configs' ? ['file', 'environment', 'content', 'external', 'name'] : ['file', 'environment', 'external', 'name'];
  const value: ComposeMap = {};
  const rest: ComposeMap = {};
  for (const [k, v] of Object.entries(written)) (fields.includes(k) ? value : rest)[k] = v;
  const schema = kind === 'secrets' ? SecretDefinition : ConfigDefinition;
  if (!schema.safeParse(value).success) return { rest: written };
  return { value, ...(Object.keys(rest).length ? { rest } : {}) };
}
