import { Command, Help, Option } from 'commander';
import { EXIT_CODE_HELP } from './exit-codes.js';
import { actionFactory } from './command.js';
import { path } from './option-values.js';
import type { RunEnvironment } from './context.js';
import { commandModules } from './commands/index.js';

export const VERSION = '0.1.0';

/** `berth --version`: the version, or with --json a JSON document as every other --json answer is. */
export function versionText(json: boolean): string {
  return json ? JSON.stringify({ version: VERSION }) : VERSION;
}

export function createProgram(run: RunEnvironment, setExit: (code: number) => void, options: { json?: boolean } = {}): Command {
  const program = new Command('berth')
    .description('One source of truth for a repo\'s development infrastructure, and the tools that operate it.')
    .version(versionText(!!options.json), '-V, --version', 'output the version number (with --json: {"version": ...})')
    .option('-s, --spec <file>', 'the spec file (default: berth.yaml from the current directory up, else the bundled example)', path)
    .option('-r, --registry <file>', 'the port registry file (default: the one the spec names)', path)
    .option('--json', 'machine-readable output on stdout')
    .option('--all-problems', 'print every problem (default: the first 10 of each kind, then how many more)')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR=1)'))
    .configureHelp(HELP)
    .showHelpAfterError('(run "berth --help" for usage)')
    .addHelpText('after', `\n${EXIT_CODE_HELP}\n`)
    .configureOutput({
      writeOut: (s) => run.stdout.write(s),
      writeErr: (s) => run.stderr.write(s),
    })
    .exitOverride();
  const actions = actionFactory(run, setExit);
  for (const register of commandModules) register(program, actions);
  // Subcommands inherit output routing and exit override.
  for (const cmd of program.commands) applyDefaults(cmd, run);
  return program;
}

/**
 * Help for every command. A repeatable option starts from an empty list, which commander shows as `(default: [])`:
 * no default a reader can use, and beside the one its description names (`default: COMPOSE_PROFILES`) a contradiction.
 */
const HELP = {
  optionDescription(this: Help, option: Option): string {
    const emptyList = Array.isArray(option.defaultValue) && option.defaultValue.length === 0 && !option.defaultValueDescription;
    return Help.prototype.optionDescription.call(this, emptyList ? Object.assign(Object.create(option) as Option, { defaultValue: undefined }) : option);
  },
};

function applyDefaults(cmd: Command, run: RunEnvironment) {
  // `berth status --help` lists --json, --spec and --no-color too: they are the program's, and work after any command
  cmd.configureHelp({ ...cmd.configureHelp(), ...HELP, showGlobalOptions: true });
  cmd.exitOverride().configureOutput({ writeOut: (s) => run.stdout.write(s), writeErr: (s) => run.stderr.write(s) }).showHelpAfterError('(add --help for usage)');
  for (const sub of cmd.commands) applyDefaults(sub, run);
}
