import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envOverDotEnv, interpolateDotEnv, readDotEnv, type DotEnvEntry, type DotEnvValues } from '@berth/spec';

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The `.env` beside the spec as `up` reads it (its entries as the loader read them, when given; else read from
 * `projectDir`): @berth/spec's one reading of `.env` (each value as Compose interpolates it, references resolving
 * against the process environment first; the line and file each name is set in). Never printed.
 */
export function projectDotEnv(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[], read: (file: string) => string | undefined = readText): DotEnvValues {
  const file = path.join(projectDir, '.env');
  return dotEnv ? interpolateDotEnv([{ file, entries: dotEnv }], env) : readDotEnv([{ file, text: read(file) ?? '' }], env);
}

/**
 * The variables a service's `${VAR}` references and `null` environment values take: the process
 * environment over the `.env` beside the spec (projectDotEnv). A map with no prototype (envMap): a
 * `${constructor}` reference finds a variable of that name or nothing.
 */
export function projectVariables(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[], read: (file: string) => string | undefined = readText): Record<string, string | undefined> {
  return envOverDotEnv(env, projectDotEnv(projectDir, env, dotEnv, read));
}
