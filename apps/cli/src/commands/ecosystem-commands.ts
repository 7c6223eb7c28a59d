import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

const SPECS = 'member berth.yaml files or repo folders, instead of a manifest (berth ecosystem check --registry FILE SPEC...)';
const MANIFEST = 'the ecosystem manifest (default: ecosystem.yaml from the current directory up, else the one beside the registry of the berth.yaml here)';

/**
 * ecosystem check, ecosystem docs: every member repo of an ecosystem checked and rendered as one, from the
 * orchestrator's seat. The implementations live in ecosystem/ and load only when one of these commands runs.
 */
export function registerEcosystemCommands(program: Command, action: ActionFactory): void {
  const ecosystem = program.command('ecosystem').description('the ecosystem from the orchestrator\'s seat: every member repo\'s spec checked and rendered as one');
  ecosystem
    .command('check')
    .description('check every member against the registry and each other: ports, stale allocations, connections and their owners, consumers, env conventions; exit 1 on errors')
    .argument('[specs...]', SPECS)
    .option('-m, --manifest <file>', MANIFEST)
    .action(action(async (ctx, specs: string[], opts: { manifest?: string }) => (await import('./ecosystem/check.js')).check(ctx, specs, opts)));
  ecosystem
    .command('docs')
    .description('render PORTS.md, GLOBAL_INFRASTRUCTURE.md and DIAGRAMS.md (stdout unless --write or --check), keeping hand-written berth:keep sections')
    .argument('[specs...]', SPECS)
    .option('--write <dir>', 'write the three pages into DIR (atomically; only those that changed)')
    .option('--check <dir>', 'exit 1 when a page in DIR differs from what --write would write')
    .option('-m, --manifest <file>', MANIFEST)
    .action(action(async (ctx, specs: string[], opts: { write?: string; check?: string; manifest?: string }) => (await import('./ecosystem/docs.js')).docs(ctx, specs, opts)));
}
