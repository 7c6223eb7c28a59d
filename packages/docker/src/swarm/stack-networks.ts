import { BerthError, type BerthSpec } from '@berth/spec';
import type { EngineApi } from '../engine/engine-api.js';
import { BERTH_MANAGED, COMPOSE_PROJECT, STACK_NAMESPACE } from '../labels.js';
import { stackNetworkName } from './desired-service.js';

/** The spec's network key behind an engine name of this stack ('default' for `<stack>_default`). */
function networkKey(spec: BerthSpec, stack: string, name: string): string {
  return Object.keys(spec.networks).find((k) => stackNetworkName(spec, stack, k) === name) ?? 'default';
}

/**
 * The stack's overlay networks the services join, created when missing with the stack's label (as
 * `docker stack deploy` does; attachable, so a one-off container can join them); an external one must
 * already exist with swarm scope.
 */
export async function ensureStackNetworks(api: EngineApi, spec: BerthSpec, stack: string, names: string[]): Promise<string[]> {
  const created: string[] = [];
  if (!names.length) return created;
  const existing = await api.listNetworks({ filters: { name: names } });
  for (const name of names) {
    const key = networkKey(spec, stack, name);
    const found = existing.find((n) => n.Name === name);
    if (spec.networks[key]?.external) {
      if (!found) throw new BerthError('ERR_BERTH_SWARM_EXTERNAL', `external network "${name}" (networks.${key}) is not on the swarm`, { hint: `create it first: docker network create -d overlay ${name}` });
      if (found.Scope !== 'swarm') throw new BerthError('ERR_BERTH_SWARM_EXTERNAL', `external network "${name}" (networks.${key}) has scope ${found.Scope}; a swarm service needs a swarm-scoped (overlay) network`);
      continue;
    }
    if (found && found.Scope !== 'swarm') {
      // the project's bridge network, from when this engine ran the project as containers (or another tool's of that name)
      const ours = found.Labels?.[COMPOSE_PROJECT] === stack;
      throw new BerthError('ERR_BERTH_ENGINE', `network "${name}" is on this engine as a ${found.Scope ?? 'local'}${found.Driver ? ` ${found.Driver}` : ''} network${ours ? ` of project ${stack}'s containers` : ''}, and a swarm service needs an overlay one of that name`, {
        hint: ours ? 'berth down removes the project\'s containers and their network (on a swarm engine too); then berth up deploys the stack' : `remove it (docker network rm ${name}), or give networks.${key} another name:`,
      });
    }
    if (found) continue;
    try {
      await api.createNetwork({ Name: name, Driver: 'overlay', Attachable: true, CheckDuplicate: true, Labels: { [STACK_NAMESPACE]: stack, [BERTH_MANAGED]: 'true' } });
      created.push(name);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
  }
  return created;
}
