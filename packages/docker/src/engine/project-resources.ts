import type { EngineApi } from './api-client.js';
import { BERTH_MANAGED, COMPOSE_NETWORK, COMPOSE_PROJECT, COMPOSE_VOLUME } from '../labels.js';
import { networkName } from '../project-name.js';

/** The project's network, created with Compose's labels when missing. */
export async function ensureNetwork(docker: EngineApi, project: string): Promise<string> {
  const name = networkName(project);
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (existing.some((n) => n.Name === name)) return name;
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [COMPOSE_PROJECT]: project, [COMPOSE_NETWORK]: 'default', [BERTH_MANAGED]: 'true' } });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 409) throw err;
  }
  return name;
}

/** Named volumes, created with project labels so `down --volumes` finds them. */
export async function ensureVolumes(docker: EngineApi, project: string, volumes: string[]): Promise<void> {
  await Promise.all(
    volumes.map(async (name) => {
      const existing = await docker.getVolume(name).inspect().catch(() => undefined);
      if (existing) return;
      const key = name.startsWith(`${project}_`) ? name.slice(project.length + 1) : name;
      await docker.createVolume({ Name: name, Labels: { [COMPOSE_PROJECT]: project, [COMPOSE_VOLUME]: key, [BERTH_MANAGED]: 'true' } });
    }),
  );
}
