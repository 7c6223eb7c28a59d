import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** import compose, compose: Compose files in and out. Heavy modules are imported inside the actions. */
export function registerComposeCommands(_program: Command, _action: ActionFactory): void {}
