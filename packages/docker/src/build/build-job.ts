import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { envMap, parseSize, pathWithin, type Problem, type ServiceBuild } from '@berth/spec';
import { readDockerfile, stageNames, type DockerfileInfo } from './dockerfile.js';
import { IgnoreMatcher, readIgnoreFile, withBuildFiles } from './dockerignore.js';
import { isRemoteContext } from './remote-context.js';
import { engineExtraHosts } from '../up/extra-hosts.js';

/** One image to build, everything resolved: what berth sends to `POST /build`, and what its digest covers. */
export interface BuildJob {
  /** The service whose `build` this is (the first, when several services run the image). */
  service: string;
  /** The image name (`t`): the service's `image`, or `<project>-<service>` as Compose names it. */
  image: string;
  /** The context directory, absolute. */
  contextDir: string;
  /** The context as the spec wrote it, for messages. */
  context: string;
  dockerfile: {
    /** As written (`Dockerfile`, `docker/api.Dockerfile`, `(inline)`), for messages. */
    written: string;
    /** The file, absolute; absent for an inline Dockerfile. */
    file?: string;
    text: string;
    /** Its path inside the context, when it lives there; otherwise berth adds it to the tar under another name. */
    inContext?: string;
  };
  target?: string;
  /** Build args with values (a `null` arg took its value from the environment, or was left out as Compose does). */
  args: Record<string, string>;
  labels: Record<string, string>;
  /** More names for the image. */
  tags: string[];
  cacheFrom: string[];
  network?: string;
  /** /dev/shm size in bytes. */
  shmSize?: number;
  /** `host:address` lines. */
  extraHosts: string[];
  noCache: boolean;
  pull: boolean;
  platform?: string;
  /** The `.dockerignore` patterns Docker matches with (the build files never ignored). */
  ignore: string[];
  /** The rules' file as written (`<Dockerfile>.dockerignore`, else the context's `.dockerignore`), when there is one. */
  ignoreText?: string;
  /**
   * The rules come from `<Dockerfile>.dockerignore` beside the Dockerfile, not from the context's `.dockerignore`:
   * the engine's classic builder reads only the tar's `.dockerignore`, so berth writes the rules there (contextTar).
   */
  ignoreBesideDockerfile: boolean;
  /** The `.dockerignore` would exclude the Dockerfile: it is sent anyway, as Docker does, and COPY does not see it. */
  dockerfileIgnored: boolean;
  /**
   * What the tar carries that `COPY .` must not see: the Dockerfile or the `.dockerignore` when the
   * `.dockerignore` names them, a Dockerfile from outside the context or inline. The classic builder drops
   * them as the `.dockerignore` says; BuildKit without a session does not read it.
   */
  hiddenFromCopy: string[];
  info: DockerfileInfo;
  /** The context lies outside the project's directory (Compose allows it; berth says so when it builds). */
  outsideProject: boolean;
  /**
   * Why berth cannot build this image (it needs a BuildKit session or buildx), one problem each: bad input only
   * where the image must be built; an image already there (made by `docker compose build`) is run as it is.
   */
  cannotBuild: Problem[];
}

export interface BuildJobInput {
  /** The directory of berth.yaml: a relative context resolves from here. */
  projectDir: string;
  /** The name the built image gets. */
  image: string;
  /** The environment over the `.env` beside the spec: gives `null` build args their values. */
  vars: Record<string, string | undefined>;
  /** What the spec keeps of Compose's `build` under `x-compose.build` (`secrets`, `ssh`), which berth cannot honour. */
  kept?: Record<string, unknown>;
}

/** Compose's sizes: the rule lives in @berth/spec. */
export { parseSize };

/** FILE's path inside DIR (slash-separated), or undefined where it is DIR itself or outside it: only a first segment of exactly `..` leaves DIR (`..ctx` is a name). */
export const within = (dir: string, file: string) => pathWithin(dir, file)?.split(path.sep).join('/');

/** A file's text; nothing where there is no such file; what it is instead where it cannot be read (a directory, no permission). */
function readText(file: string): { text?: string; unreadable?: string } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    if (code === 'EISDIR') return { unreadable: 'is a directory, not a file' };
    if (code === 'EACCES' || code === 'EPERM') return { unreadable: 'cannot be read (permission denied)' };
    return { unreadable: `cannot be read (${code ?? (err as Error).message})` };
  }
}

const sessionHint = (service: string) => `build it with \`docker compose build ${service}\` or \`docker buildx build\` (berth then runs the image they made), or do without it`;

/**
 * A service's `build` (its text already resolved) as a BuildJob, or the problems that stop it, each one
 * line with the field it comes from: a context or Dockerfile that is not there, a Git URL context, a
 * `.dockerignore` pattern Docker refuses, a target that is no stage, and what needs a BuildKit session
 * berth does not open (secret and ssh mounts, build secrets and ssh, additional contexts, several platforms).
 */
export function buildJob(name: string, build: ServiceBuild, input: BuildJobInput, problems: Problem[]): BuildJob | undefined {
  const found: Problem[] = [];
  const job = readJob(name, build, input, found);
  problems.push(...found);
  return found.some((p) => p.severity === 'error') ? undefined : job;
}

function readJob(name: string, build: ServiceBuild, input: BuildJobInput, problems: Problem[]): BuildJob | undefined {
  const at = (...field: (string | number)[]) => ['services', name, 'build', ...field];
  const fail = (code: string, message: string, field: (string | number)[], hint?: string) => {
    problems.push({ code, severity: 'error', message: `service "${name}": ${message}`, path: at(...field), ...(hint ? { hint } : {}) });
    return undefined;
  };
  if (isRemoteContext(build.context)) {
    return fail('build-context-remote', `build context ${build.context} is a URL; berth builds from a local directory`, ['context'], `clone it and point context at the directory, or ${sessionHint(name)}`);
  }
  const contextDir = path.resolve(input.projectDir, build.context);
  let isDir = false;
  try {
    isDir = statSync(contextDir).isDirectory();
  } catch {
    return fail('build-context-missing', `build context ${build.context} does not exist (${contextDir})`, ['context']);
  }
  if (!isDir) return fail('build-context-not-dir', `build context ${build.context} is not a directory`, ['context']);

  // what berth cannot build stops only a build: an image made by docker compose or buildx is run as it is
  const cannotBuild: Problem[] = [];
  const cannot = (code: string, message: string, field: (string | number)[], hint: string) => {
    cannotBuild.push({ code, severity: 'error', message: `service "${name}": ${message}`, path: at(...field), hint });
  };
  for (const key of ['secrets', 'ssh'] as const) {
    if (input.kept?.[key] !== undefined) cannot('build-needs-session', `build ${key} need a BuildKit session, which berth does not open`, [], sessionHint(name));
  }
  if (build.additionalContexts && Object.keys(build.additionalContexts).length) {
    cannot('build-needs-session', 'additional build contexts need a BuildKit session, which berth does not open', ['additionalContexts'], sessionHint(name));
  }
  if ((build.platforms?.length ?? 0) > 1) cannot('build-platforms', `building for several platforms (${build.platforms!.join(', ')}) needs buildx`, ['platforms'], 'keep one platform, or use docker buildx bake');

  let dockerfile: BuildJob['dockerfile'];
  if (build.dockerfileInline !== undefined) dockerfile = { written: '(inline)', text: build.dockerfileInline };
  else {
    const written = build.dockerfile ?? 'Dockerfile';
    const file = path.resolve(contextDir, written);
    const { text, unreadable } = readText(file);
    if (unreadable !== undefined) return fail('dockerfile-unreadable', `Dockerfile ${written} ${unreadable} (${file})`, [build.dockerfile ? 'dockerfile' : 'context']);
    if (text === undefined) return fail('dockerfile-missing', `Dockerfile ${written} not found (${file})`, [build.dockerfile ? 'dockerfile' : 'context']);
    const inContext = within(contextDir, file);
    dockerfile = { written, file, text, ...(inContext ? { inContext } : {}) };
  }

  const args = envMap() as Record<string, string>;
  for (const [key, value] of Object.entries(build.args ?? {})) {
    if (value === null) {
      if (input.vars[key] !== undefined) args[key] = input.vars[key]!;
    } else args[key] = String(value);
  }
  const info = readDockerfile(dockerfile.text, args);
  const where = (line: number) => `${dockerfile.written}:${line}`;
  for (const need of info.session) cannot('build-needs-session', `${where(need.line)}: ${need.what} needs a BuildKit session, which berth does not open`, [], sessionHint(name));
  if (!info.stages.length) fail('dockerfile-no-from', `${dockerfile.written} has no FROM instruction`, build.dockerfile ? ['dockerfile'] : []);
  if (build.target !== undefined && !stageNames(info).includes(build.target.toLowerCase())) {
    const names = stageNames(info);
    fail('build-target-unknown', `target "${build.target}" is not a stage of ${dockerfile.written}${names.length ? ` (stages: ${names.join(', ')})` : ' (it names no stage)'}`, ['target']);
  }

  let ignore: string[] = [];
  const { file: ignoreFile, text: ignoreText, unreadable } = ignoreRulesFile(contextDir, dockerfile.file);
  // Docker refuses the build too (`error reading .dockerignore`): no rules would send what the file meant to leave out
  if (unreadable !== undefined) fail('dockerignore-unreadable', `${path.relative(input.projectDir, ignoreFile) || ignoreFile} ${unreadable}, so its rules cannot be read`, ['context'], 'make it a readable file, or remove it');
  if (ignoreText !== undefined) {
    const rules = readIgnoreFile(ignoreText);
    for (const rule of rules) {
      try {
        new IgnoreMatcher([rule.pattern]);
      } catch (err) {
        problems.push({ code: 'dockerignore-pattern', severity: 'error', file: path.relative(input.projectDir, ignoreFile) || ignoreFile, line: rule.line, col: 1, message: `${(err as Error).message} in the ${path.basename(ignoreFile)} of service "${name}"`, hint: 'Docker refuses it too; see https://docs.docker.com/build/concepts/context/#dockerignore-files' });
      }
    }
    ignore = rules.map((r) => r.pattern);
  }
  const ignoredBefore = dockerfile.inContext !== undefined && ignore.length > 0 && safeMatches(ignore, dockerfile.inContext);
  const hiddenFromCopy = [
    ...(dockerfile.inContext === undefined ? [dockerfile.written === '(inline)' ? 'the inline Dockerfile' : `the Dockerfile ${dockerfile.written}`] : ignoredBefore ? [dockerfile.inContext] : []),
    ...(ignore.length > 0 && safeMatches(ignore, '.dockerignore') ? ['.dockerignore'] : []),
  ];
  if (problems.length) return undefined;

  const shmSize = build.shmSize === undefined ? undefined : parseSize(build.shmSize);
  if (build.shmSize !== undefined && shmSize === undefined) return fail('build-shm-size', `shmSize ${JSON.stringify(build.shmSize)} is not a size`, ['shmSize'], 'write bytes or a size such as 512m or 2gb');
  const extraHosts = engineExtraHosts(build.extraHosts, { field: at('extraHosts'), who: `service "${name}": build` }, problems);
  if (!extraHosts.ok) return undefined;
  const inProject = within(input.projectDir, contextDir) !== undefined || path.resolve(input.projectDir) === contextDir;
  return {
    service: name,
    image: input.image,
    contextDir,
    context: build.context,
    dockerfile,
    ...(build.target !== undefined ? { target: build.target } : {}),
    args,
    labels: { ...build.labels },
    tags: build.tags ?? [],
    cacheFrom: build.cacheFrom ?? [],
    ...(build.network !== undefined ? { network: build.network } : {}),
    ...(shmSize !== undefined ? { shmSize } : {}),
    extraHosts: extraHosts.hosts ?? [],
    noCache: !!build.noCache,
    pull: !!build.pull,
    ...(build.platforms?.length === 1 ? { platform: build.platforms[0]! } : {}),
    ignore: withBuildFiles(ignore, dockerfile.inContext),
    ...(ignoreText !== undefined ? { ignoreText } : {}),
    ignoreBesideDockerfile: ignoreText !== undefined && ignoreFile !== path.join(contextDir, '.dockerignore'),
    dockerfileIgnored: ignoredBefore,
    hiddenFromCopy,
    info,
    outsideProject: !inProject,
    cannotBuild,
  };
}

/**
 * The file whose `.dockerignore` rules a build uses: `<Dockerfile>.dockerignore` beside the Dockerfile when
 * there is one (BuildKit's, buildx's and Compose v2's filename-specific ignore file, which takes the place of
 * the context's), else the context's `.dockerignore`. An inline Dockerfile has no file beside it.
 */
function ignoreRulesFile(contextDir: string, dockerfile: string | undefined): { file: string; text?: string; unreadable?: string } {
  if (dockerfile !== undefined) {
    const file = `${dockerfile}.dockerignore`;
    const read = readText(file);
    if (read.text !== undefined || read.unreadable !== undefined) return { file, ...read };
  }
  const file = path.join(contextDir, '.dockerignore');
  return { file, ...readText(file) };
}

function safeMatches(patterns: string[], file: string): boolean {
  try {
    return new IgnoreMatcher(patterns).matches(file);
  } catch {
    return false;
  }
}
