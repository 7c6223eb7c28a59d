import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BerthError } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import { ExitCode } from '../exit-codes.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** The Compose file Compose would read in DIR with no -f (the first default name there), if any. */
export function composeFileIn(dir: string): string | undefined {
  return DEFAULT_FILES.find((f) => existsSync(join(dir, f)));
}

/** The files Compose would read with no -f: the first default name found, and its override file. */
function defaultComposeFiles(cwd: string): string[] {
  const main = composeFileIn(cwd);
  if (!main) {
    throw new BerthError('ERR_BERTH_NO_COMPOSE_FILE', `no Compose file in ${cwd}`, { hint: `name one, or create one of ${DEFAULT_FILES.join(', ')}` });
  }
  const override = main.replace(/\.ya?ml$/, (ext) => `.override${ext}`);
  return existsSync(join(cwd, override)) ? [main, override] : [main];
}

interface ImportOptions {
  file: string[];
  output?: string;
  envFile?: string;
  dotenv?: string;
  projectDirectory?: string;
  force?: boolean;
}

/** import compose, compose: Compose files in and out. Heavy modules are imported inside the actions. */
export function registerComposeCommands(program: Command, action: ActionFactory): void {
  const importCmd = program.command('import').description("turn another tool's files into a berth spec");
  importCmd
    .command('compose')
    .description('turn Compose files into a berth spec; what berth cannot carry is listed as a warning and kept under x-compose')
    .argument('[file...]', 'Compose files, merged in order (default: compose.yaml or docker-compose.yml here, with its override file)')
    .option('-f, --file <file>', 'a Compose file (repeatable; later files override earlier ones)', collect, [])
    .option('-o, --output <file>', 'write the spec here (default: print it)')
    .option('--env-file <file>', 'variables for interpolation (default: .env in the project directory); on Node 20 prefer --dotenv: Node reads --env-file itself and exits 9 when the file is missing')
    .option('--dotenv <file>', 'the same as --env-file, for Node versions that take --env-file for themselves (wins over --env-file)')
    .option('--project-directory <dir>', 'the project directory (default: the first file\'s directory)')
    .option('--force', 'overwrite the output file when it exists')
    .action(
      action(async (ctx, positional: string[], opts: ImportOptions) => {
        const { importCompose, writeFileAtomic } = await import('@berth/docker');
        const files = [...positional, ...opts.file];
        // --dotenv is --env-file under a name Node leaves alone (nodejs/node#54232)
        const envFile = opts.dotenv ?? opts.envFile;
        const result = importCompose({
          files: files.length ? files : defaultComposeFiles(ctx.cwd),
          cwd: ctx.cwd,
          env: ctx.env,
          ...(envFile ? { envFile } : {}),
          ...(opts.projectDirectory ? { projectDirectory: opts.projectDirectory } : {}),
          ...(opts.output ? { output: opts.output } : {}),
        });
        const errors = result.problems.filter((p) => p.severity === 'error');
        const warnings = result.problems.filter((p) => p.severity === 'warning');
        if (errors.length || !result.yaml) {
          throw new BerthError('ERR_BERTH_COMPOSE_IMPORT', 'the Compose files cannot be imported', { problems: result.problems });
        }
        const { yaml } = result;
        const output = opts.output;
        if (output) await ctx.waitingForLock((lock) => writeFileAtomic(resolve(ctx.cwd, output), yaml, { ...lock, force: !!opts.force, display: output }));
        if (ctx.json) {
          ctx.out.writeJson({ ok: true, spec: result.spec, warnings, ...(opts.output ? { output: opts.output } : {}), ...(result.envFile ? { envFile: result.envFile } : {}) });
          return ExitCode.Ok;
        }
        ctx.out.problems(warnings, 'stderr');
        const services = Object.keys((result.spec?.services ?? {}) as object).length;
        if (opts.output) ctx.out.note(`wrote ${opts.output}: ${services} service${services === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`);
        else ctx.run.stdout.write(result.yaml);
        return ExitCode.Ok;
      }),
    );

  program
    .command('compose')
    .description('write the spec as a Compose file that docker-compose accepts; what Compose cannot express goes under x-berth')
    .option('-o, --output <file>', 'write the Compose file here (default: print it)')
    .option('--force', 'overwrite the output file when it exists')
    .option('--swarm', 'write a stack file for docker stack deploy instead (format 3.9, or 3.12 where a healthcheck has start_interval: host-mode ports, deploy:, no profiles)')
    .option('--profile <name>', 'with --swarm: a profile whose services the stack holds (repeatable; default COMPOSE_PROFILES)', collect, [])
    .action(
      action(async (ctx, opts: { output?: string; force?: boolean; swarm?: boolean; profile: string[] }) => {
        const ws = ctx.load();
        const { exportCompose, exportStack, writeFileAtomic } = await import('@berth/docker');
        const specDir = dirname(ws.specPath);
        const outPath = opts.output ? resolve(ctx.cwd, opts.output) : undefined;
        if (opts.profile.length && !opts.swarm) throw new BerthError('ERR_BERTH_USAGE', '--profile needs --swarm: a Compose file keeps every profile');
        const common = { raw: ws.specLoaded.source?.value, specDir, outDir: outPath ? dirname(outPath) : specDir };
        const result = opts.swarm ? exportStack(ws.spec, { ...common, profiles: opts.profile, env: ctx.env }) : exportCompose(ws.spec, common);
        if (result.problems.some((p) => p.severity === 'error')) throw new BerthError('ERR_BERTH_PROFILES', 'the selected services cannot be deployed', { problems: result.problems });
        if (outPath) await ctx.waitingForLock((lock) => writeFileAtomic(outPath, result.yaml, { ...lock, force: !!opts.force, display: opts.output! }));
        if (ctx.json) {
          ctx.out.writeJson({ ok: true, compose: result.compose, warnings: result.problems, ...(opts.output ? { output: opts.output } : {}) });
          return ExitCode.Ok;
        }
        ctx.out.problems(ctx.inSpec(result.problems, 'key'), 'stderr');
        if (outPath) ctx.out.note(`wrote ${opts.output}`);
        else ctx.run.stdout.write(result.yaml);
        return ExitCode.Ok;
      }),
    );
}
