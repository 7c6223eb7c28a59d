import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BerthError, displayPath, parseDotEnvEntries, type EnvOrigin, type Problem, type RegistryInput, type SpecInput } from '@berth/spec';
import type { CliContext, LoadedWorkspace } from '../../context.js';

export function specInput(ws: LoadedWorkspace): SpecInput {
  return { spec: ws.spec, file: ws.specFile, ...(ws.specLoaded.source ? { source: ws.specLoaded.source } : {}) };
}

export function registryInput(ws: LoadedWorkspace): RegistryInput | undefined {
  if (!ws.registry) return undefined;
  return { value: ws.registry.value, file: ws.registry.file, ...(ws.registry.source ? { source: ws.registry.source } : {}) };
}

/** A `.env` file read for checking: values (kept in memory only), the line of each name, and unreadable lines. */
export interface EnvFile {
  file: string;
  values: Record<string, string>;
  lines: Record<string, number>;
  problems: Problem[];
}

/** The options that name a `.env` file: --env-file, or --dotenv where Node grabs --env-file itself (nodejs/node#54232). */
export interface EnvFileOptions {
  envFile?: string;
  dotenv?: string;
}

/**
 * The `.env` file to check: --env-file / --dotenv (which must exist), else `.env` beside the spec when
 * there is one (as Compose reads it), else none.
 */
export function readEnvFile(ctx: CliContext, ws: LoadedWorkspace, opts: EnvFileOptions): EnvFile | undefined {
  const flag = opts.dotenv ?? opts.envFile;
  const path = flag ? resolve(ctx.cwd, flag) : join(dirname(ws.specPath), '.env');
  const file = displayPath(path, ctx.cwd);
  if (!existsSync(path)) {
    if (!flag) return undefined;
    throw new BerthError('ERR_BERTH_ENV_FILE', `${file}: no such file`, { problems: [{ code: 'file-not-found', severity: 'error', file, message: `no such file (from ${opts.dotenv ? '--dotenv' : '--env-file'})` }] });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BerthError('ERR_BERTH_ENV_FILE', `${file}: cannot read`, { problems: [{ code: 'file-unreadable', severity: 'error', file, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'error'}` }] });
  }
  const parsed = parseDotEnvEntries(text);
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  for (const e of parsed.entries) {
    values[e.name] = e.value;
    lines[e.name] = e.line;
  }
  const problems = parsed.invalidLines.map((line): Problem => ({ code: 'env-file-syntax', severity: 'warning', file, line, col: 1, message: 'not a NAME=value line; ignored' }));
  return { file, values, lines, problems };
}

/** The process env over the `.env` file (Compose's precedence), with where each file value was set. */
export function mergedEnv(ctx: CliContext, envFile: EnvFile | undefined): { env: Record<string, string | undefined>; origins: Record<string, EnvOrigin> } {
  const env: Record<string, string | undefined> = { ...(envFile?.values ?? {}) };
  const origins: Record<string, EnvOrigin> = {};
  // The same value in both is attributed to the file (see analyzeEnv: Node may have loaded it itself).
  for (const [name, line] of Object.entries(envFile?.lines ?? {})) if (ctx.env[name] === undefined || ctx.env[name] === envFile!.values[name]) origins[name] = { file: envFile!.file, line, col: 1 };
  for (const [name, value] of Object.entries(ctx.env)) if (value !== undefined) env[name] = value;
  return { env, origins };
}

/** "2 errors, 1 warning" / "no problems". */
export function summary(problems: readonly Problem[]): { errors: number; warnings: number; text: string } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const part = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const text = errors || warnings ? [errors ? part(errors, 'error') : '', warnings ? part(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'no problems';
  return { errors, warnings, text };
}
