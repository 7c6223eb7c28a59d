import { BerthError, type BerthSpec } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import type { EngineApi } from '../engine/engine-api.js';
import { containerGone, engineRefused, isContainerGone } from '../engine/engine-errors.js';
import { PROJECT_LOCK_WAIT_MS, withProjectLock, type LockHolder } from './project-lock.js';
import { observeProject } from '../engine/observe.js';
import { projectName } from '../project-name.js';
import { stopTimeoutSeconds } from '../up/desired.js';
import { restartCascade } from '../up/plan.js';

export interface RestartResult {
  project: string;
  restarted: { name: string; service: string }[];
}

/** Restarts the project's containers (all, or those of the named services). */
export async function restart(
  engine: Engine,
  spec: BerthSpec,
  options: { services?: string[]; env?: NodeJS.ProcessEnv; signal?: AbortSignal; lockTimeoutMs?: number; onLockWait?: (holder: LockHolder) => void } = {},
): Promise<RestartResult> {
  const project = projectName(spec, options.env ?? process.env);
  return withProjectLock(engine.endpoint, project, 'berth restart', () => restartNow(engine.api.withSignal(options.signal), spec, project, options), {
    timeoutMs: options.lockTimeoutMs ?? PROJECT_LOCK_WAIT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
  });
}


async function restartNow(docker: EngineApi, spec: BerthSpec, project: string, options: { services?: string[] }): Promise<RestartResult> {
  const containers = await observeProject(docker, project);
  const named = options.services?.length ? new Set(options.services) : undefined;
  const unknown = [...(named ?? [])].filter((s) => !containers.some((c) => c.service === s));
  if (unknown.length) {
    throw new BerthError('ERR_BERTH_NOT_RUNNING', `no container for service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in project ${project}`, { hint: 'start it with berth up' });
  }
  const wanted = named && restartCascade(spec, named);
  const chosen = containers.filter((c) => !wanted || wanted.has(c.service));
  // A container restarts once the chosen containers it depends on have restarted (Compose's order); others at once.
  const restarted = new Map<string, Promise<void>>();
  const restartOne = (c: (typeof chosen)[number]): Promise<void> => {
    let p = restarted.get(c.id);
    if (!p) {
      const deps = chosen.filter((d) => d !== c && spec.services[c.service]?.dependsOn?.[d.service]);
      p = Promise.all(deps.map(restartOne)).then(() =>
        docker
          .getContainer(c.id)
          .restart({ t: stopTimeoutSeconds(spec.services[c.service]) })
          .then(
            () => undefined,
            (err: unknown) => {
              throw isContainerGone(err) ? containerGone(c.service, 'restarting it') : engineRefused(err, `restarting ${c.name}`);
            },
          ),
      );
      restarted.set(c.id, p);
    }
    return p;
  };
  await Promise.all(chosen.map(restartOne));
  return { project, restarted: chosen.map((c) => ({ name: c.name, service: c.service })) };
}
