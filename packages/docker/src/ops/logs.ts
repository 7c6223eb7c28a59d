import type { Readable } from 'node:stream';
import { BerthError, type BerthSpec } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import { observeProject } from '../engine/observe.js';
import { projectName } from '../project-name.js';
import { followLog } from './follow-log.js';
import { LogFrames } from './log-frames.js';

export interface LogLine {
  service: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

/**
 * The logs of the project's containers (all, or the named services), demultiplexed into stdout and
 * stderr lines tagged with their service. With `follow`, streams until every container's stream ends (see
 * followLog: an engine lost mid-follow fails with "went away", an abort with an AbortError). Resolves with the number of
 * containers read (none: the project has none on this engine).
 */
export async function logs(
  engine: Engine,
  spec: BerthSpec,
  options: { services?: string[]; follow?: boolean; tail?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv; onLine: (l: LogLine) => void },
): Promise<number> {
  const project = projectName(spec, options.env ?? process.env);
  // Bound to the signal until the streams are open; followLog then ends each followed stream on abort.
  const docker = engine.api.withSignal(options.signal);
  const containers = await observeProject(docker, project);
  const wanted = options.services?.length ? new Set(options.services) : undefined;
  const unknown = [...(wanted ?? [])].filter((s) => !containers.some((c) => c.service === s));
  if (unknown.length) throw new BerthError('ERR_BERTH_NOT_RUNNING', `no container for service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in project ${project}`);
  const chosen = containers.filter((c) => !wanted || wanted.has(c.service));
  // One stream failing (its engine gone) ends the command: the others are let go rather than left open.
  const streams: Readable[] = [];
  await Promise.all(
    chosen.map(async (c) => {
      const frames = new LogFrames((stream, line) => options.onLine({ service: c.service, stream, line }));
      const common = { stdout: true, stderr: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
      const container = docker.getContainer(c.id);
      if (!options.follow) {
        frames.push(await container.logs({ ...common, follow: false }));
        frames.flush();
        return;
      }
      const stream = await container.logs({ ...common, follow: true });
      streams.push(stream);
      await followLog(stream, frames, { endpoint: engine.endpoint, what: `GET /containers/${c.id}/logs`, signal: options.signal });
    }),
  ).catch((err: unknown) => {
    for (const s of streams) s.destroy();
    throw err;
  });
  return chosen.length;
}
