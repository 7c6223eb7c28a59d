import { BerthError } from '@berth/spec';
import type Dockerode from 'dockerode';
import { engineMessage, isEngineAnswer } from '../engine/engine-errors.js';
import type { DesiredSwarmService } from './desired-service.js';
import type { SwarmApi, SwarmNode } from './swarm-api.js';

/**
 * The engine must be a manager of a swarm: a deployment, a status or a removal of a stack goes
 * through a manager. One line when it is not (no swarm at all, or a worker), exit 2.
 */
export async function requireManager(swarm: SwarmApi, endpoint: string): Promise<void> {
  try {
    await swarm.inspect();
  } catch (err) {
    if (!isEngineAnswer(err)) throw err;
    const status = (err as { statusCode: number }).statusCode;
    if (status !== 503 && status !== 406) throw err;
    // Both answer 503 "This node is not a swarm manager"; a worker adds "Worker nodes can't be used ...".
    const worker = status === 406 || /worker node/i.test(engineMessage(err));
    throw new BerthError('ERR_BERTH_NOT_SWARM_MANAGER', `the engine at ${endpoint} is ${worker ? 'a swarm worker, not a manager' : 'not part of a swarm'}`, {
      hint: worker ? 'point the engine at a manager of the swarm (docker node ls there lists it)' : 'run docker swarm init (or join) on it, or deploy there as plain containers',
    });
  }
}

/** The generic resources a node advertises: kind → how many. */
function advertised(node: SwarmNode): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of node.Description?.Resources?.GenericResources ?? []) {
    if (r.DiscreteResourceSpec) out.set(r.DiscreteResourceSpec.Kind, (out.get(r.DiscreteResourceSpec.Kind) ?? 0) + r.DiscreteResourceSpec.Value);
    if (r.NamedResourceSpec) out.set(r.NamedResourceSpec.Kind, (out.get(r.NamedResourceSpec.Kind) ?? 0) + 1);
  }
  return out;
}

/**
 * Before anything is created: a service that reserves a generic resource (a GPU) that no ready,
 * active node advertises could never be placed; say so now, naming the resource and the service,
 * rather than leave its task pending.
 */
export async function resourcePreflight(swarm: SwarmApi, desired: DesiredSwarmService[]): Promise<void> {
  const wants = desired.flatMap((d) =>
    (((d.spec.TaskTemplate as Dockerode.ContainerTaskSpec).Resources?.Reservations as { GenericResources?: { DiscreteResourceSpec?: { Kind: string; Value: number } }[] } | undefined)?.GenericResources ?? [])
      .flatMap((g) => (g.DiscreteResourceSpec ? [{ service: d.service, kind: g.DiscreteResourceSpec.Kind, value: g.DiscreteResourceSpec.Value }] : [])),
  );
  if (!wants.length) return;
  const nodes = (await swarm.nodes()).filter((n) => n.Status?.State === 'ready' && (n.Spec?.Availability ?? 'active') === 'active');
  const problems = wants
    .filter((w) => !nodes.some((n) => (advertised(n).get(w.kind) ?? 0) >= w.value))
    .map((w) => ({ code: 'swarm-resource-missing', severity: 'error' as const, path: ['services', w.service], message: `service "${w.service}" reserves ${w.value} ${w.kind}, and no ready node of the swarm advertises that many` }));
  if (problems.length) {
    throw new BerthError('ERR_BERTH_SWARM_RESOURCES', 'no node of the swarm can take some services', {
      problems,
      hint: 'a GPU node advertises its GPUs to the swarm: dockerd --node-generic-resource NVIDIA-GPU=<uuid> (or node-generic-resources in daemon.json)',
    });
  }
}
