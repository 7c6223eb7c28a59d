import type { Command } from 'commander';
import { BerthError } from '@berth/spec';
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
      try {
        setExit(await impl(ctx, ...(args.slice(0, -1) as never)));
      } catch (err) {
        // the spec's fields a failure names are shown where they are written (file:line:col)
        if (!(err instanceof BerthError) || !err.problems.length) throw err;
        const located = ctx.inSpec(err.problems);
        if (located.every((p, i) => p === err.problems[i])) throw err;
        throw new BerthError(err.code, err.message, { problems: located, ...(err.hint ? { hint: err.hint } : {}), cause: err });
      }
    };
}
