import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envMap, envValue, parseDotEnvEntries, type DotEnvEntry } from '@berth/spec';
import { interpolateEnvEntries, parseEnvFile } from '../compose/dotenv.js';

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `.env` beside the spec as `up` reads it: each value as Compose interpolates it, and the line each name is set on. */
export interface ProjectDotEnv {
  values: Record<string, string>;
  lines: Record<string, number>;
}

/**
 * The `.env` beside the spec (its entries as the loader read them, when given; else read from `projectDir`), each
 * value interpolated as Compose does, references resolving against the process environment first. Never printed.
 */
export function projectDotEnv(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[], read: (file: string) => string | undefined = readText): ProjectDotEnv {
  const lookup = (k: string) => envValue(env, k);
  if (dotEnv) return { values: interpolateEnvEntries(dotEnv, lookup), lines: linesOf(dotEnv) };
  const text = read(path.join(projectDir, '.env')) ?? '';
  return { values: parseEnvFile(text, lookup), lines: linesOf(parseDotEnvEntries(text).entries) };
}

/** The line each name is set on (its last assignment, whose value counts). */
function linesOf(entries: readonly DotEnvEntry[]): Record<string, number> {
  const lines = Object.create(null) as Record<string, number>;
  for (const e of entries) lines[e.name] = e.line;
  return lines;
}

/**
 * The variables a service's `${VAR}` references and `null` environment values take: the process
 * environment over the `.env` beside the spec (projectDotEnv). A map with no prototype (envMap): a
 * `${constructor}` reference finds a variable of that name or nothing.
 */
export function projectVariables(projectDir: string, env: NodeJS.ProcessEnv, dotEnv?: readonly DotEnvEntry[], read: (file: string) => string | undefined = readText): Record<string, string | undefined> {
  return envMap(projectDotEnv(projectDir, env, dotEnv, read).values, env);
}
