import { resolve } from 'node:path';
import { BerthError, envWithOrigins, hasErrors, loadEnvFile, loadFailure, unknownModuleProblems, type EnvFile, type EnvOrigin, type Problem, type RegistryInput, type SpecInput } from '@berth/spec';
import type { CliContext, EnvFileOptions, LoadedWorkspace } from '../../context.js';

export function specInput(ws: LoadedWorkspace): SpecInput {
  return { spec: ws.spec, file: ws.specFile, ...(ws.specLoaded.source ? { source: ws.specLoaded.source } : {}) };
}

export function registryInput(ws: LoadedWorkspace): RegistryInput | undefined {
  if (!ws.registry) return undefined;
  return { value: ws.registry.value, file: ws.registry.file, ...(ws.registry.source ? { source: ws.registry.source } : {}) };
}

export type { EnvFile, EnvFileOptions };

/**
 * The `.env` file to check: the one --env-file / --dotenv names (which must exist), else `.env` beside the
 * spec when there is one (as Compose reads it), else none; read by @berth/spec's loader with the spec.
 */
export function readEnvFile(ctx: CliContext, ws: LoadedWorkspace, opts: EnvFileOptions): EnvFile | undefined {
  const flag = opts.dotenv ?? opts.envFile;
  if (!flag || ws.env?.path === resolve(ctx.cwd, flag)) return ws.env;
  const loaded = loadEnvFile(flag, { cwd: ctx.cwd, from: opts.dotenv ? '--dotenv' : '--env-file' });
  if (hasErrors(loaded.problems)) throw loadFailure({ spec: ws.specLoaded, env: loaded.env, problems: loaded.problems, failed: 'env' });
  // its values fill ${VAR}s of what runs: its secrets are hidden from everything printed from now on
  if (loaded.env) ctx.run.redaction?.withEnvFile(loaded.env.values);
  return loaded.env;
}

/** The process env over the `.env` file (Compose's precedence), with where each file value was set (@berth/spec's envWithOrigins). */
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
