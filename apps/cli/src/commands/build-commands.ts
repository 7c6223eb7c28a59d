import path from 'node:path';
import type { Command } from 'commander';
import { formatDuration } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { seconds } from '../option-values.js';
import type { Progress } from '../progress.js';
import { waitingFor, withEngines } from './engine-session.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export const PARALLEL_HELP = 'the most images built at once on an engine, or -1 for no limit (default: COMPOSE_PARALLEL_LIMIT, else 2)';

/** `--parallel N` as the docker package reads it (a bad value is exit 2, one line); undefined when not given. */
export async function buildParallel(raw: string | undefined): Promise<number | undefined> {
  if (raw === undefined) return undefined;
  const { parseBuildParallel } = await import('@berth/docker/runtime');
  return parseBuildParallel(raw);
}

/** What a build event looks like on stderr: a live "building a (step), b (step)" line, and one line per image done. */
export function buildProgress(ctx: CliContext, progress: Progress): (e: { service: string; phase: string; detail?: string }) => boolean {
  const building = new Map<string, string>();
  const p = ctx.out.paint;
  return (e) => {
    if (e.phase === 'building') {
      building.set(e.service, e.detail ?? '');
      progress.update(`building ${[...building].map(([s, d]) => `${s}${d ? ` (${d})` : ''}`).join(', ')}`);
      return true;
    }
    if (e.phase !== 'built' && !(e.phase === 'failed' && building.has(e.service))) return false;
    building.delete(e.service);
    progress.log(`${e.phase === 'built' ? p.green('✓') : p.red('✗')} ${e.service}: ${e.phase === 'built' ? 'built' : 'build failed'}${e.detail ? ` (${e.detail})` : ''}`);
    return true;
  };
}

/** `berth build [service...]`: the images of services with `build`, through the engine's API. */
export function registerBuildCommands(program: Command, action: ActionFactory): void {
  program
    .command('build')
    .description('build the images of services with `build` through the engine (as `docker compose build`); each image records the digest of its inputs, so `berth up` rebuilds only on a real change')
    .argument('[service...]', 'only these services (not their dependencies); default every enabled service that has `build`')
    .option('--profile <name>', 'enable a profile (repeatable; default: COMPOSE_PROFILES)', collect, [])
    .option('--no-cache', "build without the engine's cache")
    .option('--pull', 'pull the base images again')
    .option('--dry-run', 'say which images are up to date with their inputs, and why the others are not; build nothing')
    .option('--parallel <n>', PARALLEL_HELP)
    .option('--timeout <seconds>', 'how long the builds may take altogether (waiting for another berth working on the project included)', seconds, 1800)
    .action(
      action(async (ctx, services: string[], opts: { profile: string[]; cache: boolean; pull?: boolean; dryRun?: boolean; parallel?: string; timeout: number }) => {
        const ws = ctx.load();
        const parallel = await buildParallel(opts.parallel);
        ctx.out.problems(ws.warnings, 'stderr');
        const progress = ctx.progress(opts.dryRun ? 'reading the build contexts' : 'building', 0);
        // each image is built on the engine its service runs on (`engine:`), where `up` will run it
        const selection = { profiles: opts.profile, services, env: ctx.env };
        const { docker, result } = await withEngines(ctx, progress, ws.spec, (docker) => docker.enginesForSelection(ws.spec, selection), async (docker, engines) => ({
          docker,
          result: await docker.buildAcrossEngines(engines, ws.spec, {
            services,
            profiles: opts.profile,
            noCache: !opts.cache,
            pull: !!opts.pull,
            dryRun: !!opts.dryRun,
            projectDir: path.dirname(ws.specPath),
            // The .env the loader read beside the spec (none: none), not a second read of it.
            dotEnv: ws.env?.entries ?? [],
            env: ctx.env,
            ...(ctx.run.walkAhead ? { walkAhead: ctx.run.walkAhead } : {}),
            signal: ctx.signal,
            timeoutMs: opts.timeout * 1000,
            ...(parallel ? { parallel } : {}),
            onLockWait: (h) => progress.log(waitingFor(h)),
            onEvent: buildProgress(ctx, progress),
          }),
        })).finally(() => progress.stop());
        ctx.out.problems(result.warnings, 'stderr');
        const failed = result.builds.filter((b) => b.action === 'failed');
        if (ctx.json) {
          ctx.out.writeJson({ ok: !failed.length, ...result });
          return failed.length ? ExitCode.Findings : ExitCode.Ok;
        }
        if (result.skipped.length && services.length) ctx.out.note(`no build to run for: ${result.skipped.join(', ')}`);
        if (opts.dryRun) {
          ctx.out.table(
            ['SERVICE', 'IMAGE', 'BUILD', 'WHY'],
            result.builds.map((b) => [b.services.join(', '), b.image, b.action === 'build' ? 'needed' : b.action === 'kept' ? 'no' : b.action, b.reason]),
          );
          return ExitCode.Ok;
        }
        for (const b of result.builds) if (b.action === 'built') ctx.out.line(`built ${b.image} (${b.imageId!.replace(/^sha256:/, '').slice(0, 12)}, ${b.builder}, ${formatDuration(b.durationMs ?? 0)})`);
        ctx.out.problems(failed.map(docker.buildFailureProblem), 'stderr');
        if (!result.builds.length) ctx.out.line(`project ${result.project}: no service to build`);
        return failed.length ? ExitCode.Findings : ExitCode.Ok;
      }),
    );
}
