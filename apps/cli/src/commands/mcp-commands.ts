import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/**
 * mcp: berth as a Model Context Protocol server for coding agents. The server, the SDK and the tool
 * definitions load only when the command runs (mcp-actions.ts, then @berth/mcp).
 */
export function registerMcpCommands(program: Command, action: ActionFactory): void {
  program
    .command('mcp')
    .description('serve this repo\'s infrastructure to coding agents over MCP (stdio): validate, ports, env, docs, health, status, doctor, logs as tools; the spec, registry, page and schema as resources')
    .option('--allow-write', 'also offer the tools that change things: up, down, restart, ports_register')
    .option('--register', "add berth to the project's .mcp.json (keeping every other server there) and exit")
    .action(action(async (ctx, opts: { allowWrite?: boolean; register?: boolean }) => (await import('./mcp-actions.js')).mcp(ctx, opts)));
}
