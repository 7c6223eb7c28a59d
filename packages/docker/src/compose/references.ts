import { interpolate, type Lookup } from './interpolate.js';
import { isMap } from './model.js';

/** A reference that is the whole of a text: `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`. */
export interface SoleReference {
  name: string;
  /** The default of `${NAME:-default}` / `${NAME-default}`; absent when there is none. */
  fallback?: string;
  /** The message of `${NAME:?message}` / `${NAME?message}`. */
  required?: string;
}

const SOLE = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^${}]*)|(:?\?)([^${}]*))?\})$/;

/** The reference when `text` is exactly one reference (no text around it, no nested one). */
export function soleReference(text: string): SoleReference | undefined {
  const m = SOLE.exec(text.trim());
  if (!m) return undefined;
  const name = (m[1] ?? m[2])!;
  if (m[3] !== undefined) return { name, fallback: m[4]! };
  if (m[5] !== undefined) return { name, required: m[6]! };
  return { name };
}

/** True when `text` holds a Compose reference (`$NAME`, `${...}`); `$$` alone is an escaped `$`, not a reference. */
export function hasReference(value: unknown): boolean {
  if (typeof value === 'string') return /\$(?:\{|[A-Za-z_])/.test(value.replaceAll('$$', ''));
  if (Array.isArray(value)) return value.some(hasReference);
  if (isMap(value)) return Object.values(value).some(hasReference);
  return false;
}

/** The names a text refers to (defaults included), in order, once each. */
export function referencedNames(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.replaceAll('$$', '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) into.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach((v) => referencedNames(v, into));
  else if (isMap(value)) Object.values(value).forEach((v) => referencedNames(v, into));
  return into;
}

/** Compose text for a literal: every `$` written `$$`. Deep, for berth-only content that travels through Compose. */
export function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$', '$$$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

/** The literal behind Compose text that only escapes (`$$` back to `$`); references are left as written. Deep. */
export function unescapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('$$', '$');
  if (Array.isArray(v)) return v.map(unescapeDollars);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(x)]));
  return v;
}

/** Every string of a value interpolated with `lookup`, silently (problems are reported where the file is read). Deep. */
export function resolveDeep(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return value.includes('$') ? interpolate(value, lookup).value : value;
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, lookup));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v, lookup)]));
  return value;
}
