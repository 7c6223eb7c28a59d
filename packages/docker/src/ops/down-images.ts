import type { BerthSpec } from '@berth/spec';
import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage } from '../engine/engine-errors.js';
import { BERTH_BUILD_INPUTS, COMPOSE_SERVICE, projectFilter } from '../labels.js';
import { builtImageName } from '../up/desired.js';

/** `down --rmi`: `local` removes the images built under the default name, `all` every image the project's services use. */
export type RemoveImages = 'local' | 'all';

/** Which images `down --rmi` removes, and what the engine kept (an image another container still uses). */
export interface ImageRemoval {
  removed: string[];
  kept: { image: string; why: string }[];
}

/**
 * The images `docker compose down --rmi` would remove, found the same way: `local`, the images carrying
 * the project's label whose service has no `image:` (berth and Compose name those `<project>-<service>`),
 * or is no longer in the spec, and the default names themselves (images built before labels); `all`,
 * those and every `image:` of the spec's services (`only`: of those services). Each is removed by name
 * and not forced, so an image a container elsewhere still runs stays, with the engine's reason. Unlike
 * Compose, the images berth built before and a rebuild left untagged go too (by id): they carry the
 * project's label and berth's, so nothing of the project's builds stays behind.
 */
/** `name` with its tag, `:latest` when it has none, as the engine lists it. */
function tagged(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? name : `${name}:latest`;
}

export async function removeProjectImages(docker: EngineApi, spec: BerthSpec, project: string, mode: RemoveImages, only?: Set<string>): Promise<ImageRemoval> {
  const services = Object.entries(spec.services).filter(([name]) => !only || only.has(name));
  const names = new Set<string>();
  const custom = new Set(services.flatMap(([name, s]) => (s.image ? [name] : [])));
  const labelled = await docker.listImages({ filters: { ...projectFilter(project), dangling: ['false'] } });
  for (const image of labelled) {
    const service = image.Labels?.[COMPOSE_SERVICE];
    const tag = image.RepoTags?.find((t) => t !== '<none>:<none>');
    if (!service || !tag || custom.has(service)) continue;
    if (only ? only.has(service) : true) names.add(tagged(tag));
  }
  for (const [name, s] of services) {
    if (!s.image) names.add(tagged(builtImageName(project, name)));
    else if (mode === 'all') names.add(tagged(s.image));
  }
  const stale = await docker.listImages({ filters: { label: [...projectFilter(project).label, BERTH_BUILD_INPUTS], dangling: ['true'] } });
  for (const image of stale) {
    const service = image.Labels?.[COMPOSE_SERVICE];
    if (!only || (service && only.has(service))) names.add(image.Id);
  }
  const result: ImageRemoval = { removed: [], kept: [] };
  for (const name of names) {
    await docker
      .getImage(name)
      .remove()
      .then(
        () => result.removed.push(name),
        (err: { statusCode?: number }) => {
          if (err.statusCode === 404) return; // not there: nothing to remove
          result.kept.push({ image: name, why: engineMessage(err) });
        },
      );
  }
  return result;
}
