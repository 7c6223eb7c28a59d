import { readFileSync } from 'node:fs';
import { notAFile, unreadableReason } from '../util/not-a-file.js';
import { resolve } from 'node:path';
import type { DotEnvEntry } from '../analysis/dotenv.js';
import { readDotEnv } from '../analysis/dotenv-values.js';
import type { EnvValues } from '../analysis/env-map.js';
import type { Problem } from '../problem.js';
import { displayPath } from './load.js';

/** `.env` files as berth reads them: values (kept in memory only, never printed), the line of each name, and unreadable lines. */
export interface EnvFile {
  /** As messages name it; several files read together are named "a.env, b.env". */
  file: string;
  /** Absolute path (of the last file, when several are read together). */
  path: string;
  /** Every assignment in order, with how it was quoted, not interpolated (several files: theirs in turn, which interpolate alike). */
  entries: DotEnvEntry[];
  /** Name to value, interpolated as Compose does (interpolateDotEnv); a name set twice keeps its last value, as Compose does. */
  values: Record<string, string>;
  /** Name to the line it is set on. */
  lines: Record<string, number>;
  /** Name to the values written for it that interpolation changes: Node's copy of the file (shellValue). */
  written: Record<string, string[]>;
  /** Name to the file it is set in, when several files are read together. */
  files?: Record<string, string>;
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
  return loadEnvFiles([{ path, ...(options.from ? { from: options.from } : {}) }], options);
}

/**
 * Reads `.env` files together, as `docker compose --env-file a --env-file b` does: in order, a later file
 * winning, each one's `${VAR}` reading the process env, then the files and lines before it.
 */
export function loadEnvFiles(paths: readonly { path: string; from?: string }[], options: Omit<LoadEnvFileOptions, 'from'> = {}): { env?: EnvFile; problems: Problem[] } {
  const problems: Problem[] = [];
  const read: { file: string; path: string; text: string }[] = [];
  for (const named of paths) {
    const one = readEnvText(named.path, { ...options, ...(named.from ? { from: named.from } : {}) });
    if (one.problem) problems.push(one.problem);
    if (one.text !== undefined) read.push({ file: one.file, path: one.path, text: one.text });
  }
  if (!read.length) return { problems };
  const dot = readDotEnv(read, options.env ?? process.env);
  problems.push(...dot.problems);
  const env: EnvFile = {
    file: read.map((r) => r.file).join(', '),
    path: read.at(-1)!.path,
    entries: dot.entries,
    values: dot.values,
    lines: dot.lines,
    written: dot.written,
    ...(read.length > 1 ? { files: dot.files } : {}),
    problems,
  };
  return { env, problems };
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
