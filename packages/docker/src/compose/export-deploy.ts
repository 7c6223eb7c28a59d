import type { BerthSpec, ConfigDefinition, FileObjectReference, SecretDefinition, ServiceDeploy } from '@berth/spec';
import { formatDuration } from './duration.js';
import type { ComposeMap } from './model.js';
import { rebasePath } from './paths.js';

const duration = (ms: number | undefined) => (ms === undefined ? undefined : formatDuration(ms));

/** Drops undefined members (and objects left empty), so the file holds only what the spec says. */
function compact(value: ComposeMap): ComposeMap | undefined {
  const out: ComposeMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = compact(v as ComposeMap);
      if (inner) out[k] = inner;
    } else out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The spec's `deploy` with Compose's names (`deploy:` of a Compose or stack file). */
export function deployToCompose(deploy: ServiceDeploy | undefined): ComposeMap | undefined {
  if (!deploy) return undefined;
  const r = deploy.restartPolicy;
  const u = deploy.updateConfig;
  return compact({
    mode: deploy.mode,
    replicas: deploy.replicas,
    endpoint_mode: deploy.endpointMode,
    placement: { constraints: deploy.placement?.constraints, max_replicas_per_node: deploy.placement?.maxReplicasPerNode },
    restart_policy: r ? { condition: r.condition, delay: duration(r.delay), max_attempts: r.maxAttempts, window: duration(r.window) } : undefined,
    update_config: u ? { parallelism: u.parallelism, delay: duration(u.delay), failure_action: u.failureAction, monitor: duration(u.monitor), max_failure_ratio: u.maxFailureRatio, order: u.order } : undefined,
    resources: {
      reservations: {
        generic_resources: deploy.resources?.reservations?.genericResources?.map((g) => ({ discrete_resource_spec: { kind: g.discreteResourceSpec.kind, value: g.discreteResourceSpec.value } })),
      },
    },
  });
}

/** A service's `secrets:` / `configs:` entry: the key alone, or Compose's long form. */
export function objectReferenceToCompose(ref: FileObjectReference): unknown {
  if (ref.target === undefined && ref.uid === undefined && ref.gid === undefined && ref.mode === undefined) return ref.source;
  return compact({ source: ref.source, target: ref.target, uid: ref.uid, gid: ref.gid, mode: ref.mode });
}

/** The top-level `secrets:` or `configs:` of the spec with Compose's fields; files rewritten from the spec's directory to the output's. */
export function objectsToCompose(objects: BerthSpec['secrets'] | BerthSpec['configs'], dirs?: { specDir: string; outDir: string }): ComposeMap {
  const out: ComposeMap = {};
  for (const [key, def] of Object.entries(objects) as [string, SecretDefinition | ConfigDefinition][]) {
    out[key] = compact({
      file: def.file !== undefined && dirs ? rebasePath(def.file, dirs.specDir, dirs.outDir) : def.file,
      environment: def.environment,
      content: 'content' in def ? def.content : undefined,
      external: def.external || undefined,
      name: def.name,
    }) ?? {};
  }
  return out;
}
