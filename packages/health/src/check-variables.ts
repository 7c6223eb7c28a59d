import { join } from 'node:path';
// Compose's interpolation alone (a subpath with no imports of its own), up front: a cold import of all of
// @berth/docker inside a check's timeout could eat all of it, and berth health should not load the engine driver for it
import { interpolate } from '@berth/docker/interpolate';
import { loadEnvFile, type HttpCheck } from '@berth/spec';
import type { CheckTarget } from './types.js';

type Lookup = (name: string) => string | undefined;

/** What an HTTP check sends once its `${VAR}`s are substituted, or why it cannot be sent. */
export type HttpRequestText = { url: string; headers: Record<string, string> } | { problem: string };

/**
 * Where `${VAR}` in a check's url and headers comes from, in Compose's order: the caller's variables (the
 * process env by default), then the caller's `.env` values, else the `.env` beside the spec, read with @berth/spec's one loader.
 */
function checkVariables(target: CheckTarget): Lookup {
  const env = target.env ?? process.env;
  const dotenv = target.dotenv ?? (target.baseDir ? (loadEnvFile(join(target.baseDir, '.env')).env?.values ?? {}) : {});
  return (name) => env[name] ?? dotenv[name];
}

/**
 * The url and headers of an HTTP check with Compose's `${VAR}`, `${VAR:-default}` (and the rest of its syntax, `$$`
 * for a `$`) substituted by @berth/docker's one interpolator, so a token stays in the environment, not the spec.
 * A variable that is not set is a problem, not an empty string: a check that sends `Bearer ` would report the
 * service's 401, not the missing variable. `${VAR:-}` says empty is meant.
 */
export function httpRequestText(check: HttpCheck, target: CheckTarget): HttpRequestText {
  const fields: [string, string][] = [['url', check.url], ...Object.entries(check.headers ?? {}).map(([name, value]): [string, string] => [`headers.${name}`, value])];
  if (!fields.some(([, text]) => text.includes('$'))) return { url: check.url, headers: { ...check.headers } };
  const lookup = checkVariables(target);
  const values: Record<string, string> = {};
  for (const [field, text] of fields) {
    const { value, unset, required, invalid } = interpolate(text, lookup);
    if (invalid) return { problem: `${field} is not valid Compose text (an unclosed \${, or $$ for a literal $)` };
    if (required[0]) return { problem: `${field} needs ${required[0].name}: ${required[0].message || 'it is not set'}` };
    if (unset[0]) return { problem: `${field} uses \${${unset[0]}}, which is set neither in the environment nor in ${target.dotenv ? 'the .env file read' : 'the .env beside the spec'}` };
    values[field] = value;
  }
  const url = values.url!;
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) return { problem: `url is not an http:// or https:// URL once its variables are substituted` };
  const headers = Object.fromEntries(Object.keys(check.headers ?? {}).map((name) => [name, values[`headers.${name}`]!]));
  return { url, headers };
}
