import type { CommandModule } from '../command.js';
import { registerSpecCommands } from './spec-commands.js';

/**
 * Every command group of the CLI. Each group lives in its own file and loads its
 * heavy packages (docker, health, fastify) lazily inside its actions, so `berth validate`
 * stays fast.
 */
export const commandModules: CommandModule[] = [registerSpecCommands];
