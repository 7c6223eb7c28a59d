import type { Problem } from '@berth/spec';
import type { EngineApi } from './engine-api.js';

/** The local image id of each image reference; missing ones are absent from the map. */
export async function localImageIds(docker: EngineApi, images: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await Promise.all(
    [...new Set(images)].map(async (image) => {
      const info = await docker
        .getImage(image)
        .inspect()
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode === 404) return undefined; // not here: reported by missingImageProblems
          throw err;
        });
      if (info) ids.set(image, info.Id);
    }),
  );
  return ids;
}

/** An image `up --no-build` may not build: what `build` says, resolved. */
export interface ImageBuild {
  context: string;
  dockerfile?: string;
  target?: string;
}

/**
 * Problems for images not present locally, one line per image, naming the services that use it. An
 * image given with its `build` (`up --no-build`, which builds nothing) says so and how to build it.
 */
export function missingImageProblems(needed: { service: string; image: string; build?: ImageBuild }[], ids: Map<string, string>): Problem[] {
  const byImage = new Map<string, string[]>();
  const built = new Map<string, { service: string; build: ImageBuild }>();
  for (const n of needed) {
    if (ids.has(n.image)) continue;
    if (n.build) built.set(n.image, { service: n.service, build: n.build });
    else byImage.set(n.image, [...(byImage.get(n.image) ?? []), n.service]);
  }
  const toBuild = [...built].map(([image, { service, build }]) => ({
    code: 'image-build-needed',
    severity: 'error' as const,
    message: `image "${image}" (service ${service}) is missing: it is built from ${build.context}${build.dockerfile ? ` (${build.dockerfile}${build.target ? `, target ${build.target}` : ''})` : build.target ? ` (target ${build.target})` : ''}, and --no-build forbids building it`,
    path: ['services', service, 'build'],
    hint: `build it with \`berth build ${service}\`, or run berth up without --no-build`,
  }));
  return [...toBuild, ...[...byImage].map(([image, services]) => ({
    code: 'image-missing',
    severity: 'error' as const,
    message: `image "${image}" (service${services.length > 1 ? 's' : ''} ${services.join(', ')}) was not found locally; berth does not pull unless --pull`,
    path: ['services', services[0]!, 'image'],
    hint: `build or load it (docker build / docker load), or run berth up --pull`,
  }))];
}
