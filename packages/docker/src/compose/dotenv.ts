import { envMap, parseDotEnvEntries, type DotEnvEntry } from '@berth/spec';
import { interpolate } from './interpolate.js';

/**
 * Reads a Compose `.env` file: @berth/spec's `.env` reader (`KEY=VALUE`, `export`, comments, quotes),
 * then Compose's interpolation of every value not in single quotes. References resolve against
 * `lookup` (the process environment) first, then the values defined earlier in the file, as Compose does.
 */
export function parseEnvFile(text: string, lookup: (name: string) => string | undefined = () => undefined): Record<string, string> {
  return interpolateEnvEntries(parseDotEnvEntries(text).entries, lookup);
}

/** Compose's interpolation of `.env` entries already read (by @berth/spec's loader, say). */
export function interpolateEnvEntries(entries: readonly DotEnvEntry[], lookup: (name: string) => string | undefined = () => undefined): Record<string, string> {
  const values = envMap() as Record<string, string>;
  const resolve = (name: string) => lookup(name) ?? values[name];
  for (const e of entries) values[e.name] = e.quote === 'single' ? e.value : interpolate(e.value, resolve).value;
  return values;
}
