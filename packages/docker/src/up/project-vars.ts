import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envOverDotEnv, interpolateDotEnv, readDotEnv, type DotEnvEntry } from '@berth/spec';

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The variables a service's `${VAR}` references and `null` environment values take: the process
 * environment over the `.env` beside the spec (its entries as the loader read them, when given). A map with no
 * prototype (envMap): a `${constructor}` reference finds a variable of that name or nothing.
 */
export function projectVariables(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[], read: (file: string) => string | undefined = readText): Record<string, string | undefined> {
  const file = path.join(projectDir, '.env');
  const dot = dotEnv ? interpolateDotEnv([{ file, entries: dotEnv }], env) : readDotEnv([{ file, text: read(file) ?? '' }], env);
  return envOverDotEnv(env, dot);
}
