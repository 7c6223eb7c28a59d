import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** validate, ports, env, docs, schema, init: the commands that read and check the spec. */
export function registerSpecCommands(program: Command, action: ActionFactory): void {
  program
    .command('validate')
    .description('check the spec and its port registry: schema, references, port conflicts, env conventions')
    .action(
      action(async (ctx) => {
        const ws = ctx.load();
        if (ctx.json) ctx.out.writeJson({ ok: true, spec: ws.specFile, problems: ws.warnings });
        else {
          ctx.out.problems(ws.warnings);
          ctx.out.line(`${ws.specFile}: valid`);
        }
        return ExitCode.Ok;
      }),
    );
}
