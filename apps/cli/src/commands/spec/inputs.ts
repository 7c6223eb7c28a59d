import { resolve } from 'node:path';
import { BerthError, envWithOrigins, hasErrors, loadEnvFiles, loadFailure, unknownModuleProblems, type EnvFile, type EnvOrigin, type Problem, type RegistryInput, type SpecInput } from '@berth/spec';
import type { CliContext, EnvFileOptions, LoadedWorkspace } from '../../context.js';

export function specInput(ws: LoadedWorkspace): SpecInput {
  return { spec: ws.spec, file: ws.specFile, ...(ws.specLoaded.source ? { source: ws.specLoaded.source } : {}) };
}

export function registryInput(ws: LoadedWorkspace): RegistryInput | undefined {
  if (!ws.registry) return undefined;
  return { value: ws.registry.value, file: ws.registry.file, ...(ws.registry.source ? { source: ws.registry.source } : {}) };
}

export type { EnvFile, EnvFileOptions };

/** A `.env` file named on the command line, and the flag that named it. */
export interface NamedEnvFile {
  path: string;
  from: string;
}

/**
 * --env-file / --dotenv as a command took them: one file each (doctor, health), or each repeatable, with
 * `envFiles` holding every file in the order given (validate, ports check, env check: spec-commands.ts).
 */
export interface EnvFileFlags {
  envFile?: string | string[];
  dotenv?: string | string[];
  envFiles?: NamedEnvFile[];
}

/** The files named, in the order they are read (a later one wins); with one of each flag, --dotenv's, as before. */
export function namedEnvFiles(opts: EnvFileFlags): NamedEnvFile[] {
  if (opts.envFiles?.length) return opts.envFiles;
  const named = (files: string | string[] | undefined, from: string) => (files === undefined ? [] : [files].flat()).map((path) => ({ path, from }));
  const dotenv = named(opts.dotenv, '--dotenv');
  return dotenv.length ? dotenv : named(opts.envFile, '--env-file');
}

/** What the loader (ctx.load) reads of them: the first, so that a named file replaces the .env beside the spec, as in Compose. */
export function loadEnvOption(opts: EnvFileFlags): EnvFileOptions {
  const first = namedEnvFiles(opts)[0];
  if (!first) return {};
  return first.from === '--dotenv' ? { dotenv: first.path } : { envFile: first.path };
}

/**
 * The `.env` files to check: the ones --env-file / --dotenv name (each must exist), merged in order as
 * `docker compose --env-file a --env-file b` merges them, else `.env` beside the spec when there is one (as
 * Compose reads it), else none; read and interpolated by @berth/spec's one reader.
 */
export function readEnvFile(ctx: CliContext, ws: LoadedWorkspace, opts: EnvFileFlags): EnvFile | undefined {
  const named = namedEnvFiles(opts);
  if (!named.length || (named.length === 1 && ws.env?.path === resolve(ctx.cwd, named[0]!.path))) return ws.env;
  const loaded = loadEnvFiles(named, { cwd: ctx.cwd, env: ctx.env });
  if (hasErrors(loaded.problems)) throw loadFailure({ spec: ws.specLoaded, ...(loaded.env ? { env: loaded.env } : {}), problems: loaded.problems, failed: 'env' });
  // its values fill ${VAR}s of what runs: its secrets are hidden from everything printed from now on
  if (loaded.env) ctx.run.redaction?.withEnvFile(loaded.env.values);
  return loaded.env;
}

/** The process env over the `.env` files (Compose's precedence), with where each file value was set (@berth/spec's envWithOrigins). */
export function mergedEnv(ctx: CliContext, envFile: EnvFile | undefined): { env: Record<string, string | undefined>; origins: Record<string, EnvOrigin> } {
  return envWithOrigins(ctx.env, envFile);
}

/** "2 errors, 1 warning" / "no problems". */
export function summary(problems: readonly Problem[]): { errors: number; warnings: number; text: string } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const text = errors || warnings ? [errors ? part(errors, 'error') : '', warnings ? part(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'no problems';
  return { errors, warnings, text };
}

/**
 * The modules `--module` names (repeated, or comma-separated), each one the spec declares: a name it does not is bad
 * input (exit 2) for every command that takes the flag, before anything runs.
 */
export function enabledModules(ws: LoadedWorkspace, flag: readonly string[]): string[] {
  const modules = flag.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
  const problems = unknownModuleProblems(ws.spec, modules);
  if (problems.length) throw new BerthError('ERR_BERTH_UNKNOWN_MODULE', 'unknown module', { problems });
  return modules;
}
