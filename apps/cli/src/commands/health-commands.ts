import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';
import { seconds } from '../option-values.js';

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** health, doctor. Heavy packages are imported inside the actions, never at the top. */
export function registerHealthCommands(program: Command, action: ActionFactory): void {
  program
    .command('health')
    .description('check every service and connection of the spec (or those named): status, latency and why; exit 1 unless all pass')
    .argument('[service...]', 'services or connections to check (default: all, and the devcontainer)')
    .option('-w, --watch', 'keep checking and refresh the table in place (Ctrl-C to stop)')
    .option('--interval <seconds>', 'seconds between rounds with --watch', seconds, 5)
    .option('--profile <name>', 'a profile whose services are expected, as `up --profile` starts them (repeatable; default: COMPOSE_PROFILES)', collect, [])
    .option('--env-file <file>', 'the .env file `${VAR}` in checks reads (default: .env beside the spec, if any)')
    .option('--dotenv <file>', 'the same as --env-file, for Node versions that take --env-file for themselves')
    .action(
      action(async (ctx, services: string[], opts: { watch?: boolean; interval: number; profile: string[]; envFile?: string; dotenv?: string }) =>
        (await import('./health/health.js')).health(ctx, services, opts),
      ),
    );

  program
    .command('doctor')
    .description('is my stack actually working? spec, registry, ports, env, Docker engine, GPU and every check at once, each problem with what to do next')
    .option('-m, --module <name>', 'a module whose env must be complete (repeat, or comma-separate)', collect, [])
    .option('--profile <name>', 'a profile whose services are expected and whose variables must be set, as `up --profile` starts them (repeatable; default: COMPOSE_PROFILES)', collect, [])
    .option('--env-file <file>', 'the .env file to read (default: .env beside the spec, if any)')
    .option('--dotenv <file>', 'the same as --env-file, for Node versions that take --env-file for themselves')
    .action(action(async (ctx, opts: { module: string[]; profile: string[]; envFile?: string; dotenv?: string }) => (await import('./health/doctor.js')).doctor(ctx, opts)));
}
