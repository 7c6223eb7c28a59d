import { readFileSync } from 'node:fs';
import { notAFile, unreadableReason } from '../util/not-a-file.js';
import { resolve } from 'node:path';
import type { DotEnvEntry } from '../analysis/dotenv.js';
import { readDotEnv } from '../analysis/dotenv-values.js';
import type { EnvValues } from '../analysis/env-map.js';
import type { Problem } from '../problem.js';
import { displayPath } from './load.js';

/** A `.env` file as berth reads it: values (kept in memory only, never printed), the line of each name, and unreadable lines. */
export interface EnvFile {
  /** As messages name it. */
  file: string;
  /** Absolute path. */
  path: string;
  /** Every assignment in order, with how it was quoted, not interpolated. */
  entries: DotEnvEntry[];
  /** Name to value, interpolated as Compose does (interpolateDotEnv); a name set twice keeps its last value, as Compose does. */
  values: Record<string, string>;
  /** Name to the line it is set on. */
  lines: Record<string, number>;
  /** Name to the values written for it that interpolation changes: Node's copy of the file (shellValue). */
  written: Record<string, string[]>;
  /** Lines that are not NAME=value (warnings; the text is never quoted back), quotes never closed and failed interpolation (errors). */
  problems: Problem[];
}

export interface LoadEnvFileOptions {
  cwd?: string;
  /** The flag that named the file (`--env-file`): then it must exist, and messages say where it came from. */
  from?: string;
  /** Where `${VAR}` in the file looks first (default: the process env). */
  env?: Readonly<EnvValues>;
}

/**
 * Reads a `.env` file with @berth/spec's one `.env` reader and interpolates it as Compose does; never throws.
 * A file that is not there is no problem unless a flag named it; one that cannot be read is an error.
 */
export function loadEnvFile(path: string, options: LoadEnvFileOptions = {}): { env?: EnvFile; problems: Problem[] } {
  const one = readEnvText(path, options);
  if (one.text === undefined) return { problems: one.problem ? [one.problem] : [] };
  const dot = readDotEnv([{ file: one.file, text: one.text }], options.env ?? process.env);
  const env: EnvFile = { file: one.file, path: one.path, entries: dot.entries, values: dot.values, lines: dot.lines, written: dot.written, problems: dot.problems };
  return { env, problems: dot.problems };
}

/** A `.env` file's text, or the one problem of reading it (none for a file nobody named that is not there). */
function readEnvText(path: string, options: LoadEnvFileOptions): { file: string; path: string; text?: string; problem?: Problem } {
  const abs = resolve(options.cwd ?? process.cwd(), path);
  const file = displayPath(abs, options.cwd);
  const from = options.from ? ` (from ${options.from})` : '';
  try {
    // the .env beside the spec is found, not named: a pipe there would block the read for good (--env-file <(...) may be one)
    const not = notAFile(abs, options.from ? {} : { pipe: false });
    if (not) return { file, path: abs, problem: { code: 'file-unreadable', severity: 'error', file, message: `is ${not}, not a .env file${from}` } };
    return { file, path: abs, text: readFileSync(abs, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, path: abs, ...(options.from ? { problem: { code: 'file-not-found', severity: 'error', file, message: `no such file${from}` } } : {}) };
    return { file, path: abs, problem: { code: 'file-unreadable', severity: 'error', file, message: `${unreadableReason(err)}${from}` } };
  }
}
