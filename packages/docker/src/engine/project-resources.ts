import type Dockerode from 'dockerode';
import { BerthError } from '@berth/spec';
import type { EngineApi } from './engine-api.js';
import { BERTH_MANAGED, COMPOSE_NETWORK, COMPOSE_PROJECT, COMPOSE_SERVICE, COMPOSE_VOLUME } from '../labels.js';
import { networkName } from '../project-name.js';
import type { ServiceNetwork } from '../up/service-networks.js';

const ignoreMissing = (err: { statusCode?: number }) => {
  if (err.statusCode !== 404) throw err;
};

/** Networks named exactly `name` (the engine's name filter matches substrings), oldest first. */
async function networksNamed(docker: EngineApi, name: string): Promise<Dockerode.NetworkInspectInfo[]> {
  const found = await docker.listNetworks({ filters: { name: [name] } });
  return found.filter((n) => n.Name === name).sort((a, b) => Date.parse(a.Created) - Date.parse(b.Created) || a.Id.localeCompare(b.Id));
}

/**
 * The project's network, created with Compose's labels when missing. The engine lets two networks
 * share a name (two processes creating it at once), and then refuses every container that names it
 * ("network ... is ambiguous"): so after creating, and whenever there are several, the duplicates
 * berth can own (those with the project's label) are merged into the oldest one. Every process that
 * sees the duplicates chooses the same one to keep.
 */
export async function ensureNetwork(docker: EngineApi, project: string, network: Pick<ServiceNetwork, 'key' | 'name'> = { key: 'default', name: networkName(project) }): Promise<string> {
  const { key, name } = network;
  let found = await networksNamed(docker, name);
  if (!found.length) {
    try {
      await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [COMPOSE_PROJECT]: project, [COMPOSE_NETWORK]: key, [BERTH_MANAGED]: 'true' } });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
    found = await networksNamed(docker, name);
  }
  if (found.length > 1) await mergeDuplicateNetworks(docker, project, found);
  return name;
}

/**
 * The networks the starting containers join: an external one must exist (berth neither creates nor removes
 * it), checked for all before any is created; the project's own are created with its labels, so `down`
 * removes them.
 */
export async function ensureServiceNetworks(docker: EngineApi, project: string, networks: ServiceNetwork[]): Promise<void> {
  const byName = new Map(networks.map((n) => [n.name, n]));
  const external = [...byName.values()].filter((n) => n.external);
  const missing = (await Promise.all(external.map(async (n) => ((await networksNamed(docker, n.name)).length ? undefined : n)))).filter((n) => n !== undefined);
  if (missing.length) {
    throw new BerthError('ERR_BERTH_SERVICES', `external network${missing.length > 1 ? 's' : ''} not found`, {
      problems: missing.map((n) => ({
        code: 'external-network-missing',
        severity: 'error' as const,
        path: ['networks', n.key],
        message: `network "${n.name}" (networks.${n.key}) is external but the engine has no network of that name`,
        hint: `create it first: docker network create ${n.name}`,
      })),
    });
  }
  await Promise.all([...byName.values()].filter((n) => !n.external).map((n) => ensureNetwork(docker, project, n)));
}

/** Keeps the oldest of the project's networks, moves every container of the others onto it (same aliases), and removes them. */
async function mergeDuplicateNetworks(docker: EngineApi, project: string, found: Dockerode.NetworkInspectInfo[]): Promise<void> {
  const ours = found.filter((n) => n.Labels?.[COMPOSE_PROJECT] === project);
  const keep = ours[0] ?? found[0]!;
  const foreign = found.filter((n) => n !== keep && !ours.includes(n));
  for (const dup of ours.filter((n) => n !== keep)) {
    const inspected = await docker.getNetwork(dup.Id).inspect().catch(ignoreMissing);
    for (const id of Object.keys(inspected?.Containers ?? {})) {
      const info = await docker.getContainer(id).inspect().catch(ignoreMissing);
      await docker.getNetwork(dup.Id).disconnect({ Container: id, Force: true }).catch(ignoreMissing);
      if (!info) continue;
      const service = info.Config.Labels?.[COMPOSE_SERVICE];
      await docker
        .getNetwork(keep.Id)
        .connect({ Container: id, ...(service ? { EndpointConfig: { Aliases: [service] } } : {}) })
        .catch((err: { statusCode?: number; message?: string }) => {
          if (!/already exists/i.test(err.message ?? '')) ignoreMissing(err);
        });
    }
    await docker.getNetwork(dup.Id).remove().catch(ignoreMissing);
  }
  if (foreign.length) {
    throw new BerthError('ERR_BERTH_NETWORK_AMBIGUOUS', `${found.length} networks are named ${keep.Name}; ${foreign.length} of them were not made for project ${project}, so berth leaves them alone`, {
      hint: `remove the one you do not need: docker network rm ${foreign.map((n) => n.Id.slice(0, 12)).join(' ')}`,
    });
  }
}

/** Named volumes, created with project labels so `down --volumes` finds them. Creating one that exists (another process was first) is fine. */
export async function ensureVolumes(docker: EngineApi, project: string, volumes: string[]): Promise<void> {
  await Promise.all(
    volumes.map(async (name) => {
      const existing = await docker.getVolume(name).inspect().catch(ignoreMissing);
      if (existing) return;
      const key = name.startsWith(`${project}_`) ? name.slice(project.length + 1) : name;
      await docker.createVolume({ Name: name, Labels: { [COMPOSE_PROJECT]: project, [COMPOSE_VOLUME]: key, [BERTH_MANAGED]: 'true' } }).catch(async (err: unknown) => {
        if (!(await docker.getVolume(name).inspect().catch(ignoreMissing))) throw err;
      });
    }),
  );
}
