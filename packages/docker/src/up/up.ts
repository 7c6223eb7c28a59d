import { BerthError, hasErrors, type BerthErrorCode, type BerthSpec, type DotEnvEntry, type Problem, type RegistryInput, type SourceDocument } from '@berth/spec';
import type { BuildMode } from '../build/build-plan.js';
import { defaultCacheDir } from '../build/context-digest.js';
import type { WalkAhead } from '../build/walk-ahead.js';
import { commandScope, type CommandScope } from '../engine/command-scope.js';
import type { Engine } from '../engine/connect.js';
import { abortError, engineRefused, isAbort } from '../engine/engine-errors.js';
import { localImageIds, missingImageProblems } from '../engine/images.js';
import { observeProject } from '../engine/observe.js';
import { ensureServiceNetworks, ensureVolumes } from '../engine/project-resources.js';
import { findPortHolders } from '../ports/port-holders.js';
import { preflightProblems } from '../ports/preflight.js';
import { hostPortProbe, type HostPortCheck } from '../ports/host-ports.js';
import { withProjectLock, type LockHolder } from '../ops/project-lock.js';
import { resolveProfiles, type ProfileSelection } from '../profiles.js';
import { projectName } from '../project-name.js';
import { applyPlan, type UpEvent } from './apply.js';
import { desiredContainer, type DesiredContainer } from './desired.js';
import { projectObjectsDir, writeObjectFiles } from './service-files.js';
import { projectVariables, readText } from './project-vars.js';
import { envPreflight, type EnvPreflightInput } from './env-preflight.js';
import { plan as makePlan, restartDependents, type Plan } from './plan.js';
import type { CrossEngineWaits } from '../engines/cross-engine-waits.js';
import { buildFailureProblems, upBuilds, type UpBuilds } from './up-builds.js';

export interface UpOptions {
  profiles?: string[];
  services?: string[];
  dryRun?: boolean;
  /** Pull images that are not present locally (never otherwise). */
  pull?: boolean;
  /** Wait for every started service to be healthy/running (default true). */
  wait?: boolean;
  /** Start a `service_healthy` dependent once the dependency's health test passes when run early (default true). */
  earlyProbe?: boolean;
  /** The deadline for `up` (default 120 s): engine calls, pulls and waits alike; image builds are not held to it (their time is added). */
  timeoutMs?: number;
  /** Ctrl-C: stops everything at once (what was made keeps its labels). */
  signal?: AbortSignal;
  onEvent?: (e: UpEvent) => void;
  /** Directory of berth.yaml (binds, env files, .env); default the cwd. */
  projectDir?: string;
  /** The `.env` beside the spec as @berth/spec's loader read it (`[]`: there is none); default: read from projectDir. */
  dotEnv?: readonly DotEnvEntry[];
  /** How messages name that `.env` (default `.env`): a variable it sets that the selection refuses is said at its line. */
  dotEnvFile?: string;
  /** The spec file as messages name it (default `berth.yaml`) and its source, so what the env preflight refuses is said at file:line:col. */
  specFile?: string;
  specSource?: SourceDocument;
  /**
   * The environment was checked for the whole selection already (upAcrossEngines checks it once, for every engine);
   * default: `up` checks it (envPreflight) before anything else.
   */
  envChecked?: boolean;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  /** Images built at once (`--parallel`); default: COMPOSE_PARALLEL_LIMIT, else DEFAULT_BUILD_PARALLEL. */
  buildParallel?: number;
  /** Images of services with `build`: `auto` builds what is missing or whose inputs changed (default), `always` is `--build`, `never` is `--no-build`. */
  build?: BuildMode;
  /** Where build context hashes are remembered between runs (default `$XDG_CACHE_HOME/berth`). */
  buildCacheDir?: string;
  /** Build contexts walked ahead on a worker thread, and where this run's are remembered (see WalkAhead). */
  walkAhead?: WalkAhead;
  /** Told once when another berth is working on the project and this one waits for it. */
  onLockWait?: (holder: LockHolder) => void;
  /**
   * The services of the selection this engine runs (see serviceEngine); the others run on other engines
   * and are not touched here. Default: every service of the selection.
   */
  placed?: string[];
  /** Dependencies on services other engines run in the same `up` (see upAcrossEngines). */
  crossEngine?: CrossEngineWaits;
  /**
   * The host of an engine on another machine: its host ports are checked against its containers only
   * (a host process there cannot be seen from here), and a warning says so. Default: this machine.
   */
  remoteHost?: string;
  /** The port registry the spec names: a free port the preflight offers for a held one is one it leaves free. */
  registry?: RegistryInput;
}

/** An engine on another machine: this machine's sockets say nothing of its ports. */
const UNSEEN_HOST: HostPortCheck = { taken: async () => false };

export interface UpResult {
  project: string;
  profiles: string[];
  services: string[];
  /** Enabled services that run elsewhere (devcontainer, host) and were left alone. */
  elsewhere: string[];
  plan: Plan;
  /** One per image a service builds: built, kept (up to date), failed, or, in a dry run, `build`. */
  builds: UpBuilds['reports'];
  dryRun: boolean;
  warnings: Problem[];
}

function fail(code: BerthErrorCode, message: string, problems: Problem[]): never {
  throw new BerthError(code, message, { problems: problems.filter((p) => p.severity === 'error') });
}

/** What ends `up` early, in words: the deadline as a timeout (exit 1), an engine's refusal as one line. */
function upError(err: unknown, scope: CommandScope, timeoutMs: number): unknown {
  if (isAbort(err) && scope.expired()) {
    return new BerthError('ERR_BERTH_TIMEOUT', `berth up ran out of time (--timeout ${timeoutMs / 1000} s) before starting anything`, { hint: 'raise --timeout' });
  }
  return engineRefused(err, 'a call of berth up');
}

/**
 * `berth up`: resolve profiles, build the desired containers, build the images that need it, compare
 * them with the engine (plan), check images and host ports before creating anything, then apply.
 * Idempotent. It runs within `timeoutMs` (image builds aside: they take as long as they take) and
 * stops at once on `signal`, builds included.
 */
export async function up(engine: Engine, spec: BerthSpec, options: UpOptions = {}): Promise<UpResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const scope = commandScope(options.signal, timeoutMs);
  try {
    return await upWithin(engine, spec, options, scope);
  } catch (err) {
    throw upError(err, scope, timeoutMs);
  }
}

async function upWithin(engine: Engine, spec: BerthSpec, options: UpOptions, scope: CommandScope): Promise<UpResult> {
  if (scope.signal.aborted) throw abortError(scope.signal.reason);
  const prepared = prepare(spec, options);
  if (options.dryRun) return converge(engine, spec, options, scope, prepared);
  // One berth at a time changes a project on an engine: a second `up` (or a `down`) waits its turn, up to the deadline.
  return withProjectLock(engine.endpoint, prepared.project, 'berth up', () => converge(engine, spec, options, scope, prepared), {
    timeoutMs: scope.deadline - Date.now(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
  });
}

interface Prepared {
  project: string;
  projectDir: string;
  env: NodeJS.ProcessEnv;
  /** What `${VAR}` references and `null` build args resolve from: the environment over the `.env`. */
  vars: Record<string, string | undefined>;
  selection: ProfileSelection;
  warnings: Problem[];
  desired: Map<string, DesiredContainer>;
}

/** What the selection asks for, before asking the engine anything: profiles resolved, each service's container. */
function prepare(spec: BerthSpec, options: UpOptions): Prepared {
  const env = options.env ?? process.env;
  const projectDir = options.projectDir ?? process.cwd();
  const project = projectName(spec, env);
  const selection = resolveProfiles(spec, { profiles: options.profiles, services: options.services, env });
  const warnings = selection.problems.filter((p) => p.severity === 'warning');
  if (hasErrors(selection.problems)) fail('ERR_BERTH_PROFILES', 'the selected services cannot start', selection.problems);

  if (!options.envChecked) envPreflight(spec, envPreflightInput(selection, options));
  const vars = projectVariables(projectDir, env, options.dotEnv);
  const problems: Problem[] = [];
  const desired = new Map<string, DesiredContainer>();
  if (options.placed) {
    const here = new Set(options.placed);
    selection.services = selection.services.filter((s) => here.has(s));
  }
  for (const name of selection.services) {
    const d = desiredContainer(name, { spec, project, projectDir, vars, readText, objectsDir: projectObjectsDir(options.buildCacheDir ?? defaultCacheDir(env), project) }, problems);
    if (d) desired.set(name, d);
  }
  if (hasErrors(problems)) fail('ERR_BERTH_SERVICES', 'some services cannot be created', problems);
  warnings.push(...problems);
  return { project, projectDir, env, vars, selection, warnings, desired };
}

/** What envPreflight needs of a selection and of up's options. */
export function envPreflightInput(selection: Pick<ProfileSelection, 'profiles' | 'services'>, options: UpOptions): EnvPreflightInput {
  return {
    profiles: selection.profiles,
    services: selection.services,
    env: options.env ?? process.env,
    projectDir: options.projectDir ?? process.cwd(),
    ...(options.dotEnv ? { dotEnv: options.dotEnv } : {}),
    ...(options.dotEnvFile ? { dotEnvFile: options.dotEnvFile } : {}),
    ...(options.specFile ? { specFile: options.specFile } : {}),
    ...(options.specSource ? { specSource: options.specSource } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  };
}

/**
 * The engine's side (convergeNoting), with the warnings that bear on a failure kept on it: an `up` on an engine
 * of another machine that fails says, as a successful one does, that its host ports were not seen from here.
 */
async function converge(engine: Engine, spec: BerthSpec, options: UpOptions, scope: CommandScope, prepared: Prepared): Promise<UpResult> {
  const kept: Problem[] = [];
  try {
    return await convergeNoting(engine, spec, options, scope, prepared, kept);
  } catch (err) {
    throw withWarnings(err, kept);
  }
}

/** A failure with warnings added to its problems (its own message first, as a problem, when it had none). */
function withWarnings(err: unknown, warnings: Problem[]): unknown {
  if (!warnings.length || !(err instanceof BerthError)) return err;
  const own: Problem[] = err.problems.length ? err.problems : [{ code: err.code, severity: 'error', message: err.message }];
  return new BerthError(err.code, err.message, { problems: [...own, ...warnings], ...(err.hint ? { hint: err.hint } : {}), cause: err });
}

/**
 * The engine's side: read what is there, build the images that need it, plan, check images and ports,
 * then create, start and wait. A warning put in `kept` is one a failure carries too.
 */
async function convergeNoting(engine: Engine, spec: BerthSpec, options: UpOptions, scope: CommandScope, prepared: Prepared, kept: Problem[]): Promise<UpResult> {
  const { project, projectDir, env, vars, selection, warnings, desired } = prepared;
  const checkAbort = () => {
    if (scope.signal.aborted) throw abortError(scope.signal.reason);
  };
  checkAbort();
  const docker = engine.api.withSignal(scope.signal);
  const mode = options.build ?? 'auto';
  // Independent reads (the project's containers, who holds the ports), started now so the engine answers
  // them while the build contexts are walked; read again if a build ran, since a build can take minutes.
  const allPorts = [...desired.values()].flatMap((d) => d.hostPorts);
  const readState = () => {
    const reads = Promise.all([
      observeProject(docker, project),
      allPorts.length ? findPortHolders(docker, allPorts, { hostSockets: !options.remoteHost }) : Promise.resolve([]),
      allPorts.length && !options.remoteHost ? hostPortProbe() : Promise.resolve(UNSEEN_HOST),
    ]);
    reads.catch(() => undefined);
    return reads;
  };
  const early = readState();
  // Builds first: a service's image must be what its inputs say before it is compared with its container.
  // They are not held to the deadline (Ctrl-C still ends them): its clock stops while they run.
  const builds = await scope.hold(() =>
    upBuilds(docker, spec, desired, {
      project,
      projectDir,
      vars,
      mode,
      dryRun: !!options.dryRun,
      cacheDir: options.buildCacheDir ?? defaultCacheDir(env),
      ...(options.walkAhead ? { walkAhead: options.walkAhead } : {}),
      env,
      pull: (image) => docker.pull(image),
      ...(options.buildParallel ? { parallel: options.buildParallel } : {}),
      signal: scope.signal,
      ...(options.onEvent ? { onEvent: (e) => options.onEvent!(e) } : {}),
    }),
  );
  checkAbort();
  warnings.push(...builds.warnings);
  // what depends on a failed build is left as it is; the rest goes on
  for (const service of builds.stopped.keys()) desired.delete(service);
  const built = new Set(builds.reports.flatMap((r) => (r.action === 'build' ? r.services : [])));
  // With --no-build, an image to build that is not there is refused as such (how to build it), as Compose fails too.
  const images = [...desired.values()].map((d) => ({ service: d.service, image: d.image, ...(d.build && mode === 'never' ? { build: d.build } : {}) }));
  const ranBuild = !options.dryRun && builds.reports.some((r) => r.action === 'built' || r.action === 'failed');
  // the images the build phase just inspected or made are not asked for again: one round trip fewer
  const toInspect = images.map((i) => i.image).filter((image) => !builds.imageIds.has(image));
  const [inspectedIds, [observed, holders, host]] = await Promise.all([toInspect.length ? localImageIds(docker, toInspect) : new Map<string, string>(), ranBuild ? readState() : early]);
  const firstIds = new Map([...builds.imageIds, ...inspectedIds]);
  if (allPorts.length && options.remoteHost) {
    const unseen: Problem = {
      code: 'remote-ports-unseen',
      severity: 'warning',
      message: `host ports on ${options.remoteHost} were checked against its containers only: a process of that machine holding one cannot be seen from here`,
    };
    warnings.push(unseen);
    kept.push(unseen);
  }
  let ids = firstIds;
  // an image a dry run would build is not missing
  const missing = missingImageProblems(images.filter((i) => !built.has(i.service)), ids);
  // say which images --no-build leaves missing, before anything is pulled or created
  const toBuild = missing.filter((p) => p.code === 'image-build-needed');
  if (toBuild.length && !options.dryRun) fail('ERR_BERTH_IMAGE_BUILD', 'images to build', toBuild);
  if (missing.length && options.pull && !options.dryRun) {
    for (const image of new Set(images.filter((i) => !ids.has(i.image)).map((i) => i.image))) {
      options.onEvent?.({ service: images.find((i) => i.image === image)!.service, phase: 'creating', detail: `pulling ${image}` });
      await docker.pull(image);
    }
    ids = await localImageIds(docker, images.map((i) => i.image));
  } else if (missing.length && !options.dryRun) fail('ERR_BERTH_IMAGE_MISSING', 'images missing', missing);
  else warnings.push(...missing.map((p) => ({ ...p, severity: 'warning' as const })));

  const thePlan = makePlan(
    [...desired.values()].map((d) => ({ ...d, ...(ids.get(d.image) ? { imageId: ids.get(d.image)! } : {}) })),
    observed,
    Object.keys(spec.services),
  );
  // in a dry run, a container whose image is to be built is recreated if the build changes the image
  for (const step of thePlan.steps) {
    if (built.has(step.service) && (step.action === 'keep' || step.action === 'start')) Object.assign(step, { action: 'recreate', reason: 'its image is to be built' });
    // --no-build kept a stale image: the container is as its image, not up to date with its build inputs
    else if (step.action === 'keep' && builds.stale.has(step.service)) step.reason = 'its image, kept by --no-build, may be out of date';
  }
  restartDependents(thePlan, spec);
  const result: UpResult = { project, profiles: selection.profiles, services: selection.services, elsewhere: selection.elsewhere, plan: thePlan, builds: builds.reports, dryRun: !!options.dryRun, warnings };
  if (thePlan.orphans.length) {
    warnings.push({ code: 'orphans', severity: 'warning', message: `containers of services not in the spec: ${thePlan.orphans.map((o) => o.name).join(', ')} (berth down removes them)` });
  }

  const starting = thePlan.steps.filter((s) => s.action === 'create' || s.action === 'recreate' || s.action === 'start').map((s) => desired.get(s.service)!);
  const running = observed.filter((o) => o.state === 'running').map((o) => o.service);
  const portProblems = await preflightProblems({ spec, project, starting, running, holders, host, registry: options.registry });
  if (options.dryRun) {
    result.warnings.push(...portProblems.map((p) => ({ ...p, severity: 'warning' as const })));
    return result;
  }
  if (portProblems.length) fail('ERR_BERTH_PORTS', 'port preflight failed', portProblems);
  const buildFailures = buildFailureProblems(builds);

  checkAbort();
  // Every selected service's, not only the starting ones': a container started again after a reboot needs its files back.
  writeObjectFiles([...desired.values()].flatMap((d) => d.objectFiles));
  await Promise.all([
    // Only those a container joins: Compose too creates only the networks its services use.
    ensureServiceNetworks(docker, project, starting.flatMap((d) => d.networks)),
    ensureVolumes(docker, project, [...new Set(starting.flatMap((d) => d.volumes))]),
  ]);
  const applied = applyPlan(docker, thePlan, {
    spec,
    project,
    desired,
    wait: options.wait ?? true,
    ...(options.earlyProbe === false ? { earlyProbe: false } : {}),
    deadline: scope.deadline,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    signal: scope.signal,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.crossEngine ? { crossEngine: options.crossEngine } : {}),
    ...(options.remoteHost ? { remoteHost: options.remoteHost } : {}),
  });
  if (!buildFailures.length) {
    await applied;
    return result;
  }
  // the services that did not need the failed builds are up (or failed on their own): say both
  const appliedError = await applied.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (isAbort(appliedError)) throw appliedError;
  const more = appliedError instanceof BerthError ? (appliedError.problems.length ? appliedError.problems : [{ code: appliedError.code, severity: 'error' as const, message: appliedError.message }]) : appliedError ? [{ code: 'up-failed', severity: 'error' as const, message: (appliedError as Error).message }] : [];
  const failedBuilds = buildFailures.filter((p) => p.code === 'build-failed').length;
  throw new BerthError('ERR_BERTH_BUILD_FAILED', `${failedBuilds} image build${failedBuilds === 1 ? '' : 's'} failed`, { problems: [...buildFailures, ...more] });
}
