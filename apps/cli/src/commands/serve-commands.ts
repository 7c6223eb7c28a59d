import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** serve. Heavy packages are imported inside the actions, never at the top. */
export function registerServeCommands(_program: Command, _action: ActionFactory): void {}
