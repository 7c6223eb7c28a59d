import Dockerode from 'dockerode';
import { afterAll, beforeAll } from 'vitest';
import { BerthSpecSchema, type BerthSpec, type BerthSpecInput } from '@berth/spec';
import { dockerSocketPath, ensureTestImage, TEST_HTTPD_COMMAND, TEST_HTTPD_HEALTHCHECK, TEST_IMAGE, uniqueProject } from '@berth/docker/testing';
import { connectEngine, down, type Engine } from '@berth/docker';

export const docker = new Dockerode({ socketPath: dockerSocketPath() });

export function makeSpec(project: string, services: NonNullable<BerthSpecInput['services']>, extra: Partial<BerthSpecInput> = {}): BerthSpec {
  return BerthSpecSchema.parse({ berth: 1, repo: { name: project }, ...extra, services });
}

/** A busybox httpd service with a fast health check. */
export function httpd(extra: Record<string, unknown> = {}) {
  return { image: TEST_IMAGE, command: TEST_HTTPD_COMMAND, healthcheck: { ...TEST_HTTPD_HEALTHCHECK }, stopGracePeriod: '2s', ...extra };
}

export async function engine(): Promise<Engine> {
  return connectEngine({ env: { DOCKER_HOST: `unix://${dockerSocketPath()}` } });
}

/** Everything the engine has for a project: containers (any state), networks, volumes. */
export async function leftovers(project: string) {
  const filters = { label: [`com.docker.compose.project=${project}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const { Volumes } = await docker.listVolumes({ filters });
  const named = await docker.listContainers({ all: true, filters: { name: [`${project}-`] } });
  return { containers, networks, volumes: Volumes ?? [], named };
}

/** Removes every trace of a project, whatever happened in the test. */
export async function cleanup(e: Engine | undefined, spec: BerthSpec): Promise<void> {
  if (e) await down(e, spec, { volumes: true, env: {} }).catch(() => undefined);
  const project = spec.project ?? spec.repo.name;
  const { containers, named, networks } = await leftovers(project);
  for (const c of [...containers, ...named]) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
}

/** For a describe block: connects once, makes sure the test image exists, and cleans the project up afterwards. */
export function engineFor(spec: BerthSpec): () => Engine {
  let e: Engine | undefined;
  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
  });
  afterAll(() => cleanup(e, spec));
  return () => e!;
}

/**
 * For a describe block whose tests each make a project: `spec(services)` names a fresh one (`track(spec)` adds one
 * made otherwise); the engine
 * is connected once, the test image made, and every project cleaned up afterwards.
 */
export function projectsFor(prefix: string): { engine: () => Engine; spec: (services: NonNullable<BerthSpecInput['services']>) => BerthSpec; track: (spec: BerthSpec) => BerthSpec } {
  let e: Engine | undefined;
  const specs: BerthSpec[] = [];
  beforeAll(async () => {
    e = await engine();
    await ensureTestImage();
  });
  afterAll(async () => {
    for (const s of specs) await cleanup(e, s);
    e?.close();
  });
  return {
    engine: () => e!,
    spec: (services) => {
      const s = makeSpec(uniqueProject(prefix), services);
      specs.push(s);
      return s;
    },
    // a spec the test made otherwise (parsed from text, say), cleaned up with the others
    track: (s) => {
      specs.push(s);
      return s;
    },
  };
}
