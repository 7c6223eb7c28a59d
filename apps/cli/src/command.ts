import type { Command } from 'commander';
import { CliContext, type GlobalOptions, type RunEnvironment } from './context.js';

/** Registers one group of commands on the program. */
export type CommandModule = (program: Command, actions: ActionFactory) => void;

/** Wraps a command implementation: builds the context from global options and records its exit code. */
export type ActionFactory = <A extends unknown[]>(
  impl: (ctx: CliContext, ...args: A) => Promise<number> | number,
) => (...args: unknown[]) => Promise<void>;

export function actionFactory(run: RunEnvironment, setExit: (code: number) => void): ActionFactory {
  return (impl) =>
    async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const ctx = new CliContext(run, cmd.optsWithGlobals() as GlobalOptions);
      // commander passes (positional..., options, command); implementations receive (ctx, positional..., options)
      setExit(await impl(ctx, ...(args.slice(0, -1) as never)));
    };
}
