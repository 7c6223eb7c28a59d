import { rmSync } from 'node:fs';
import type { BerthSpec } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import type { EngineApi } from '../engine/engine-api.js';
import { engineRefused, isEngineAnswer } from '../engine/engine-errors.js';
import { PROJECT_LOCK_WAIT_MS, withProjectLock, type LockHolder } from './project-lock.js';
import { observeProject } from '../engine/observe.js';
import { projectFilter } from '../labels.js';
import { projectName } from '../project-name.js';
import { stopTimeoutSeconds } from '../up/desired.js';
import { Semaphore } from '../up/limits.js';
import { removeProjectImages, type RemoveImages } from './down-images.js';
import { projectObjectsDir } from '../up/service-files.js';
import { defaultCacheDir } from '../build/context-digest.js';

const unlessAnswer = (err: unknown) => {
  if (!isEngineAnswer(err)) throw err;
};

/** A network, secret, config or volume of the project that `down` left in place because something else still uses it, and why. */
export interface KeptObject {
  kind: 'network' | 'secret' | 'config' | 'volume';
  name: string;
  why: string;
}

export interface DownResult {
  project: string;
  removedContainers: { name: string; service: string }[];
  removedNetworks: string[];
  removedVolumes: string[];
  /** On a swarm engine: the stack's secrets and configs it removed (by their engine names). */
  removedSecrets?: string[];
  removedConfigs?: string[];
  /** On a swarm engine: what carries the stack's label but a service of another stack still uses (a shared engine-side `name:`). */
  kept?: KeptObject[];
  /** With `rmi`: the images removed, and those the engine kept (still used elsewhere). */
  removedImages: string[];
  keptImages: { image: string; why: string }[];
}

/**
 * Stops and removes every container of the project (whatever profile started it, unlike Compose),
 * dependents before their dependencies (branches in parallel), then the project's networks and, when asked, its volumes,
 * all found by Compose's project label. Nothing of another project is touched.
 * With `services`, only those services' containers go (a profile's, say), in the same order, and the
 * project's networks and volumes stay for the services still running.
 */
export interface DownOptions {
  volumes?: boolean;
  /** Also remove images: `local` those built under the default name, `all` every image the services use. */
  rmi?: RemoveImages;
  services?: string[];
  /** Ctrl-C: stops at once, engine calls in flight included. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  /** How long to wait for another berth working on the project (an `up` waiting for health); default 150 s. */
  lockTimeoutMs?: number;
  onLockWait?: (holder: LockHolder) => void;
  /** berth's cache folder, where `up` wrote the project's secret and config files (default `$XDG_CACHE_HOME/berth`, as up's `buildCacheDir`). */
  cacheDir?: string;
}

export async function down(engine: Engine, spec: BerthSpec, options: DownOptions = {}): Promise<DownResult> {
  const project = projectName(spec, options.env ?? process.env);
  try {
    return await withProjectLock(engine.endpoint, project, 'berth down', () => takeDown(engine.api.withSignal(options.signal), spec, project, options), {
      timeoutMs: options.lockTimeoutMs ?? PROJECT_LOCK_WAIT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    });
  } catch (err) {
    throw engineRefused(err, 'a call of berth down');
  }
}

async function takeDown(docker: EngineApi, spec: BerthSpec, project: string, options: DownOptions): Promise<DownResult> {
  const only = options.services && new Set(options.services);
  const containers = (await observeProject(docker, project)).filter((c) => !only || only.has(c.service));
  const limit = new Semaphore(options.concurrency ?? 8);
  // Each container is stopped once every container that depends on it has stopped (Compose's order), and no
  // later: independent branches do not wait for each other, and a dependency does not wait for its dependents'
  // removal (a stopped container no longer talks to it), so removals overlap the next level's stops.
  const stopped = new Map<string, Promise<void>>();
  const removed: Promise<void>[] = [];
  const dependents = (service: string) => containers.filter((c) => spec.services[c.service]?.dependsOn?.[service]);
  const stopOne = (c: (typeof containers)[number]): Promise<void> => {
    let p = stopped.get(c.id);
    if (!p) {
      stopped.set(c.id, (p = Promise.resolve()));
      p = (async () => {
        await Promise.all(dependents(c.service).map(stopOne));
        const container = docker.getContainer(c.id);
        await limit.run(async () => {
          // An engine's answer (already stopped, already gone) is fine: the removal below settles it.
          if (c.state === 'running' || c.state === 'restarting' || c.state === 'paused') await container.stop({ t: stopTimeoutSeconds(spec.services[c.service]) }).catch(unlessAnswer);
        });
        const removal = limit.run(() =>
          container.remove({ force: true, v: false }).then(
            () => undefined,
            (err: { statusCode?: number }) => {
              if (err.statusCode !== 404) throw err;
            },
          ),
        );
        removal.catch(() => undefined); // reported by the Promise.all below, not as an unhandled rejection
        removed.push(removal);
      })();
      stopped.set(c.id, p);
    }
    return p;
  };
  await Promise.all(containers.map(stopOne));
  await Promise.all(removed);
  const networks = only ? [] : await docker.listNetworks({ filters: projectFilter(project) });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(unlessAnswer)));
  const removedVolumes: string[] = [];
  if (options.volumes && !only) {
    const { Volumes } = await docker.listVolumes({ filters: projectFilter(project) });
    for (const v of Volumes ?? []) {
      await docker
        .getVolume(v.Name)
        .remove()
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        });
      removedVolumes.push(v.Name);
    }
  }
  // the secret and config files up wrote for the containers, once no container of the project is left to mount them:
  // Compose leaves no secret's value on the host after down, and neither does berth
  if (!only) rmSync(projectObjectsDir(options.cacheDir ?? defaultCacheDir(options.env ?? process.env), project), { recursive: true, force: true });
  const images = options.rmi ? await removeProjectImages(docker, spec, project, options.rmi, only) : { removed: [], kept: [] };
  return {
    project,
    removedContainers: containers.map((c) => ({ name: c.name, service: c.service })),
    removedNetworks: networks.map((n) => n.Name),
    removedVolumes,
    removedImages: images.removed,
    keptImages: images.kept,
  };
}
