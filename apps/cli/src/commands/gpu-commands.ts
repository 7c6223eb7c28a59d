import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** gpu. Heavy packages are imported inside the actions, never at the top. */
export function registerGpuCommands(_program: Command, _action: ActionFactory): void {}
