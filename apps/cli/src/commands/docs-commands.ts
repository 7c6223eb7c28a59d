import type { Command } from 'commander';
import type { ActionFactory } from '../command.js';

/** docs, schema, init: rendering the spec as Markdown and JSON Schema, and starting a new spec. */
export function registerDocsCommands(_program: Command, _action: ActionFactory): void {}
