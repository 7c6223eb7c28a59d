import { BerthError, type BerthSpec } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import { observeProject } from '../engine/observe.js';
import { projectName } from '../project-name.js';
import { stopTimeoutSeconds } from '../up/desired.js';

export interface RestartResult {
  project: string;
  restarted: { name: string; service: string }[];
}

/** Restarts the project's containers (all, or those of the named services). */
export async function restart(engine: Engine, spec: BerthSpec, options: { services?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<RestartResult> {
  const project = projectName(spec, options.env ?? process.env);
  const containers = await observeProject(engine.api, project);
  const wanted = options.services?.length ? new Set(options.services) : undefined;
  const unknown = [...(wanted ?? [])].filter((s) => !containers.some((c) => c.service === s));
  if (unknown.length) {
    throw new BerthError('ERR_BERTH_NOT_RUNNING', `no container for service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in project ${project}`, { hint: 'start it with berth up' });
  }
  const chosen = containers.filter((c) => !wanted || wanted.has(c.service));
  await Promise.all(
    chosen.map((c) => engine.api.getContainer(c.id).restart({ t: stopTimeoutSeconds(spec.services[c.service]) })),
  );
  return { project, restarted: chosen.map((c) => ({ name: c.name, service: c.service })) };
}
