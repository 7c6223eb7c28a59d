import type { Problem } from '@berth/spec';
import type { BuildJob } from './build-job.js';
import type { BuilderChoice } from './builder-choice.js';

/** `auto`: build what is missing or changed (`berth up`); `always`: `berth build`, `up --build`; `never`: `up --no-build`. */
export type BuildMode = 'auto' | 'always' | 'never';

/** What the engine has under the image's name. */
export interface ExistingImage {
  id: string;
  labels: Record<string, string>;
}

export interface BuildDecision {
  action: 'build' | 'keep' | 'missing';
  /** In words: "no image yet", "its inputs changed", "up to date", ... */
  reason: string;
  /** An image kept by --no-build that may not be what its inputs make, in words ("its build inputs changed since the image was built"). */
  stale?: string;
}

/**
 * Whether an image must be built (pure). An image berth built carries the digest of its inputs; one that
 * does not (made by `docker compose build`, `docker build`, or pulled) has inputs berth cannot know, so it
 * is built once under berth, unless the mode says never.
 */
export function decideBuild(existing: ExistingImage | undefined, inputs: string, mode: BuildMode, label: string): BuildDecision {
  if (mode === 'never') {
    if (!existing) return { action: 'missing', reason: 'no image, and --no-build' };
    if (existing.labels[label] === undefined) return { action: 'keep', reason: 'kept (--no-build); not built by berth, so its inputs are unknown', stale: 'it was not built by berth, so whether it is what its build inputs make is unknown' };
    if (existing.labels[label] === inputs) return { action: 'keep', reason: 'up to date' };
    return { action: 'keep', reason: 'kept (--no-build), though its inputs changed since it was built', stale: 'its build inputs changed since the image was built' };
  }
  if (mode === 'always') return { action: 'build', reason: existing ? 'rebuild asked for' : 'no image yet' };
  if (!existing) return { action: 'build', reason: 'no image yet' };
  const built = existing.labels[label];
  if (built === undefined) return { action: 'build', reason: 'not built by berth, so its inputs are unknown' };
  if (built !== inputs) return { action: 'build', reason: 'its inputs changed' };
  return { action: 'keep', reason: 'up to date' };
}

/**
 * Whether an image berth cannot build (see BuildJob.cannotBuild) must be built: an image there is kept as it is,
 * its inputs unchecked, unless a rebuild is asked for (`always`); none there is `missing` with `--no-build`, and
 * otherwise a build, which the caller refuses.
 */
export function decideUnbuildable(existing: ExistingImage | undefined, mode: BuildMode): BuildDecision {
  if (existing && mode !== 'always') return { action: 'keep', reason: 'kept: berth cannot build it, so its inputs are not checked' };
  if (!existing && mode === 'never') return { action: 'missing', reason: 'no image, and --no-build' };
  return { action: 'build', reason: existing ? 'rebuild asked for' : 'no image yet' };
}

/**
 * The builder one job runs on, given the engine's: a Dockerfile with `# syntax=` goes to the classic
 * builder (which reads that line as a comment) since BuildKit would fetch the frontend through a session;
 * a Dockerfile that needs BuildKit cannot run on the classic builder. A build BuildKit would get wrong (a
 * build file COPY must not see, a fifo or device, `shmSize`) goes to the classic builder, or, where the
 * Dockerfile needs BuildKit, stays there with a warning saying what is lost. Problems are bad input (exit 2),
 * found before any build starts.
 */
export function builderFor(job: BuildJob, engine: BuilderChoice, problems: Problem[], special: readonly string[] = []): BuilderChoice | undefined {
  const needs = job.info.buildkit;
  const at = (line: number) => `${job.dockerfile.written}:${line}`;
  const fail = (message: string, hint: string) => {
    problems.push({ code: 'build-needs-buildkit', severity: 'error', message: `service "${job.service}": ${message}`, path: ['services', job.service, 'build'], hint });
    return undefined;
  };
  if (job.info.syntax !== undefined) {
    if (needs.length) {
      return fail(
        `${job.dockerfile.written} asks for the frontend ${job.info.syntax} (# syntax=), which BuildKit fetches through a session berth does not open, and needs BuildKit (${at(needs[0]!.line)}: ${needs[0]!.what})`,
        `drop the # syntax= line (the engine's built-in frontend may do), or build it with \`docker compose build ${job.service}\``,
      );
    }
    return { kind: 'classic', why: `${job.dockerfile.written} has # syntax=, which BuildKit would fetch through a session; the classic builder reads it as a comment` };
  }
  if (needs.length && engine.kind === 'classic') {
    return fail(`${at(needs[0]!.line)}: ${needs[0]!.what} needs BuildKit, and berth uses the classic builder here (${engine.why})`, 'unset DOCKER_BUILDKIT=0, or enable BuildKit on the engine, or do without it');
  }
  if (engine.kind !== 'buildkit') return engine;
  // what BuildKit without a session gets wrong and the classic builder right: built there, unless the Dockerfile needs BuildKit
  const gaps: { why: string; lost: string }[] = [];
  const hidden = job.hiddenFromCopy;
  if (hidden.length) gaps.push({ why: `the classic builder keeps ${hidden.join(' and ')} from COPY, as docker build does; BuildKit without a session would not`, lost: `lets COPY see ${hidden.join(' and ')}` });
  if (special.length) {
    // measured on Docker 20.10: BuildKit reading the tar without a session drops fifos; the classic builder keeps them
    const files = `${special.length > 1 ? 'the fifos and devices' : 'the fifo or device'} ${special.join(', ')}`;
    gaps.push({ why: `the classic builder sends ${files} as docker build does; BuildKit without a session would leave them out`, lost: `leaves out ${files}` });
  }
  if (job.shmSize !== undefined) {
    // measured on Docker 20.10: BuildKit takes `shmsize` and ignores it (a RUN step gets 64 MB of /dev/shm); the classic builder honours it
    gaps.push({ why: 'the classic builder gives RUN steps the /dev/shm of shmSize; BuildKit here ignores it (64 MB)', lost: 'ignores shmSize (RUN steps get 64 MB of /dev/shm)' });
  }
  if (!gaps.length) return engine;
  if (!needs.length) return { kind: 'classic', why: gaps.map((g) => g.why).join('; ') };
  return { ...engine, warning: `service "${job.service}": BuildKit without a session ${gaps.map((g) => g.lost).join(', and ')} (it needs BuildKit for ${needs[0]!.what})` };
}
