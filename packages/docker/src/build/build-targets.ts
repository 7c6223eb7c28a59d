import type { Problem, ServiceBuild } from '@berth/spec';
import type { BuildTarget } from './build-images.js';
import { builtImageName, builtImageNameProblem } from '../up/desired.js';
import { buildJob, type BuildJob } from './build-job.js';

/** A service whose image is built: its resolved `build`, and the name the image gets. */
export interface BuildEntry {
  service: string;
  image: string;
  build: ServiceBuild;
  /** Compose's build fields the spec keeps under `x-compose.build`. */
  kept?: Record<string, unknown>;
}

/** What makes two jobs the same build: everything but the service's name. */
const signature = (job: BuildJob) => JSON.stringify({ ...job, service: undefined, info: undefined, cannotBuild: job.cannotBuild.map((p) => p.code) });

/**
 * The images to build, one per image name, each with every service that runs it (a service without
 * `build` whose `image` another one builds depends on that build too). Two services that build one
 * image differently are an error, as in Compose; so is every problem of a service's build, reported
 * together before anything starts.
 */
export function buildTargets(
  entries: BuildEntry[],
  users: { service: string; image: string }[],
  // project: the default image names are checked against it (`<project>-<service>`)
  input: { project?: string; projectDir: string; vars: Record<string, string | undefined> },
  problems: Problem[],
): BuildTarget[] {
  const byImage = new Map<string, BuildTarget>();
  for (const entry of entries) {
    const badName = input.project !== undefined && entry.image === builtImageName(input.project, entry.service) ? builtImageNameProblem(input.project, entry.service) : undefined;
    if (badName) {
      problems.push(badName);
      continue;
    }
    const job = buildJob(entry.service, entry.build, { projectDir: input.projectDir, image: entry.image, vars: input.vars, ...(entry.kept ? { kept: entry.kept } : {}) }, problems);
    if (!job) continue;
    const first = byImage.get(entry.image);
    if (!first) {
      byImage.set(entry.image, { job, services: [entry.service] });
      continue;
    }
    if (signature(first.job) !== signature(job)) {
      problems.push({
        code: 'build-image-conflict',
        severity: 'error',
        message: `services "${first.job.service}" and "${entry.service}" both build image ${entry.image}, differently`,
        path: ['services', entry.service, 'build'],
        hint: 'give one of them another `image:` name, or the same build',
      });
    } else first.services.push(entry.service);
  }
  for (const { service, image } of users) {
    const target = byImage.get(image);
    if (target && !target.services.includes(service)) target.services.push(service);
  }
  return [...byImage.values()];
}
