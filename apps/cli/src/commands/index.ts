import type { CommandModule } from '../command.js';
import { registerSpecCommands } from './spec-commands.js';
import { registerDocsCommands } from './docs-commands.js';
import { registerComposeCommands } from './compose-commands.js';
import { registerDevcontainerCommands } from './devcontainer-commands.js';
import { registerDockerCommands } from './docker-commands.js';
import { registerBuildCommands } from './build-commands.js';
import { registerHealthCommands } from './health-commands.js';
import { registerGpuCommands } from './gpu-commands.js';
import { registerServeCommands } from './serve-commands.js';
import { registerMcpCommands } from './mcp-commands.js';
import { registerEcosystemCommands } from './ecosystem-commands.js';

/**
 * Every command group of the CLI. Each group lives in its own file and loads its
 * heavy packages (docker, health, fastify) lazily inside its actions, so `berth validate`
 * stays fast.
 */
export const commandModules: CommandModule[] = [
  registerSpecCommands,
  registerDocsCommands,
  registerDockerCommands,
  registerBuildCommands,
  registerComposeCommands,
  registerDevcontainerCommands,
  registerHealthCommands,
  registerGpuCommands,
  registerServeCommands,
  registerMcpCommands,
  registerEcosystemCommands,
];
