import type Dockerode from 'dockerode';
import type { EngineApi } from './api-client.js';
import { BerthError, type Problem } from '@berth/spec';
import { engineMessage } from './engine-errors.js';

/** The local image id of each image reference; missing ones are absent from the map. */
export async function localImageIds(docker: EngineApi, images: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await Promise.all(
    [...new Set(images)].map(async (image) => {
      const info = await docker.getImage(image).inspect().catch(() => undefined);
      if (info) ids.set(image, info.Id);
    }),
  );
  return ids;
}

/**
 * Pulls an image and waits for the end of the progress stream; a stream that carries an
 * `error` event is a failure, not a success (dockerode's followProgress alone says success).
 */
export async function pullImage(docker: Dockerode, image: string, signal?: AbortSignal): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.pull(image, { abortSignal: signal })) as NodeJS.ReadableStream;
  } catch (err) {
    throw new BerthError('ERR_BERTH_PULL', `pull of ${image} failed: ${engineMessage(err)}`);
  }
  await new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err || failure) reject(new BerthError('ERR_BERTH_PULL', `pull of ${image} failed: ${failure ?? engineMessage(err)}`));
        else resolve();
      },
      (event: { error?: string; errorDetail?: { message?: string } }) => {
        if (event.error || event.errorDetail) failure ??= event.errorDetail?.message ?? event.error;
      },
    );
  });
}

/** An image berth would need built: what `build` says, resolved. */
export interface ImageBuild {
  context: string;
  dockerfile?: string;
  target?: string;
}

/**
 * Problems for images not present locally, one line per image, naming the services that use it. An
 * image a service builds (`build`) says so and how to build it, since berth does not build images yet.
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
    message: `image "${image}" (service ${service}) is missing: it is built from ${build.context}${build.dockerfile ? ` (${build.dockerfile}${build.target ? `, target ${build.target}` : ''})` : build.target ? ` (target ${build.target})` : ''}, and berth does not build images yet`,
    path: ['services', service, 'build'],
    hint: `build it with \`docker compose build ${service}\` or \`docker build -t ${image}${build.dockerfile ? ` -f ${build.context}/${build.dockerfile}` : ''}${build.target ? ` --target ${build.target}` : ''} ${build.context}\`, then run berth up again`,
  }));
  return [...toBuild, ...[...byImage].map(([image, services]) => ({
    code: 'image-missing',
    severity: 'error' as const,
    message: `image "${image}" (service${services.length > 1 ? 's' : ''} ${services.join(', ')}) was not found locally; berth does not pull unless --pull`,
    path: ['services', services[0]!, 'image'],
    hint: `build or load it (docker build / docker load), or run berth up --pull`,
  }))];
}
