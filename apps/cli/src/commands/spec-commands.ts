import { Option, type Command } from 'commander';
import { BerthError } from '@berth/spec';
import type { ActionFactory } from '../command.js';
import type { EnvFileFlags, NamedEnvFile } from './spec/inputs.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const ENV_FILE = 'a .env file whose port variables must agree with the registry (repeatable: merged in order, a later file winning; default: .env beside the spec, if any)';
/** Node 20 reads `--env-file` even after the script name (nodejs/node#54232) and exits 9 when it is missing; --dotenv avoids that. */
const DOTENV = 'the same as --env-file, for Node versions that take --env-file for themselves (repeatable, and may be mixed with it)';

/**
 * --env-file and --dotenv, each repeatable, as `docker compose --env-file a --env-file b` takes them: `envFiles`
 * keeps every file in the order given, whichever flag named it (inputs.ts reads them in that order, a later file winning).
 */
function envFileOptions(command: Command, help: string): Command {
  const inOrder = (from: string) => (path: string) => command.setOptionValue('envFiles', [...((command.getOptionValue('envFiles') as NamedEnvFile[] | undefined) ?? []), { path, from }]);
  return command
    .option('--env-file <file>', help, collect, [])
    .option('--dotenv <file>', DOTENV, collect, [])
    .on('option:env-file', inOrder('--env-file'))
    .on('option:dotenv', inOrder('--dotenv'));
}

/**
 * validate, ports, env: the commands that check the spec against its registry and the environment.
 * Their implementations live in spec/ and load only when one of them runs.
 */
export function registerSpecCommands(program: Command, action: ActionFactory): void {
  envFileOptions(program.command('validate'), ENV_FILE)
    .description('check the spec and its port registry: schema, references, port conflicts, env schema and naming conventions; with the ecosystem beside the registry, the cross-repo problems that concern this repo')
    .option('--no-ecosystem', 'check this repo alone, without the ecosystem whose ecosystem.yaml lies beside its registry')
    .action(action(async (ctx, opts: EnvFileFlags & { ecosystem?: boolean }) => (await import('./spec/validate.js')).validate(ctx, opts)));

  const ports = program.command('ports').description('the port registry: list, check, suggest free ports, register a service\'s ports');
  ports
    .command('list', { isDefault: true })
    .description('every registry entry and every port the spec publishes: port, protocol, repo, service, env var, status')
    // `berth ports` alone lists; a word that is no subcommand reaches list as an argument, and is named as what it is
    .allowExcessArguments()
    .hook('preAction', (_ports, list) => {
      const [word] = list.args;
      if (word !== undefined) {
        const known = ports.commands.map((c) => c.name());
        throw new BerthError('ERR_BERTH_USAGE', `'${word}' is not a subcommand of berth ports (${known.join(', ')}), and list takes no arguments`);
      }
    })
    .action(action(async (ctx) => (await import('./spec/ports.js')).list(ctx)));
  envFileOptions(ports.command('check'), ENV_FILE)
    .description('check the ports against the registry and each other; exit 1 on errors')
    .argument('[specs...]', 'more berth.yaml files, or repo folders holding one, to check together with the spec (other repos)')
    .option('--no-ecosystem', 'check this repo\'s ports alone, without the ecosystem whose ecosystem.yaml lies beside its registry')
    .action(action(async (ctx, more: string[], opts: EnvFileFlags & { ecosystem?: boolean }) => (await import('./spec/ports.js')).check(ctx, more, opts)));
  ports
    .command('suggest')
    .description('propose free ports: not in the registry, not reserved for another repo, not bound on this host (checked on loopback only)')
    .argument('<service>', 'the service (of the spec, or a new one)')
    // a number, shown as one: a plain '3' is shown quoted, `(default: "3")`
    .addOption(new Option('-n, --count <n>', 'how many ports (1 to 100)').default('3', '3'))
    .option('--near <port>', 'search outward from this port (default: the service\'s current port)')
    .option('--protocol <protocol>', 'tcp or udp', 'tcp')
    .action(action(async (ctx, service: string, opts: { count: string; near?: string; protocol: string }) => (await import('./spec/ports.js')).suggest(ctx, service, opts)));
  ports
    .command('register')
    .description('add the service\'s unregistered ports to the registry file (keeps its comments and order; refuses on a conflict)')
    .argument('<service>', 'a service of the spec')
    .option('--dry-run', 'say what would be added, write nothing')
    .action(action(async (ctx, service: string, opts: { dryRun?: boolean }) => (await import('./spec/ports.js')).register(ctx, service, opts)));

  const env = program.command('env').description('the env schema: check the environment against it, write .env.example');
  envFileOptions(env.command('check'), 'the .env file (repeatable: merged in order, a later file winning; default: .env beside the spec, if any)')
    .description('check the process env and .env files: missing, wrong type, likely typos (never prints a value)')
    .option('-m, --module <module>', 'an enabled module (repeatable, or comma-separated)', collect, [])
    .option('--profile <name>', 'a Compose profile on, whose variables are required, as `up --profile` (repeatable, or comma-separated; default: COMPOSE_PROFILES)', collect, [])
    .action(action(async (ctx, opts: EnvFileFlags & { module: string[]; profile: string[] }) => (await import('./spec/env.js')).check(ctx, opts)));
  env
    .command('example')
    .description('write .env.example: every variable grouped by module and by profile, purposes as comments, secrets blank')
    .option('-o, --output <file>', 'where to write it ("-" for stdout)', '.env.example')
    .option('--force', 'overwrite an existing file')
    .action(action(async (ctx, opts: { output: string; force?: boolean }) => (await import('./spec/env.js')).example(ctx, opts)));
}
