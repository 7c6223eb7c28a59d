import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/**
 * import devcontainer, devcontainer: devcontainer.json into the spec, and kept in step with it.
 * The implementations live in devcontainer-actions.ts and load (with @berth/devcontainer) only when one runs.
 */
export function registerDevcontainerCommands(program: Command, action: ActionFactory): void {
  const importCmd = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description("turn another tool's files into a berth spec");
  importCmd
    .command('devcontainer')
    .description('carry a devcontainer.json (JSONC) into berth.yaml: base image or build, GPU, features, postCreateCommand, forwarded ports as services; keeps its comments')
    .argument('[path]', 'the devcontainer.json, or the folder holding .devcontainer/ (default: here)')
    .option('--dry-run', 'say what would change in berth.yaml, and write nothing')
    .action(action(async (ctx, path: string | undefined, opts: { dryRun?: boolean }) => (await import('./devcontainer-actions.js')).importDevcontainer(ctx, path, opts)));

  program
    .command('devcontainer')
    .description("keep devcontainer.json in step with the spec: forwarded ports, their attributes and the GPU request (stdout unless --write or --check)")
    .option('--check', 'exit 1 when devcontainer.json differs from the spec, printing what differs')
    .option('--write', 'change devcontainer.json (atomically), only the fields berth owns; create it when missing')
    .action(action(async (ctx, opts: { check?: boolean; write?: boolean }) => (await import('./devcontainer-actions.js')).devcontainer(ctx, opts)));
}
