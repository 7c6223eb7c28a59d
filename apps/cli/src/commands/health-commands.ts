import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** health, doctor. Heavy packages are imported inside the actions, never at the top. */
export function registerHealthCommands(_program: Command, _action: ActionFactory): void {}
