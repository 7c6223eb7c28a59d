import type Dockerode from 'dockerode';
import type { EngineApi } from './engine-api.js';
import { BERTH_CONFIG_HASH, COMPOSE_ONEOFF, COMPOSE_SERVICE, projectFilter } from '../labels.js';
import type { ObservedContainer } from '../up/plan.js';

/** Every container of the project (any state), found by Compose's project label. */
export async function observeProject(docker: EngineApi, project: string): Promise<(ObservedContainer & { info: Dockerode.ContainerInfo })[]> {
  const list = await docker.listContainers({ all: true, filters: projectFilter(project) });
  return list
    .filter((c) => c.Labels[COMPOSE_ONEOFF] !== 'True')
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[COMPOSE_SERVICE] ?? '',
      ...(c.Labels[BERTH_CONFIG_HASH] ? { hash: c.Labels[BERTH_CONFIG_HASH] } : {}),
      imageId: c.ImageID,
      state: c.State,
      info: c,
    }));
}
