import { readFileSync } from 'node:fs';
import { notAFile, unreadableReason } from '../util/not-a-file.js';
import { resolve } from 'node:path';
import { parseDotEnvEntries, type DotEnvEntry } from '../analysis/dotenv.js';
import type { Problem } from '../problem.js';
import { displayPath } from './load.js';
import { envMap } from '../analysis/env-map.js';

/** A `.env` file as berth reads it: values (kept in memory only, never printed), the line of each name, and unreadable lines. */
export interface EnvFile {
  /** As messages name it. */
  file: string;
  /** Absolute path. */
  path: string;
  /** Every assignment in order, with how it was quoted (Compose interpolates all but single-quoted values). */
  entries: DotEnvEntry[];
  /** Name to value; a name set twice keeps its last value, as Compose does. */
  values: Record<string, string>;
  /** Name to the line it is set on. */
  lines: Record<string, number>;
  /** Lines that are not NAME=value (warnings; the text is never quoted back). */
  problems: Problem[];
}

export interface LoadEnvFileOptions {
  cwd?: string;
  /** The flag that named the file (`--env-file`): then it must exist, and messages say where it came from. */
  from?: string;
}

/**
 * Reads a `.env` file with @berth/spec's one `.env` reader; never throws. A file that is not there is no
 * problem unless a flag named it; one that cannot be read is an error.
 */
export function loadEnvFile(path: string, options: LoadEnvFileOptions = {}): { env?: EnvFile; problems: Problem[] } {
  const abs = resolve(options.cwd ?? process.cwd(), path);
  const file = displayPath(abs, options.cwd);
  const from = options.from ? ` (from ${options.from})` : '';
  let text: string;
  try {
    // the .env beside the spec is found, not named: a pipe there would block the read for good (--env-file <(...) may be one)
    const not = notAFile(abs, options.from ? {} : { pipe: false });
    if (not) return { problems: [{ code: 'file-unreadable', severity: 'error', file, message: `is ${not}, not a .env file${from}` }] };
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problems: options.from ? [{ code: 'file-not-found', severity: 'error', file, message: `no such file${from}` }] : [] };
    return { problems: [{ code: 'file-unreadable', severity: 'error', file, message: `${unreadableReason(err)}${from}` }] };
  }
  const parsed = parseDotEnvEntries(text);
  // no prototype: a variable may be called __proto__ or constructor
  const values = envMap() as Record<string, string>;
  const lines = Object.create(null) as Record<string, number>;
  for (const e of parsed.entries) {
    values[e.name] = e.value;
    lines[e.name] = e.line;
  }
  const problems = parsed.invalidLines.map((line): Problem => ({ code: 'env-file-syntax', severity: 'warning', file, line, col: 1, message: 'not a NAME=value line; ignored' }));
  return { env: { file, path: abs, entries: parsed.entries, values, lines, problems }, problems };
}
