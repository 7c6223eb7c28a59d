import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/**
 * docs, schema, init: rendering the spec as Markdown and JSON Schema, and starting a new spec.
 * The implementations live in docs-actions.ts and load only when one of these commands runs.
 */
export function registerDocsCommands(program: Command, action: ActionFactory): void {
  program
    .command('docs')
    .description('render the spec as its INFRASTRUCTURE.md page (stdout unless --write or --check)')
    .option('--write', 'write the page (atomically), keeping hand-written berth:keep sections')
    .option('--check', 'exit 1 when the committed page differs from what --write would write')
    .option('-o, --output <file>', 'the page file (default: INFRASTRUCTURE.md beside the spec)')
    .option('--no-ecosystem', 'render "Consumed By" from the spec\'s consumers:, not from the connections of its ecosystem\'s other repos')
    .action(action(async (ctx, opts: { write?: boolean; check?: boolean; output?: string; ecosystem?: boolean }) => (await import('./docs-actions.js')).docs(ctx, opts)));

  program
    .command('schema')
    .description('print the JSON Schema of berth.yaml, the port registry or the ecosystem manifest (for editors: # yaml-language-server: $schema=...)')
    .argument('[which]', 'spec (berth.yaml), registry (ports.yaml) or ecosystem (ecosystem.yaml)', 'spec')
    .option('-o, --output <file>', 'write it to a file instead of stdout (replacing a schema berth wrote; anything else only with --force)')
    .option('--force', 'overwrite the output file whatever it holds')
    .action(action(async (ctx, which: string, opts: { output?: string; force?: boolean }) => (await import('./docs-actions.js')).schema(ctx, which, opts)));

  program
    .command('init')
    .description('write a commented starter berth.yaml')
    .option('-o, --output <file>', 'where to write it', 'berth.yaml')
    .option('--force', 'overwrite an existing file')
    .option('--no-mcp', "do not add berth to the project's .mcp.json (berth mcp --register does it later)")
    .action(action(async (ctx, opts: { output: string; force?: boolean; mcp?: boolean }) => (await import('./docs-actions.js')).init(ctx, opts)));
}
