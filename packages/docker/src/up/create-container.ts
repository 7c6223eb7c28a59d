import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, explainStartError } from '../engine/engine-errors.js';
import { BERTH_CONFIG_HASH, COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';
import type { DesiredContainer } from './desired.js';

/**
 * Creates a service's container. When its name is already taken by the very container berth would
 * make (this project, this service, this config: another `berth up` was first), that one is used.
 * Anything else in the way is reported as the engine says it.
 */
export async function createServiceContainer(docker: EngineApi, d: DesiredContainer): Promise<string> {
  try {
    return (await docker.createContainer(d.create)).id;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 409 || !/already in use/i.test(engineMessage(err))) throw explainStartError(d.service, err);
    const existing = await docker.getContainer(d.name).inspect().catch(() => undefined);
    const labels = existing?.Config.Labels ?? {};
    const same = labels[COMPOSE_PROJECT] === d.create.Labels?.[COMPOSE_PROJECT] && labels[COMPOSE_SERVICE] === d.service && labels[BERTH_CONFIG_HASH] === d.hash;
    if (existing && same) return existing.Id;
    throw explainStartError(d.service, err);
  }
}
