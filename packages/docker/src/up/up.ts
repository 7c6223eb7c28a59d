import { readFileSync } from 'node:fs';
import { BerthError, hasErrors, type BerthSpec, type Problem } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import { localImageIds, missingImageProblems, pullImage } from '../engine/images.js';
import type { BuildMode } from '../build/build-plan.js';
import { defaultCacheDir } from '../build/context-digest.js';
import { buildFailureProblems, upBuilds, type UpBuilds } from './up-builds.js';
import { observeProject } from '../engine/observe.js';
import { ensureNetwork, ensureVolumes } from '../engine/project-resources.js';
import { findPortHolders } from '../ports/port-holders.js';
import { preflightProblems } from '../ports/preflight.js';
import { listeningSockets } from '../ports/proc-net.js';
import { resolveProfiles } from '../profiles.js';
import { projectName } from '../project-name.js';
import { applyPlan, type UpEvent } from './apply.js';
import { desiredContainer, type DesiredContainer } from './desired.js';
import { projectVariables } from './env-values.js';
import { plan as makePlan, type Plan } from './plan.js';

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
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: UpEvent) => void;
  /** Directory of berth.yaml (binds, env files, .env); default the cwd. */
  projectDir?: string;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  /** Images of services with `build`: `auto` builds what is missing or whose inputs changed (default), `always` is `--build`, `never` is `--no-build`. */
  build?: BuildMode;
  /** Where build context hashes are remembered between runs (default `$XDG_CACHE_HOME/berth`). */
  buildCacheDir?: string;
}

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

const readText = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

function fail(code: string, message: string, problems: Problem[], exitCode: number): never {
  throw new BerthError(code, message, { problems: problems.filter((p) => p.severity === 'error'), exitCode });
}

/**
 * `berth up`: resolve profiles, build the desired containers, compare them with the engine (plan),
 * check images and host ports before creating anything, then apply. Idempotent.
 */
export async function up(engine: Engine, spec: BerthSpec, options: UpOptions = {}): Promise<UpResult> {
  const env = options.env ?? process.env;
  const projectDir = options.projectDir ?? process.cwd();
  const project = projectName(spec, env);
  const selection = resolveProfiles(spec, { profiles: options.profiles, services: options.services, env });
  const warnings = selection.problems.filter((p) => p.severity === 'warning');
  if (hasErrors(selection.problems)) fail('ERR_BERTH_PROFILES', 'the selected services cannot start', selection.problems, 2);

  const vars = projectVariables(projectDir, env);
  const problems: Problem[] = [];
  const desired = new Map<string, DesiredContainer>();
  for (const name of selection.services) {
    const d = desiredContainer(name, { spec, project, projectDir, vars, readText }, problems);
    if (d) desired.set(name, d);
  }
  if (hasErrors(problems)) fail('ERR_BERTH_SERVICES', 'some services cannot be created', problems, 2);
  warnings.push(...problems);

  const docker = engine.api;
  // Independent reads (the project's containers, who holds the ports), started now so the engine answers
  // them while the build contexts are walked; read again if a build ran, since a build can take minutes.
  const allPorts = [...desired.values()].flatMap((d) => d.hostPorts);
  const readState = () => {
    const reads = Promise.all([
      observeProject(docker, project),
      allPorts.length ? findPortHolders(engine, allPorts) : Promise.resolve([]),
      allPorts.length ? listeningSockets() : Promise.resolve([]),
    ]);
    reads.catch(() => undefined);
    return reads;
  };
  const early = readState();
  // Builds first: a service's image must be what its inputs say before it is compared with its container.
  const builds = await upBuilds(docker, spec, desired, {
    project,
    projectDir,
    vars,
    mode: options.build ?? 'auto',
    dryRun: !!options.dryRun,
    cacheDir: options.buildCacheDir ?? defaultCacheDir(env),
    env,
    pull: (image) => pullImage(engine.docker, image, options.signal),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: (e) => options.onEvent!(e) } : {}),
  });
  warnings.push(...builds.warnings);
  // what depends on a failed build is left as it is; the rest goes on
  for (const service of builds.stopped.keys()) desired.delete(service);
  const built = new Set(builds.reports.flatMap((r) => (r.action === 'build' ? r.services : [])));
  const images = [...desired.values()].map((d) => ({ service: d.service, image: d.image }));
  const ranBuild = !options.dryRun && builds.reports.some((r) => r.action === 'built' || r.action === 'failed');
  const [firstIds, [observed, holders, sockets]] = await Promise.all([localImageIds(docker, images.map((i) => i.image)), ranBuild ? readState() : early]);
  let ids = firstIds;
  // an image a dry run would build is not missing
  const missing = missingImageProblems(images.filter((i) => !built.has(i.service)), ids);
  if (missing.length && options.pull && !options.dryRun) {
    for (const image of new Set(images.filter((i) => !ids.has(i.image)).map((i) => i.image))) {
      options.onEvent?.({ service: images.find((i) => i.image === image)!.service, phase: 'creating', detail: `pulling ${image}` });
      await pullImage(engine.docker, image, options.signal);
    }
    ids = await localImageIds(docker, images.map((i) => i.image));
  } else if (missing.length && !options.dryRun) fail('ERR_BERTH_IMAGE_MISSING', 'images missing', missing, 1);
  else warnings.push(...missing.map((p) => ({ ...p, severity: 'warning' as const })));

  const thePlan = makePlan(
    [...desired.values()].map((d) => ({ ...d, ...(ids.get(d.image) ? { imageId: ids.get(d.image)! } : {}) })),
    observed,
    Object.keys(spec.services),
  );
  // in a dry run, a container whose image is to be built is recreated if the build changes the image
  for (const step of thePlan.steps) {
    if (built.has(step.service) && (step.action === 'keep' || step.action === 'start')) Object.assign(step, { action: 'recreate', reason: 'its image is to be built' });
  }
  const result: UpResult = { project, profiles: selection.profiles, services: selection.services, elsewhere: selection.elsewhere, plan: thePlan, builds: builds.reports, dryRun: !!options.dryRun, warnings };
  if (thePlan.orphans.length) {
    warnings.push({ code: 'orphans', severity: 'warning', message: `containers of services not in the spec: ${thePlan.orphans.map((o) => o.name).join(', ')} (berth down removes them)` });
  }

  const starting = thePlan.steps.filter((s) => s.action === 'create' || s.action === 'recreate' || s.action === 'start').map((s) => desired.get(s.service)!);
  const running = observed.filter((o) => o.state === 'running').map((o) => o.service);
  const busy = new Set(sockets.map((s) => s.port));
  const portProblems = preflightProblems({ spec, project, starting, running, holders, busy });
  if (options.dryRun) {
    result.warnings.push(...portProblems.map((p) => ({ ...p, severity: 'warning' as const })));
    return result;
  }
  if (portProblems.length) fail('ERR_BERTH_PORTS', 'port preflight failed', portProblems, 1);
  const buildFailures = buildFailureProblems(builds);

  if (starting.length) {
    await Promise.all([ensureNetwork(docker, project), ensureVolumes(docker, project, [...new Set(starting.flatMap((d) => d.volumes))])]);
  }
  const applied = applyPlan(docker, thePlan, {
    spec,
    project,
    desired,
    wait: options.wait ?? true,
    ...(options.earlyProbe === false ? { earlyProbe: false } : {}),
    deadline: Date.now() + (options.timeoutMs ?? 120_000),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
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
  if ((appliedError as Error)?.name === 'AbortError') throw appliedError;
  const more = appliedError instanceof BerthError ? (appliedError.problems.length ? appliedError.problems : [{ code: appliedError.code, severity: 'error' as const, message: appliedError.message }]) : appliedError ? [{ code: 'up-failed', severity: 'error' as const, message: (appliedError as Error).message }] : [];
  const failedBuilds = buildFailures.filter((p) => p.code === 'build-failed').length;
  throw new BerthError('ERR_BERTH_BUILD_FAILED', `${failedBuilds} image build${failedBuilds === 1 ? '' : 's'} failed`, { exitCode: 1, problems: [...buildFailures, ...more] });
}
