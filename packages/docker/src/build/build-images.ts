import { formatDuration, type Problem } from '@berth/spec';
import type { EngineApi } from '../engine/engine-api.js';
import { engineMessage, isAbort } from '../engine/engine-errors.js';
import { BERTH_BUILD_INPUTS } from '../labels.js';
import { Semaphore } from '../up/limits.js';
import { ContextWalks, contextTar, snapshotJob, type BuildSnapshot } from './build-context.js';
import type { BuildJob } from './build-job.js';
import { builderFor, decideBuild, decideUnbuildable, type BuildDecision, type BuildMode, type ExistingImage } from './build-plan.js';
import { followBuild, type BuildFailure } from './build-progress.js';
import { DEFAULT_BUILD_PARALLEL } from './build-parallel.js';
import { buildQuery } from './build-query.js';
import { buildFactsFromPing, chooseBuilder, type BuilderChoice } from './builder-choice.js';
import { UnreadableContextError, UnsendableNameError, type ContextEntry } from './context-walk.js';
import { externalImages } from './dockerfile.js';
import type { WalkAhead } from './walk-ahead.js';

/** One image to build and the services that run it. */
export interface BuildTarget {
  job: BuildJob;
  services: string[];
}

export interface PlannedBuild extends BuildTarget {
  snapshot: BuildSnapshot;
  existing?: ExistingImage;
  decision: BuildDecision;
  /** The builder it runs on, when it is built. */
  builder?: BuilderChoice;
}

/** How one image's build went, for the progress line and `--json`. */
export interface BuildReport {
  service: string;
  /** Every service that runs the image. */
  services: string[];
  image: string;
  action: 'built' | 'kept' | 'failed';
  reason: string;
  /** The digest of the build inputs (the image's `dev.berth.build.inputs` label once built). */
  inputs: string;
  imageId?: string;
  builder?: BuilderChoice['kind'];
  durationMs?: number;
  failure?: BuildFailure;
  /** Images the classic builder kept for its cache on the way (`---> id`), which a failed build leaves behind as docker build does. */
  layers?: string[];
}

/** A plan's entry as a dry run reports it: `build` (would be built), `kept` (up to date), or `failed` (missing with --no-build). */
export type PlannedReport = Omit<BuildReport, 'action'> & { action: BuildReport['action'] | 'build' };

export function plannedReport(b: PlannedBuild): PlannedReport {
  const action = b.decision.action === 'build' ? 'build' : b.decision.action === 'missing' ? 'failed' : 'kept';
  return { service: b.job.service, services: b.services, image: b.job.image, inputs: b.snapshot.inputs, reason: b.decision.reason, action, ...(b.builder ? { builder: b.builder.kind } : {}) };
}

/** A failed build as one line: the service, the image, the step, the engine's message; the step's last output as the hint. */
export function buildFailureProblem(r: Pick<BuildReport, 'service' | 'image' | 'failure'>): Problem {
  const f = r.failure ?? { message: 'failed', output: [] };
  return {
    code: 'build-failed',
    severity: 'error',
    message: `service "${r.service}": the build of ${r.image} failed${f.step ? ` at ${f.step}` : ''}: ${f.message}`,
    path: ['services', r.service, 'build'],
    ...(f.output.length ? { hint: `its last output: ${f.output.slice(-3).join(' | ')}` } : {}),
  };
}

export interface BuildEvent {
  service: string;
  phase: 'building' | 'built' | 'failed';
  detail?: string;
}

/** The engine calls a build makes. */
export type BuildApi = Pick<EngineApi, 'getImage' | 'pingHeaders' | 'build'>;

export interface PlanBuildsOptions {
  mode: BuildMode;
  /** Where content hashes are remembered between runs (none: every file is read each time). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Contexts walked ahead on a worker thread (the CLI starts one for `up` and `build`), and what to remember for the next run. */
  walkAhead?: WalkAhead;
}

async function existingImage(api: BuildApi, image: string): Promise<ExistingImage | undefined> {
  const info = (await api
    .getImage(image)
    .inspect()
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return undefined;
      throw err;
    })) as { Id: string; Config?: { Labels?: Record<string, string> | null } } | undefined;
  return info ? { id: info.Id, labels: info.Config?.Labels ?? {} } : undefined;
}

/** The fifos and devices a context sends (what BuildKit without a session leaves out). */
const specialFiles = (entries: readonly ContextEntry[]) => entries.filter((e) => e.kind === 'fifo' || e.kind === 'char' || e.kind === 'block').map((e) => e.path);

/** An image berth cannot build, run as it is: a warning, since its inputs are not checked. */
function unbuildableKept(job: BuildJob): Problem {
  const why = job.cannotBuild.map((p) => p.message.replace(`service "${job.service}": `, '')).join('; ');
  return { code: 'build-unchecked', severity: 'warning', message: `service "${job.service}": runs the image ${job.image} as it is, since berth cannot build it (${why}); its build inputs are not checked`, path: ['services', job.service, 'build'] };
}

/** A context outside the project is sent, as Compose sends it, with a word about it (every command that builds). */
function contextOutsideWarning(job: BuildJob): Problem {
  return { code: 'build-context-outside', severity: 'warning', message: `service "${job.service}": build context ${job.context} is outside the project (${job.contextDir}); berth sends it, as Compose does`, path: ['services', job.service, 'build', 'context'] };
}

/** The engine's builder, asked once, from `/_ping`'s headers. */
async function engineBuilder(api: BuildApi, env: NodeJS.ProcessEnv): Promise<BuilderChoice> {
  return chooseBuilder(buildFactsFromPing(await api.pingHeaders()), env);
}

/**
 * What each image needs, before anything is built: its context walked and digested (once for all the images
 * built from the same one), the image the engine has under its name, the decision, and (for those to build)
 * the builder. Problems are bad input (an unreadable context file, a Dockerfile the chosen builder cannot run, what
 * berth cannot build where it must be built) and warnings (an image run unbuilt, a context outside the project),
 * all found before any build starts.
 */
export async function planBuilds(api: BuildApi, targets: BuildTarget[], options: PlanBuildsOptions): Promise<{ builds: PlannedBuild[]; problems: Problem[] }> {
  const env = options.env ?? process.env;
  const problems: Problem[] = [];
  const builds: PlannedBuild[] = [];
  // The engine's answers come in while the contexts are walked: the inspections go out first, and the
  // event loop turns before each walk (a walk is synchronous) so the answers are read between them.
  const inspected = Promise.all(targets.map((t) => existingImage(api, t.job.image)));
  inspected.catch(() => undefined);
  const snapshots: (BuildSnapshot | undefined)[] = [];
  const walks = new ContextWalks(options.cacheDir, options.walkAhead);
  for (const { job } of targets) {
    await walks.ready(job);
    try {
      snapshots.push(snapshotJob(job, walks));
    } catch (err) {
      if (!(err instanceof UnreadableContextError)) throw err;
      problems.push({
        code: 'build-context-unreadable',
        severity: 'error',
        message: `service "${job.service}": build context ${job.context}: ${err.message}`,
        path: ['services', job.service, 'build', 'context'],
        ...(err instanceof UnsendableNameError ? {} : { hint: 'make it readable, or add it to the .dockerignore' }),
      });
      snapshots.push(undefined);
    }
  }
  options.walkAhead?.remember(walks.contexts(targets.map((t) => t.job)));
  const existing = await inspected;
  targets.forEach((target, i) => {
    const snapshot = snapshots[i];
    if (!snapshot) return;
    const { job } = target;
    const decision = job.cannotBuild.length ? decideUnbuildable(existing[i], options.mode) : decideBuild(existing[i], snapshot.inputs, options.mode, BERTH_BUILD_INPUTS);
    builds.push({ ...target, snapshot, decision, ...(existing[i] ? { existing: existing[i] } : {}) });
    if (!job.cannotBuild.length) return;
    if (decision.action === 'build') problems.push(...job.cannotBuild);
    else if (decision.action === 'keep') problems.push(unbuildableKept(job));
  });
  const toBuild = builds.filter((b) => b.decision.action === 'build' && !b.job.cannotBuild.length);
  for (const b of toBuild) if (b.job.outsideProject) problems.push(contextOutsideWarning(b.job));
  if (toBuild.length) {
    const engine = await engineBuilder(api, env);
    for (const b of toBuild) {
      const builder = builderFor(b.job, engine, problems, specialFiles(b.snapshot.entries));
      if (builder) b.builder = builder;
    }
  }
  return { builds, problems };
}

/**
 * planBuilds where bad input may have been found already (`bad`): the targets that read well are planned even so, so
 * what they cannot build is told with the rest in one round, not after the first problems are fixed; an engine
 * failure then does not hide the bad input.
 */
export function planBuildsBeside(api: BuildApi, targets: BuildTarget[], options: PlanBuildsOptions, bad: boolean): Promise<{ builds: PlannedBuild[]; problems: Problem[] }> {
  return planBuilds(api, targets, options).catch((err: unknown) => {
    if (!bad || isAbort(err)) throw err;
    return { builds: [], problems: [] };
  });
}

export interface RunBuildsOptions {
  /** The project: built images carry Compose's project and service labels, as `docker compose build` puts them. */
  project: string;
  /** Builds at once (`--parallel`; default DEFAULT_BUILD_PARALLEL; Infinity: no limit). */
  parallel?: number;
  /** Ctrl-C or a deadline: ends every build in flight, on the engine too. */
  signal?: AbortSignal;
  onEvent?: (e: BuildEvent) => void;
  /** Pulls an image the engine does not have (BuildKit cannot pull without a session, so base images are pulled first). */
  pull: (image: string) => Promise<void>;
}

/** The base images a BuildKit build needs, pulled where the engine lacks them (all of them with `pull`). */
async function ensureBases(api: BuildApi, b: PlannedBuild, options: RunBuildsOptions): Promise<void> {
  for (const image of externalImages(b.job.info, b.job.target)) {
    if (!b.job.pull && (await existingImage(api, image))) continue;
    options.onEvent?.({ service: b.job.service, phase: 'building', detail: `pulling ${image}` });
    await options.pull(image);
  }
}

async function runOne(api: BuildApi, b: PlannedBuild, options: RunBuildsOptions): Promise<BuildReport> {
  const { job, snapshot } = b;
  const builder = b.builder!;
  const base = { service: job.service, services: b.services, image: job.image, inputs: snapshot.inputs, reason: b.decision.reason, builder: builder.kind };
  const started = Date.now();
  const failed = (failure: BuildFailure): BuildReport => {
    options.onEvent?.({ service: job.service, phase: 'failed', detail: failure.step ? `${failure.step}: ${failure.message}` : failure.message });
    return { ...base, action: 'failed', failure, durationMs: Date.now() - started };
  };
  try {
    if (builder.kind === 'buildkit') await ensureBases(api, b, options);
    options.signal?.throwIfAborted();
    const { stream, dockerfile } = contextTar(job, snapshot, options.signal, builder.kind);
    const query = buildQuery(job, { inputs: snapshot.inputs, dockerfile, builder: builder.kind, project: options.project });
    options.onEvent?.({ service: job.service, phase: 'building', detail: 'sending the context' });
    const answer = await api.build(stream, query, options.signal ? { signal: options.signal } : {});
    const outcome = await followBuild(answer, (step) => options.onEvent?.({ service: job.service, phase: 'building', detail: step }));
    const layers = outcome.layers.length ? { layers: outcome.layers } : {};
    if (outcome.failure) return { ...failed(outcome.failure), ...layers };
    const durationMs = Date.now() - started;
    options.onEvent?.({ service: job.service, phase: 'built', detail: `${outcome.imageId!.replace(/^sha256:/, '').slice(0, 12)}, ${formatDuration(durationMs)}` });
    return { ...base, action: 'built', imageId: outcome.imageId!, durationMs, ...layers };
  } catch (err) {
    if (options.signal?.aborted || (err as Error)?.name === 'AbortError') throw err;
    return failed({ message: engineMessage(err), output: [] });
  }
}

/**
 * Builds what the plan says to build, at most `parallel` at once. A failed build is reported, not
 * thrown: the others go on, and whoever called decides what depended on it. Ctrl-C (the signal) ends
 * every build in flight, the engine's side too (the request is aborted), and is thrown.
 */
export async function runBuilds(api: BuildApi, planned: PlannedBuild[], options: RunBuildsOptions): Promise<BuildReport[]> {
  const limit = new Semaphore(options.parallel ?? DEFAULT_BUILD_PARALLEL);
  return Promise.all(
    planned.map((b) => {
      if (b.decision.action !== 'build') {
        const action = b.decision.action === 'missing' ? 'failed' : 'kept';
        return Promise.resolve<BuildReport>({
          service: b.job.service,
          services: b.services,
          image: b.job.image,
          inputs: b.snapshot.inputs,
          action,
          reason: b.decision.reason,
          ...(b.existing ? { imageId: b.existing.id } : {}),
          ...(action === 'failed' ? { failure: { message: `image ${b.job.image} is missing, and --no-build forbids building it`, output: [] } } : {}),
        });
      }
      return limit.run(() => runOne(api, b, options));
    }),
  );
}
