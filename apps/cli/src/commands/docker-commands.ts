import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** up, down, status (ps), logs, restart, import compose, compose. Heavy packages are imported inside the actions, never at the top. */
export function registerDockerCommands(_program: Command, _action: ActionFactory): void {}
