import { BerthError, hasErrors, resolveProfiles, serviceNamed, type BerthSpec, type DotEnvEntry, type Problem } from '@berth/spec';
import { resolveServiceText } from '../compose/resolve-service.js';
import { commandScope, type CommandScope } from '../engine/command-scope.js';
import type { Engine } from '../engine/connect.js';
import { engineRefused, isAbort } from '../engine/engine-errors.js';
import { PROJECT_LOCK_WAIT_MS, withProjectLock, type LockHolder } from '../ops/project-lock.js';
import { projectName } from '../project-name.js';
import { builtImageName } from '../up/desired.js';
import { projectVariables } from '../up/project-vars.js';
import { planBuilds, planBuildsBeside, plannedReport, runBuilds, type BuildEvent, type PlannedReport } from './build-images.js';
import { buildParallelFromEnv } from './build-parallel.js';
import { buildTargets, type BuildEntry } from './build-targets.js';
import { defaultCacheDir } from './context-digest.js';
import type { WalkAhead } from './walk-ahead.js';

export interface BuildServicesOptions {
  /** Only these services (Compose's `build svc...`: not their dependencies); default every enabled service with `build`. */
  services?: string[];
  /** The services of the selection this engine runs (see serviceEngine); default: all of them. */
  placed?: string[];
  profiles?: string[];
  /** Build without the engine's cache (`--no-cache`). */
  noCache?: boolean;
  /** Pull the base images again (`--pull`). */
  pull?: boolean;
  /** Say what is up to date and what is not; build nothing. */
  dryRun?: boolean;
  /** Directory of berth.yaml (contexts, .env); default the cwd. */
  projectDir?: string;
  /** The `.env` beside the spec as @berth/spec's loader read it (`[]`: there is none); default: read from projectDir. */
  dotEnv?: readonly DotEnvEntry[];
  env?: NodeJS.ProcessEnv;
  /** Ctrl-C: ends every build in flight, on the engine too. */
  signal?: AbortSignal;
  /** How long the builds may take altogether (`--timeout`); none by default. */
  timeoutMs?: number;
  onEvent?: (e: BuildEvent) => void;
  /** Images built at once (`--parallel`); default: COMPOSE_PARALLEL_LIMIT, else DEFAULT_BUILD_PARALLEL. */
  parallel?: number;
  cacheDir?: string;
  /** Build contexts walked ahead on a worker thread, and where this run's are remembered (see WalkAhead). */
  walkAhead?: WalkAhead;
  /** Told once when another berth is working on the project and this build waits for it. */
  onLockWait?: (holder: LockHolder) => void;
}

export interface BuildServicesResult {
  project: string;
  /** One per image: built or failed (`kept` and `build` in a dry run: up to date, or would be built). */
  builds: PlannedReport[];
  /** Named or enabled services without `build`, left alone. */
  skipped: string[];
  warnings: Problem[];
}

/**
 * `berth build`: builds the images of the selected services, always (the engine's cache makes an unchanged
 * build quick), as `docker compose build` does; each image gets the digest of its inputs, so a later
 * `berth up` builds nothing. Bad input (a missing Dockerfile, what needs a BuildKit session) is exit 2
 * before anything is built; a failed build is reported with the others, which go on.
 */
export async function buildServices(engine: Engine, spec: BerthSpec, options: BuildServicesOptions = {}): Promise<BuildServicesResult> {
  const scope = commandScope(options.signal, options.timeoutMs);
  try {
    return await buildWithin(engine, spec, options, scope);
  } catch (err) {
    if (isAbort(err) && scope.expired()) {
      throw new BerthError('ERR_BERTH_TIMEOUT', `berth build ran out of time (--timeout ${options.timeoutMs! / 1000} s)`, { hint: 'raise --timeout' });
    }
    throw engineRefused(err, 'a call of berth build');
  }
}

async function buildWithin(engine: Engine, spec: BerthSpec, options: BuildServicesOptions, scope: CommandScope): Promise<BuildServicesResult> {
  const { signal } = scope;
  const env = options.env ?? process.env;
  const projectDir = options.projectDir ?? process.cwd();
  const project = projectName(spec, env);
  const problems: Problem[] = [];
  let names: string[];
  if (options.services?.length) {
    names = options.services;
    for (const name of names) if (!serviceNamed(spec, name)) problems.push({ code: 'unknown-service', severity: 'error', message: `no service "${name}" in the spec`, hint: `services: ${Object.keys(spec.services).join(', ')}` });
  } else {
    const selection = resolveProfiles(spec, { ...(options.profiles ? { profiles: options.profiles } : {}), env });
    problems.push(...selection.problems);
    names = selection.services;
  }
  if (hasErrors(problems)) throw new BerthError('ERR_BERTH_SERVICES', 'nothing to build', { problems: problems.filter((p) => p.severity === 'error') });
  if (options.placed) {
    const here = new Set(options.placed);
    names = names.filter((n) => here.has(n));
  }

  const vars = projectVariables(projectDir, env, options.dotEnv);
  const entries: BuildEntry[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const resolved = resolveServiceText(name, spec.services[name]!, (k) => vars[k]);
    problems.push(...resolved.problems);
    const { service } = resolved;
    if (!service.build) {
      skipped.push(name);
      continue;
    }
    const build = { ...service.build, ...(options.noCache ? { noCache: true } : {}), ...(options.pull ? { pull: true } : {}) };
    const kept = (service['x-compose'] as { build?: Record<string, unknown> } | undefined)?.build;
    entries.push({ service: name, image: service.image ?? builtImageName(project, name), build, ...(kept ? { kept } : {}) });
  }
  const targets = buildTargets(entries, [], { project, projectDir, vars }, problems);
  const inputError = () => new BerthError('ERR_BERTH_BUILD_INPUT', 'some images cannot be built', { problems: problems.filter((p) => p.severity === 'error') });
  const api = engine.api.withSignal(signal);
  const planOptions = { mode: options.dryRun ? ('auto' as const) : ('always' as const), env, cacheDir: options.cacheDir ?? defaultCacheDir(env), ...(options.walkAhead ? { walkAhead: options.walkAhead } : {}) };
  if (hasErrors(problems)) {
    problems.push(...(await planBuildsBeside(api, targets, planOptions, true)).problems);
    throw inputError();
  }
  // a bad COMPOSE_PARALLEL_LIMIT is bad input where something is to be built, before waiting for the project
  const parallel = options.dryRun || !targets.length ? undefined : (options.parallel ?? buildParallelFromEnv(env));
  const planAndBuild = async (): Promise<BuildServicesResult> => {
    const planned = await planBuilds(api, targets, planOptions);
    problems.push(...planned.problems);
    if (hasErrors(problems)) throw inputError();
    const warnings = problems.filter((p) => p.severity === 'warning');
    for (const b of planned.builds) if (b.builder?.warning) warnings.push({ code: 'build-buildkit-copy', severity: 'warning', message: b.builder.warning });
    if (options.dryRun) return { project, builds: planned.builds.map(plannedReport), skipped, warnings };
    const builds = await runBuilds(api, planned.builds, { project, pull: (image) => api.pull(image), ...(parallel ? { parallel } : {}), signal, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
    return { project, builds, skipped, warnings };
  };
  if (options.dryRun || !targets.length) return planAndBuild();
  // A build retags the project's images: it takes the project's lock as `up` does, so a build and an `up`
  // (which builds and compares images with containers) of one project take turns instead of racing.
  return withProjectLock(engine.endpoint, project, 'berth build', planAndBuild, {
    timeoutMs: Number.isFinite(scope.deadline) ? scope.deadline - Date.now() : PROJECT_LOCK_WAIT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
  });
}
