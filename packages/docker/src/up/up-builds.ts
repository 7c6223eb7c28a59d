import { BerthError, hasErrors, type BerthSpec, type Problem } from '@berth/spec';
import type { EngineApi } from '../engine/engine-api.js';
import { buildFailureProblem, planBuildsBeside, plannedReport, runBuilds, type BuildEvent, type PlannedReport } from '../build/build-images.js';
import { buildParallelFromEnv } from '../build/build-parallel.js';
import type { BuildMode } from '../build/build-plan.js';
import { buildTargets } from '../build/build-targets.js';
import type { WalkAhead } from '../build/walk-ahead.js';
import type { DesiredContainer } from './desired.js';

/** What the builds of an `up` did, and what they stop. */
export interface UpBuilds {
  /** One per image: built, kept (up to date), failed, or, in a dry run, `build` (would be built). */
  reports: PlannedReport[];
  /** Services whose image failed to build, and those that (transitively, required) depend on them: left as they are. */
  stopped: Map<string, string>;
  /**
   * The id each image has now under its name, as this `up` read it (kept, or left as it is by a dry run)
   * or made it (built): `up` plans with these instead of asking the engine again. A failed or missing
   * image is absent.
   */
  imageIds: Map<string, string>;
  /** Services whose image --no-build runs as it is though it may not be what its inputs make, and why. */
  stale: Map<string, string>;
  warnings: Problem[];
}

export interface UpBuildOptions {
  project: string;
  projectDir: string;
  vars: Record<string, string | undefined>;
  mode: BuildMode;
  dryRun: boolean;
  cacheDir?: string;
  walkAhead?: WalkAhead;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent?: (e: BuildEvent) => void;
  pull: (image: string) => Promise<void>;
  /** Images built at once (`--parallel`); default: COMPOSE_PARALLEL_LIMIT, else DEFAULT_BUILD_PARALLEL. */
  parallel?: number;
}

/** The services that cannot start because `failed` did not: themselves, and what requires them. */
export function stoppedBy(spec: BerthSpec, selected: Iterable<string>, failed: Map<string, string>): Map<string, string> {
  const stopped = new Map(failed);
  const names = [...selected];
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of names) {
      if (stopped.has(name)) continue;
      const dep = Object.entries(spec.services[name]?.dependsOn ?? {}).find(([d, how]) => how.required && stopped.has(d));
      if (dep) {
        stopped.set(name, `it depends on ${dep[0]}, whose image did not build`);
        grew = true;
      }
    }
  }
  return stopped;
}

/**
 * The build phase of `up`, before anything is created: every service's `build` read (bad input is exit 2,
 * all of it at once), each image's inputs digested and compared with the image's label, then what must be
 * built is built. A failed build does not stop the others, nor the services that do not need it.
 */
export async function upBuilds(api: EngineApi, spec: BerthSpec, desired: Map<string, DesiredContainer>, options: UpBuildOptions): Promise<UpBuilds> {
  const entries = [...desired.values()].flatMap((d) => (d.build ? [{ service: d.service, image: d.image, build: d.build, ...(d.buildKept ? { kept: d.buildKept } : {}) }] : []));
  const result: UpBuilds = { reports: [], stopped: new Map(), imageIds: new Map(), stale: new Map(), warnings: [] };
  if (!entries.length) return result;
  // a bad COMPOSE_PARALLEL_LIMIT is bad input only where something may be built
  const parallel = options.dryRun || options.mode === 'never' ? undefined : (options.parallel ?? buildParallelFromEnv(options.env));
  const problems: Problem[] = [];
  const targets = buildTargets(entries, [...desired.values()], { project: options.project, projectDir: options.projectDir, vars: options.vars }, problems);
  const planned = await planBuildsBeside(api, targets, {
    mode: options.mode,
    env: options.env,
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    ...(options.walkAhead ? { walkAhead: options.walkAhead } : {}),
  }, hasErrors(problems));
  problems.push(...planned.problems);
  if (hasErrors(problems)) throw new BerthError('ERR_BERTH_BUILD_INPUT', 'some images cannot be built', { problems: problems.filter((p) => p.severity === 'error') });
  result.warnings.push(...problems.filter((p) => p.severity === 'warning'));
  for (const b of planned.builds) {
    if (b.decision.action === 'build' && b.builder?.warning) result.warnings.push({ code: 'build-buildkit-copy', severity: 'warning', message: b.builder.warning });
    const stale = b.decision.action === 'keep' ? b.decision.stale : undefined;
    if (stale === undefined) continue;
    for (const s of b.services) result.stale.set(s, stale);
    result.warnings.push({
      code: 'build-stale',
      severity: 'warning',
      message: `service "${b.job.service}": --no-build runs the image ${b.job.image} as it is, though ${stale}`,
      path: ['services', b.job.service, 'build'],
      hint: `berth build ${b.job.service} (or berth up without --no-build) builds it again`,
    });
  }
  if (options.dryRun) {
    result.reports = planned.builds.map(plannedReport);
    for (const b of planned.builds) if (b.existing) result.imageIds.set(b.job.image, b.existing.id);
    return result;
  }
  // --no-build: an image that is not there is not built, nor a failed build; up refuses it before starting anything.
  const reports = await runBuilds(api, planned.builds.filter((b) => b.decision.action !== 'missing'), {
    project: options.project,
    pull: options.pull,
    ...(parallel ? { parallel } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  result.reports = reports;
  for (const r of reports) if (r.action !== 'failed' && r.imageId) result.imageIds.set(r.image, r.imageId);
  const failed = new Map<string, string>();
  for (const r of reports) if (r.action === 'failed') for (const s of r.services) failed.set(s, `its image ${r.image} did not build`);
  result.stopped = stoppedBy(spec, desired.keys(), failed);
  return result;
}

/** One line per failed build, and one naming the services left out because they depend on one. */
export function buildFailureProblems(builds: UpBuilds): Problem[] {
  const problems = builds.reports.filter((r) => r.action === 'failed').map(buildFailureProblem);
  const dependents = [...builds.stopped].filter(([, why]) => why.startsWith('it depends'));
  if (dependents.length) {
    problems.push({ code: 'build-dependents', severity: 'error', message: `not started, since what they depend on did not build: ${dependents.map(([s]) => s).join(', ')}` });
  }
  return problems;
}
