import type { Problem } from '../problem.js';
import { doubleQuoted, parseDotEnvEntries, type DotEnvEntry } from './dotenv.js';
import { envMap, envValue, type EnvValues } from './env-map.js';
import { MAX_INTERPOLATION_NESTING, interpolate, type Lookup } from './interpolate.js';

/** A `.env` file's entries, as parseDotEnvEntries read them, and the name its problems carry. */
export interface DotEnvSource {
  file: string;
  entries: readonly DotEnvEntry[];
}

/** `.env` files read as Compose reads them: interpolated, merged in order. */
export interface DotEnvValues {
  /** Name to value, interpolated; a later assignment (a later file) wins. No prototype (envMap). */
  values: Record<string, string>;
  /** Name to the line of the assignment that won, and to the file it is in. */
  lines: Record<string, number>;
  files: Record<string, string>;
  /**
   * Name to the values written for it that interpolation changes (a `$`, not in single quotes), before
   * interpolation: the text Node copies into the process env when it loads a `--env-file` itself (shellValue).
   */
  written: Record<string, string[]>;
  /** `${VAR:?message}` with VAR missing, and text that is no valid interpolation, at their line and column. Errors: Compose refuses the file. */
  problems: Problem[];
}

/**
 * The process env's value of NAME, unless it is only a copy of what a `.env` line writes (WRITTEN, see
 * DotEnvValues): Node 20 (and 22 before its fix) loads a `--env-file` given after the script name into the
 * process env itself, uninterpolated (nodejs/node#54232), and `node --env-file` does so on purpose. Such a copy
 * is the file's value, not the shell's, so the file's interpolated value stands.
 */
export function shellValue(env: Readonly<EnvValues> | Lookup | undefined, name: string, written: Readonly<Record<string, readonly string[]>> | undefined): string | undefined {
  const value = typeof env === 'function' ? env(name) : envValue(env, name);
  return value !== undefined && envValue(written, name)?.includes(value) ? undefined : value;
}

/** The process env over `.env` values (Compose's precedence), leaving out Node's copies of the file (shellValue). No prototype. */
export function envOverDotEnv(env: Readonly<EnvValues>, dot: { values: Readonly<Record<string, string>>; written?: Readonly<Record<string, readonly string[]>> }): EnvValues {
  const out = envMap(dot.values);
  for (const name of Object.keys(env)) {
    const value = shellValue(env, name, dot.written);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * Compose's reading of `.env` files (`docker compose --env-file a --env-file b`): each file in order, each line
 * in order, every value not in single quotes interpolated (interpolate: `${VAR}`, `${VAR:-default}`, `$$`...)
 * from the process env first (ENV, a map or a lookup), then what the lines before it set, in this file or an earlier one.
 * A later assignment wins. The one rule for every command that reads a `.env`: env check, validate, doctor,
 * the API and `berth up`.
 */
export function interpolateDotEnv(sources: readonly DotEnvSource[], env: Readonly<EnvValues> | Lookup = {}): DotEnvValues {
  const values = envMap() as Record<string, string>;
  const lines = Object.create(null) as Record<string, number>;
  const files = Object.create(null) as Record<string, string>;
  const written = Object.create(null) as Record<string, string[]>;
  const problems: Problem[] = [];
  for (const { entries } of sources) for (const e of entries) if (e.quote !== 'single' && e.value.includes('$')) (written[e.name] ??= []).push(e.value);
  const lookup = (name: string) => shellValue(env, name, written) ?? envValue(values, name);
  for (const { file, entries } of sources) {
    for (const e of entries) {
      values[e.name] = e.quote === 'single' ? e.value : interpolated(e, file, lookup, problems);
      lines[e.name] = e.line;
      files[e.name] = file;
    }
  }
  return { values, lines, files, written, problems };
}

/** One value interpolated; its problems (never its value) pushed to PROBLEMS at their line and column. */
function interpolated(e: DotEnvEntry, file: string, lookup: (name: string) => string | undefined, problems: Problem[]): string {
  const dq = e.quote === 'double' && e.text !== undefined ? doubleQuoted(e.text) : undefined;
  const template = dq?.template ?? e.value;
  if (!template.includes('$')) return e.value;
  const r = interpolate(template, lookup);
  // where index I of the template was written: unquoted text is the template itself; a quoted one spans lines
  const at = (i: number): { line: number; col: number } => {
    const text = dq ? e.text! : e.value;
    const offset = dq ? (dq.offsets[i] ?? text.length) : i;
    const before = text.slice(0, offset);
    const nl = before.lastIndexOf('\n');
    return nl < 0 ? { line: e.line, col: (e.col ?? 1) + offset } : { line: e.line + before.split('\n').length - 1, col: offset - nl };
  };
  for (const req of r.required) {
    problems.push({ code: 'env-file-required', severity: 'error', file, ...at(req.at), message: `${e.name}: required variable ${req.name} is missing a value${req.message ? `: ${req.message}` : ''}`, hint: 'set it in the environment or on an earlier line' });
  }
  if (r.invalidAt !== undefined) {
    const why = r.tooDeep ? `\${...} nested more than ${MAX_INTERPOLATION_NESTING} levels deep` : 'this ${ is not closed, or names no variable';
    problems.push({ code: 'env-file-interpolation', severity: 'error', file, ...at(r.invalidAt), message: `${e.name}: invalid interpolation: ${why}`, hint: r.tooDeep ? 'nest defaults a few levels at most' : 'write ${NAME} or ${NAME:-default}, and $$ for a literal $' });
  }
  return r.value;
}

/**
 * `.env` files' texts read (parseDotEnvEntries) and interpolated (interpolateDotEnv), with every problem at its
 * line: a line that is no `NAME=value` (a warning, ignored), a quote never closed, a failed interpolation
 * (errors: Compose refuses such a file).
 */
export function readDotEnv(texts: readonly { file: string; text: string }[], env: Readonly<EnvValues> | Lookup = {}): DotEnvValues & { entries: DotEnvEntry[] } {
  const problems: Problem[] = [];
  const sources = texts.map(({ file, text }): DotEnvSource => {
    const parsed = parseDotEnvEntries(text);
    for (const line of parsed.invalidLines) problems.push({ code: 'env-file-syntax', severity: 'warning', file, line, col: 1, message: 'not a NAME=value line; ignored' });
    for (const at of parsed.unterminated) problems.push({ code: 'env-file-quote', severity: 'error', file, ...at, message: 'unterminated quoted value: the quote opened here is never closed', hint: 'close it: Compose refuses the file' });
    return { file, entries: parsed.entries };
  });
  const read = interpolateDotEnv(sources, env);
  return { ...read, problems: [...problems, ...read.problems], entries: sources.flatMap((s) => s.entries) };
}
