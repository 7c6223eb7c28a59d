import type Dockerode from 'dockerode';
import { BERTH_TASK_HASH } from '../labels.js';
import type { DesiredSwarmService } from './desired-service.js';
import type { SwarmService } from './swarm-api.js';

/** What of a container spec the docker CLI changes by hand on a running service (`docker service update --image/--env-add/--args`), as words for a reason. */
const BY_HAND = [
  ['Image', 'image'],
  ['Env', 'environment'],
  ['Args', 'command'],
  ['Command', 'entrypoint'],
] as const;

/** An image as deployed: the docker CLI pins `name:tag@sha256:…` when it resolves one; a spec without a digest compares without it. */
function sameImage(want: string | undefined, have: string | undefined): boolean {
  const bare = (image: string | undefined) => (want?.includes('@') ? image : image?.replace(/@sha256:[0-9a-f]+$/, ''));
  return bare(want) === bare(have);
}

const sameWords = (want: string[] | undefined, have: string[] | undefined) => JSON.stringify(want ?? []) === JSON.stringify(have ?? []);

/**
 * The first field of a container spec (or a task's) that differs from the one berth deploys, in words; undefined when
 * they agree. The task-template hash label tells berth's own changes apart; this tells what was changed beside it.
 */
export function containerDrift(want: Dockerode.ContainerSpec | undefined, have: Dockerode.ContainerSpec | undefined): string | undefined {
  if (want?.Labels?.[BERTH_TASK_HASH] !== have?.Labels?.[BERTH_TASK_HASH]) return 'task template';
  for (const [field, words] of BY_HAND) {
    const same = field === 'Image' ? sameImage(want?.Image, have?.Image) : sameWords(want?.[field], have?.[field]);
    if (!same) return words;
  }
  return undefined;
}

/**
 * Why a swarm service whose hash label says berth deployed the current spec no longer runs it: its replicas or its
 * container changed by hand (`docker service scale`, `docker service update --image`, `--env-add`, ...), which leaves
 * the label as it was. Undefined when it runs what berth deployed. `berth up` updates such a service back.
 */
export function serviceDrift(desired: DesiredSwarmService, observed: SwarmService): string | undefined {
  const want = desired.spec;
  const have = observed.Spec;
  if (!!want.Mode?.Global !== !!have?.Mode?.Global) return `its mode was changed to ${have?.Mode?.Global ? 'global' : 'replicated'} by hand`;
  const replicas = want.Mode?.Replicated?.Replicas;
  if (replicas !== undefined && have?.Mode?.Replicated?.Replicas !== replicas) return `it was scaled to ${have?.Mode?.Replicated?.Replicas ?? 0} by hand (the spec says ${replicas})`;
  const container = (spec: Dockerode.ServiceSpec | undefined) => (spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined)?.ContainerSpec;
  const changed = containerDrift(container(want), container(have));
  return changed ? `its ${changed} was changed by hand` : undefined;
}
