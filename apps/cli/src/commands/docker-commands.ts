import path from 'node:path';
import { Option, type Command } from 'commander';
import { BerthError, formatDuration, serviceEngine } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import type { CliContext } from '../context.js';
import type { Progress } from '../progress.js';
import { ExitCode, exitCodeOf } from '../exit-codes.js';
import { lineCount, seconds } from '../option-values.js';
import { buildParallel, buildProgress, PARALLEL_HELP } from './build-commands.js';
import { manyEngines, waitingFor, withEngines } from './engine-session.js';
import { registryInput } from './spec/inputs.js';
import type { DownAcrossResult, PlacedStatus, RestartAcrossResult, UpAcrossResult } from '@berth/docker/runtime';

const collect = (value: string, previous: string[]) => [...previous, value];

/** up, down, status (ps), logs, restart. Heavy packages are imported inside the actions, never at the top. */
export function registerDockerCommands(program: Command, action: ActionFactory): void {
  const up = program
    .command('up')
    .description('start the services of the enabled profiles (Compose semantics), in dependency order, and wait for their health')
    .argument('[service...]', 'only these services (and their dependencies); naming a service enables its profiles')
    .option('--profile <name>', 'enable a profile (repeatable; default: COMPOSE_PROFILES)', collect, [])
    .option('--dry-run', 'print the plan (create, recreate, start, restart, keep) and change nothing')
    .option('--pull', 'pull images that are not present locally (berth never pulls otherwise)')
    .option('--build', 'build the images of services with `build` even when they are up to date with their inputs')
    .option('--no-build', 'build nothing: run the images there are (a missing one fails its service)')
    .option('--parallel <n>', PARALLEL_HELP)
    .option('--no-wait', 'do not wait for health after starting (dependency conditions are still honoured)')
    .option('--no-early-probe', "start a service_healthy dependent only once the engine reports its dependency healthy (one health interval after start), not as soon as the dependency's health test passes when berth runs it")
    .option('--timeout <seconds>', 'the deadline for up: engine calls, pulls and health waits, image builds aside (their time is added); an engine that stops answering ends it sooner, with exit 3', seconds, 120)
    .action(
      action(async (ctx, services: string[], opts: { profile: string[]; dryRun?: boolean; pull?: boolean; build?: boolean; parallel?: string; wait: boolean; earlyProbe: boolean; timeout: number }) => {
        const ws = ctx.load();
        const buildParallelism = await buildParallel(opts.parallel);
        ctx.out.problems(ws.warnings, 'stderr');
        const progress = ctx.progress(opts.dryRun ? 'planning' : 'starting', 0);
        const selection = { profiles: opts.profile, services, env: ctx.env };
        let enginesAsked: string[] = [];
        return withEngines(ctx, progress, ws.spec, (docker) => (enginesAsked = docker.enginesForSelection(ws.spec, selection)), async (docker, engines) => {
          const waiting = new Map<string, string>();
          const p = ctx.out.paint;
          const building = buildProgress(ctx, progress);
          // an engine lost (or failed) while others got to their end: with --json, what they did is given beside the error
          let reached: Record<string, unknown> | undefined;
          let result;
          try {
            result = await docker.upAcrossEngines(engines, ws.spec, {
              ...(ctx.json
                ? {
                    onReached: (r: UpAcrossResult) => {
                      const lost = [...(engines.lost?.keys() ?? [])].filter((name) => r.engines.every((e) => e.name !== name) && enginesAsked.includes(name));
                      reached = { ...r, engines: [...r.engines, ...lost.map((name) => ({ name, mode: ws.spec.engines[name]?.mode ?? 'containers', unreachable: true as const }))] };
                    },
                  }
                : {}),
              profiles: opts.profile,
              services,
              dryRun: !!opts.dryRun,
              pull: !!opts.pull,
              ...(opts.build !== undefined ? { build: opts.build ? ('always' as const) : ('never' as const) } : {}),
              ...(buildParallelism ? { buildParallel: buildParallelism } : {}),
              wait: opts.wait,
              earlyProbe: opts.earlyProbe,
              timeoutMs: opts.timeout * 1000,
              signal: ctx.signal,
              projectDir: path.dirname(ws.specPath),
              // the registry the spec names: a port the preflight offers instead of a held one is one ports suggest offers
              registry: registryInput(ws),
              // The .env the loader read beside the spec (none: none), not a second read of it.
              dotEnv: ws.env?.entries ?? [],
              // what the env preflight refuses is said where it is written: the spec's line, the .env's
              ...(ws.env ? { dotEnvFile: ws.env.file } : {}),
              specFile: ws.specFile,
              ...(ws.specLoaded.source ? { specSource: ws.specLoaded.source } : {}),
              env: ctx.env,
              ...(ctx.run.walkAhead ? { walkAhead: ctx.run.walkAhead } : {}),
              onLockWait: (h) => progress.log(waitingFor(h)),
              onEvent: (e) => {
                if (building(e)) return;
                const who = e.engine ? `${e.service}@${e.engine}` : e.service;
                if (e.phase === 'waiting') waiting.set(who, e.detail ?? '');
                else waiting.delete(who);
                if (e.phase === 'waiting') {
                  progress.update(`waiting for ${[...waiting].map(([s, d]) => `${s} (${d})`).join(', ')}`);
                  return;
                }
                const mark = e.phase === 'failed' ? p.red('✗') : e.phase === 'healthy' || e.phase === 'ready' || e.phase === 'running' || e.phase === 'kept' || e.phase === 'completed' ? p.green('✓') : '·';
                progress.log(`${mark} ${who}: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`);
              },
            });
          } catch (err) {
            if (!reached || !(err instanceof BerthError)) throw err;
            ctx.out.writeJson({ ...ctx.out.errorJson(err), ...reached });
            return exitCodeOf(err.code);
          } finally {
            progress.stop();
          }
          ctx.out.problems(result.warnings, 'stderr');
          if (ctx.json) {
            ctx.out.writeJson({ ok: true, ...result });
            return ExitCode.Ok;
          }
          if (result.elsewhere.length) ctx.out.note(`not started here (they run in the devcontainer or on the host): ${result.elsewhere.join(', ')}`);
          if (result.dryRun) {
            ctx.out.line(`plan for project ${result.project}${result.profiles.length ? ` (profiles: ${result.profiles.join(', ')})` : ''}:`);
            const buildRows = result.builds.filter((b) => b.action === 'build').map((b) => [b.service, 'build', `${b.image}: ${b.reason}`]);
            if (manyEngines(ws.spec)) {
              ctx.out.table(['SERVICE', 'ENGINE', 'ACTION', 'REASON'], [
                ...buildRows.map(([service, ...rest]) => [service!, serviceEngine(ws.spec, service!), ...rest]),
                ...result.plan.steps.map((s) => [s.service, s.engine, s.action, s.reason]),
              ]);
            } else ctx.out.table(['SERVICE', 'ACTION', 'REASON'], [...buildRows, ...result.plan.steps.map((s) => [s.service, s.action, s.reason])]);
            return ExitCode.Ok;
          }
          const changed = result.plan.steps.filter((s) => s.action !== 'keep').length;
          const where = manyEngines(ws.spec) ? ` on ${result.engines.map((e) => `${e.name} (${e.services.length})`).join(', ')}` : '';
          ctx.out.line(`project ${result.project}: ${result.services.length} service${result.services.length === 1 ? '' : 's'} up${where}${changed ? '' : ' (nothing changed)'}`);
          return ExitCode.Ok;
        }).finally(() => progress.stop());
      }),
    );
  // commander keeps both flags in one attribute, the last one winning: Compose refuses the pair, and so does berth
  refuseTogether(up, 'build', 'no-build');

  program
    .command('down')
    .description('stop and remove EVERY container of this project, whatever profile started it (unlike `docker compose down`, which leaves other profiles running), and its network')
    .option('-v, --volumes', "also remove the project's named volumes")
    .addOption(new Option('--rmi <type>', 'also remove images: `local` those built under the default name (<project>-<service>), `all` every image the services use').choices(['local', 'all']))
    .action(
      action(async (ctx, opts: { volumes?: boolean; rmi?: string }) => {
        const ws = ctx.load();
        const progress = ctx.progress('stopping');
        const print = (result: DownAcrossResult) => {
          for (const c of result.removedContainers) ctx.out.line(`removed ${c.name}${manyEngines(ws.spec) ? ` (engine ${c.engine})` : ''}`);
          for (const n of result.removedNetworks) ctx.out.line(`removed network ${n}`);
          for (const v of result.removedVolumes) ctx.out.line(`removed volume ${v}`);
          for (const x of result.removedSecrets) ctx.out.line(`removed secret ${x}`);
          for (const x of result.removedConfigs) ctx.out.line(`removed config ${x}`);
          for (const i of result.removedImages) ctx.out.line(`removed image ${i.replace(/^sha256:([0-9a-f]{12})[0-9a-f]*$/, '$1')}`);
          ctx.out.problems(result.keptImages.map((k) => ({ code: 'image-kept', severity: 'warning' as const, message: `image ${k.image} kept: ${k.why}` })), 'stderr');
          // a swarm stack's network, secret, config or volume that a service of another stack still uses
          ctx.out.problems(result.kept.map((k) => ({ code: `${k.kind}-kept`, severity: 'warning' as const, message: `${k.kind} ${k.name} kept${manyEngines(ws.spec) ? ` (engine ${k.engine})` : ''}: ${k.why}` })), 'stderr');
        };
        // an engine out of reach: what the others took down is said (with --json, given beside the error) before the failure (exit 3)
        const result = await showingReached(ctx, progress, print, (onReached: (taken: DownAcrossResult) => void) =>
          withEngines(ctx, progress, ws.spec, (docker) => docker.enginesOfSpec(ws.spec), (docker, engines) =>
            docker.downAcrossEngines(engines, ws.spec, {
              volumes: !!opts.volumes,
              ...(opts.rmi ? { rmi: opts.rmi as 'local' | 'all' } : {}),
              signal: ctx.signal,
              env: ctx.env,
              onLockWait: (h) => progress.log(waitingFor(h)),
              onReached,
            }),
          ),
        );
        if ('failed' in result) return result.failed;
        if (ctx.json) ctx.out.writeJson({ ok: true, ...result });
        else {
          print(result);
          if (!result.removedContainers.length && !result.removedNetworks.length) ctx.out.line(`project ${result.project}: nothing to take down`);
        }
        return ExitCode.Ok;
      }),
    );

  program
    .command('status')
    .alias('ps')
    .description("the project's services: state, health, ports, uptime, image")
    .action(
      action(async (ctx) => {
        const ws = ctx.load();
        const progress = ctx.progress('asking the engine');
        const p = ctx.out.paint;
        // whether a row needs attention is @berth/docker's rule, the exit code's (the module the engine session loads)
        const { needsAttention } = await import('@berth/docker/runtime');
        // red only for what needs attention: a one-off that exited 0 and a swarm service parked at 0 replicas are dim
        const paintState = (text: string, s: PlacedStatus) => (s.state === 'running' ? p.green(text) : s.state === 'missing' || !needsAttention(s) ? p.dim(text) : p.red(text));
        const paintHealth = (h = '') => (h === 'healthy' ? p.green(h) : h === 'unhealthy' ? p.red(h) : h === 'starting' ? p.yellow(h) : h === 'none' ? '' : h);
        const many = manyEngines(ws.spec);
        const table = (statuses: PlacedStatus[]) =>
          ctx.out.table(
            ['SERVICE', ...(many ? ['ENGINE'] : []), 'STATE', 'HEALTH', 'PORTS', 'UPTIME', 'IMAGE'],
            statuses.map((s) => [
              s.service,
              ...(many ? [s.engine] : []),
              paintState(s.state === 'exited' ? `exited (${s.exitCode})` : s.state, s) + (s.tasks ? ` ${swarmTasks(s.tasks)}` : '') + (s.tasks?.problem ? `; ${p.red(s.tasks.problem)}` : ''),
              paintHealth(s.health),
              s.ports.map((x) => `${x.hostIp ? `${x.hostIp}:` : ''}${x.host}->${x.container}/${x.protocol}`).join(', '),
              s.uptimeMs === undefined ? '' : formatDuration(s.uptimeMs),
              s.image ?? '',
            ]),
          );
        // an engine out of reach: the others' services are shown (with --json, given beside the error, with the engines
        // asked, those out of reach marked) before the failure (exit 3)
        type Reached = { project: string; engines: { name: string; endpoint?: string; mode: string; unreachable?: true }[]; services: PlacedStatus[] };
        const outcome = await showingReached(ctx, progress, (r: Reached) => table(r.services), (onReached) =>
          withEngines(ctx, progress, ws.spec, (docker) => docker.enginesOfSpec(ws.spec), async (docker, engines) => {
            const asked = engines.engines.map((e) => ({ name: e.name, endpoint: e.engine.endpoint, mode: e.mode }));
            const statuses = await docker.statusAcrossEngines(engines, ws.spec, {
              env: ctx.env,
              signal: ctx.signal,
              onReached: (services: PlacedStatus[]) =>
                onReached({
                  project: docker.projectName(ws.spec, ctx.env),
                  engines: [...asked, ...[...(engines.lost?.keys() ?? [])].map((name) => ({ name, mode: ws.spec.engines[name]?.mode ?? 'containers', unreachable: true as const }))],
                  services,
                }),
            });
            return { docker, statuses, engines: asked };
          }),
        );
        if ('failed' in outcome) return outcome.failed;
        const { docker, statuses, engines } = outcome;
        const unhealthy = statuses.some(needsAttention);
        if (ctx.json) {
          ctx.out.writeJson({ ok: !unhealthy, project: docker.projectName(ws.spec, ctx.env), engines, services: statuses });
          return unhealthy ? ExitCode.Findings : ExitCode.Ok;
        }
        table(statuses);
        return unhealthy ? ExitCode.Findings : ExitCode.Ok;
      }),
    );

  program
    .command('logs')
    .description("the project's logs, stdout and stderr, each line prefixed with its service")
    .argument('[service...]', 'only these services')
    .option('-f, --follow', 'keep streaming until Ctrl-C')
    .option('--tail <lines>', 'only the last N lines of each service (a number, or all)', lineCount)
    .action(
      action(async (ctx, services: string[], opts: { follow?: boolean; tail?: number }) => {
        const ws = ctx.load();
        const label = (s: string) => (manyEngines(ws.spec) ? `${s}@${serviceEngine(ws.spec, s)}` : s);
        const width = Math.max(0, ...[...services, ...Object.keys(ws.spec.services)].map((s) => label(s).length));
        const p = ctx.out.paint;
        const many = manyEngines(ws.spec);
        const redact = ctx.run.redaction?.redact ?? ((text: string) => text);
        // shown while the engine is asked (as status shows it), gone at the first line
        const progress = ctx.progress('reading logs');
        let lines = 0;
        const { docker, read } = await withEngines(ctx, progress, ws.spec, (docker) => (docker.refuseUnknownNames(ws.spec, { services }), docker.enginesOfSpec(ws.spec)), async (docker, engines) => ({
          docker,
          read: await docker.logsAcrossEngines(engines, ws.spec, {
            services,
            follow: !!opts.follow,
            ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
            signal: ctx.signal,
            env: ctx.env,
            // An engine lost mid-follow is said at once; the others' lines go on, and the command ends with it (exit 3).
            onEngineFailed: (err: unknown) => ctx.out.note(p.red(`berth: ${err instanceof Error ? err.message : String(err)}${opts.follow ? '; the other engines\' logs go on' : ''}`)),
            // Line by line through the run's redactor, as everything berth prints: a service that logs its
            // environment at start (many do) would otherwise print the secrets berth knows of.
            onLine: (l) => {
              if (!lines++) progress.stop();
              if (ctx.json) ctx.run.stdout.write(`${redact(JSON.stringify(many ? l : { service: l.service, stream: l.stream, line: l.line }))}\n`);
              else ctx.run.stdout.write(`${p.cyan(label(l.service).padEnd(width))} ${l.stream === 'stderr' ? p.yellow('|') : '|'} ${redact(l.line)}\n`);
            },
          }),
        })).finally(() => progress.stop());
        if (lines) return ExitCode.Ok;
        // nothing to show is said, not left as silence; with --json, one JSON object on one line, as each log line is
        // (so the output is a JSON document, and still one object a line for those who read it line by line)
        const project = docker.projectName(ws.spec, ctx.env);
        if (ctx.json) ctx.run.stdout.write(`${JSON.stringify({ ok: true, project, lines: 0, ...(read.containers !== undefined ? { containers: read.containers } : {}) })}\n`);
        else if (read.containers === 0) ctx.out.note(`berth: no containers of project ${project} (berth up starts them)`);
        else ctx.out.note(`berth: no log lines from the containers of project ${project}`);
        return ExitCode.Ok;
      }),
    );

  program
    .command('restart')
    .description("restart the project's containers (all, or the named services)")
    .argument('[service...]', 'only these services')
    .action(
      action(async (ctx, services: string[]) => {
        const ws = ctx.load();
        const progress = ctx.progress('restarting');
        const print = (result: RestartAcrossResult) => {
          for (const c of result.restarted) ctx.out.line(`restarted ${c.name}${manyEngines(ws.spec) ? ` (engine ${c.engine})` : ''}`);
        };
        // an engine out of reach: what the others restarted is said (with --json, given beside the error) before the failure (exit 3)
        const result = await showingReached(ctx, progress, print, (onReached: (done: RestartAcrossResult) => void) =>
          withEngines(ctx, progress, ws.spec, (docker) => (docker.refuseUnknownNames(ws.spec, { services }), docker.enginesOfSpec(ws.spec)), (docker, engines) =>
            docker.restartAcrossEngines(engines, ws.spec, { services, env: ctx.env, signal: ctx.signal, onLockWait: (h) => progress.log(waitingFor(h)), onReached }),
          ),
        );
        if ('failed' in result) return result.failed;
        if (ctx.json) ctx.out.writeJson({ ok: true, ...result });
        else print(result);
        return ExitCode.Ok;
      }),
    );
}

/**
 * An engine command that acts on the engines it reaches and fails for those out of reach (exit 3): `run` is handed an
 * `onReached` that shows what the reached engines did at once, or, with --json, keeps it to give beside the error in
 * the one document. Resolves with the command's result, or `failed` (the exit code) once that document is written.
 */
async function showingReached<T, R extends object>(ctx: CliContext, progress: Progress, show: (reached: R) => void, run: (onReached: (reached: R) => void) => Promise<T>): Promise<T | { failed: number }> {
  let reached: R | undefined;
  return run((r) => (ctx.json ? (reached = r) : (progress.stop(), show(r))))
    .catch((err: unknown) => {
      if (!reached || !(err instanceof BerthError)) throw err;
      ctx.out.writeJson({ ...ctx.out.errorJson(err), ...reached });
      return { failed: exitCodeOf(err.code) };
    })
    .finally(() => progress.stop());
}

/** A swarm service's tasks as the STATE column shows them: "2/3 tasks (node-a 1/1, node-b 1/2)". */
function swarmTasks(t: { desired: number; running: number; nodes: { node: string; desired: number; running: number }[] }): string {
  const nodes = t.nodes.map((n) => `${n.node} ${n.running}/${n.desired}`).join(', ');
  return `${t.running}/${t.desired} tasks${nodes ? ` (${nodes})` : ''}`;
}

/** Refuses two flags given together that commander would let the later one win (one negatable attribute): a usage error. */
function refuseTogether(cmd: Command, a: string, b: string): void {
  const given = new Set<string>();
  cmd.on(`option:${a}`, () => given.add(a));
  cmd.on(`option:${b}`, () => given.add(b));
  cmd.hook('preAction', () => {
    if (given.size === 2) throw new BerthError('ERR_BERTH_USAGE', `--${a} and --${b} cannot be used together`);
  });
}
