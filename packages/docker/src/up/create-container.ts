import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, explainStartError } from '../engine/engine-errors.js';
import { sleep } from '../engine/wait-for.js';
import { BERTH_CONFIG_HASH, COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';
import type { DesiredContainer } from './desired.js';

/** How long a name taken by a container not yet there may stay so: the engine reserves the name before the container exists. */
const RESERVED_NAME_TRIES = 10;

const nameTaken = (err: unknown) => (err as { statusCode?: number }).statusCode === 409 && /already in use/i.test(engineMessage(err));

/**
 * Creates a service's container. When its name is already taken by the very container berth would
 * make (this project, this service, this config: another `berth up` was first), that one is used.
 * A name taken by a container that cannot be inspected yet is a create still under way in the engine (one an
 * earlier, interrupted `up` sent: a loaded engine finishes it after that up has ended); berth waits for it to
 * appear, or for the name to be free, a few seconds at most. Anything else in the way is reported as the
 * engine says it.
 */
export async function createServiceContainer(docker: EngineApi, d: DesiredContainer): Promise<string> {
  const id = await createOrAdopt(docker, d);
  await connectOtherNetworks(docker, d, id);
  return id;
}

/**
 * Joins the container to its networks after the first (the engine API before 1.44 takes one at create),
 * aliased by the service's name as on the first. One already joined (an adopted container) is fine.
 */
async function connectOtherNetworks(docker: EngineApi, d: DesiredContainer, id: string): Promise<void> {
  for (const network of d.networks.slice(1)) {
    await docker
      .getNetwork(network.name)
      .connect({ Container: id, EndpointConfig: { Aliases: [d.service] } })
      .catch((err: unknown) => {
        if (!/already exists/i.test(engineMessage(err))) throw explainStartError(d.service, err);
      });
  }
}

async function createOrAdopt(docker: EngineApi, d: DesiredContainer): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await docker.createContainer(d.create)).id;
    } catch (err) {
      if (!nameTaken(err)) throw explainStartError(d.service, err);
      const existing = await docker.getContainer(d.name).inspect().catch(() => undefined);
      if (existing) {
        const labels = existing.Config.Labels ?? {};
        const same = labels[COMPOSE_PROJECT] === d.create.Labels?.[COMPOSE_PROJECT] && labels[COMPOSE_SERVICE] === d.service && labels[BERTH_CONFIG_HASH] === d.hash;
        if (same) return existing.Id;
        throw explainStartError(d.service, err);
      }
      if (attempt >= RESERVED_NAME_TRIES) throw explainStartError(d.service, err);
      await sleep(100 * attempt);
    }
  }
}
