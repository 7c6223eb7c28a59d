import { BERTH_BUILD_INPUTS, COMPOSE_PROJECT, COMPOSE_SERVICE } from '../labels.js';
import type { BuildJob } from './build-job.js';

/**
 * `POST /build`'s query for a job (Engine API 1.41): the image's names, the Dockerfile inside the tar,
 * target, args, labels and the rest as the docker CLI sends them. The labels are the service's own plus
 * Compose's project and service (what `docker compose build` puts on an image, and what `down --rmi local`
 * looks for) and the digest of the inputs (berth's mark: the classic builder commits one layer per label). Intermediate containers are removed even when a
 * step fails (`forcerm`), so a failed build leaves no container behind. BuildKit gets no `pull`: it would
 * need a session; berth pulls the base images itself first.
 */
export function buildQuery(job: BuildJob, at: { inputs: string; dockerfile: string; builder: 'buildkit' | 'classic'; project: string }): URLSearchParams {
  const q = new URLSearchParams();
  for (const t of [job.image, ...job.tags]) q.append('t', t);
  q.set('dockerfile', at.dockerfile);
  if (job.target !== undefined) q.set('target', job.target);
  if (Object.keys(job.args).length) q.set('buildargs', JSON.stringify(job.args));
  q.set('labels', JSON.stringify({ ...job.labels, [COMPOSE_PROJECT]: at.project, [COMPOSE_SERVICE]: job.service, [BERTH_BUILD_INPUTS]: at.inputs }));
  if (job.cacheFrom.length) q.set('cachefrom', JSON.stringify(job.cacheFrom));
  if (job.network !== undefined) q.set('networkmode', job.network);
  if (job.shmSize !== undefined) q.set('shmsize', String(job.shmSize));
  for (const host of job.extraHosts) q.append('extrahosts', host);
  if (job.platform !== undefined) q.set('platform', job.platform);
  if (job.noCache) q.set('nocache', '1');
  if (job.pull && at.builder === 'classic') q.set('pull', '1');
  q.set('rm', '1');
  q.set('forcerm', '1');
  q.set('version', at.builder === 'buildkit' ? '2' : '1');
  return q;
}
