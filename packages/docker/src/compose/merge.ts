import { isMap, scalarText, type ComposeMap } from './model.js';
import { parseComposePorts } from './ports.js';
import { isReset, overridden } from './yaml-tags.js';

const OVERRIDE = new Set(['command', 'entrypoint']);
const TO_MAP = new Set(['environment', 'labels', 'extra_hosts', 'depends_on', 'networks', 'sysctls', 'annotations']);

/**
 * Compose's merge of an override file onto a base (compose-spec "Merge and override"): maps merge
 * key by key, sequences append without duplicates, `command`, `entrypoint` and `healthcheck.test`
 * are replaced, `environment`, `labels`, `depends_on` and `networks` merge as maps whatever form each
 * side is written in, and `ports`, `volumes`, `secrets`, `configs` are unique by their key (a later
 * entry with the same key replaces the earlier one). `!reset` drops a value, `!override` replaces it.
 */
export function mergeCompose(base: unknown, over: unknown, resolved: Resolve = (v) => v): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out = bareMap(base);
  for (const [key, value] of Object.entries(over)) {
    if (isReset(value)) delete out[key];
    else if (key === 'services' && isMap(value) && isMap(base.services)) {
      const services = bareMap(base.services);
      for (const [name, svc] of Object.entries(value)) {
        if (isReset(svc)) delete services[name];
        else services[name] = Object.hasOwn(services, name) ? mergeService(services[name], svc, resolved) : svc;
      }
      out.services = services;
    } else out[key] = mergeGeneric(base[key], value, resolved);
  }
  return out;
}

/** How a merge sees a value that may hold `${VAR}` references: as Compose would, resolved. The merged value keeps them. */
export type Resolve = (v: unknown) => unknown;

/** Merges one service definition onto another (also used by `extends`). */
export function mergeService(base: unknown, over: unknown, resolved: Resolve = (v) => v): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out = bareMap(base);
  for (const [key, value] of Object.entries(over)) {
    const prev = Object.hasOwn(base, key) ? base[key] : undefined;
    const forced = overridden(value);
    if (isReset(value)) delete out[key];
    else if (forced) out[key] = forced.value;
    else if (prev === undefined || value === undefined || value === null) out[key] = value ?? prev;
    else if (OVERRIDE.has(key)) out[key] = value;
    else if (TO_MAP.has(key)) out[key] = mergeGeneric(asMap(prev, key), asMap(value, key), resolved);
    else if (key === 'healthcheck' && isMap(prev) && isMap(value)) out[key] = { ...prev, ...value };
    else if (key === 'ports' && Array.isArray(prev) && Array.isArray(value)) out[key] = uniqueBy(prev, value, (v) => portKey(resolved(v)));
    else if (key === 'volumes' && Array.isArray(prev) && Array.isArray(value)) out[key] = uniqueBy(prev, value, (v) => volumeTarget(resolved(v)));
    else if ((key === 'secrets' || key === 'configs') && Array.isArray(prev) && Array.isArray(value)) out[key] = uniqueBy(prev, value, (v) => secretKey(resolved(v)));
    else out[key] = mergeGeneric(prev, value, resolved);
  }
  return out;
}

function mergeGeneric(base: unknown, over: unknown, resolved: Resolve): unknown {
  if (over === undefined) return base;
  const forced = overridden(over);
  if (forced) return forced.value;
  if (isMap(base) && isMap(over)) {
    const out = bareMap(base);
    for (const [k, v] of Object.entries(over)) {
      if (isReset(v)) delete out[k];
      else out[k] = mergeGeneric(Object.hasOwn(base, k) ? base[k] : undefined, v, resolved);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) return uniqueBy(base, over, (v) => JSON.stringify(resolved(v)));
  return over;
}

/**
 * A map of keys a file chose, with no prototype: `__proto__` or `constructor` is a key like any other there (kept, to
 * be reported), never the object's prototype or a name found on it. Copies FROM's own entries.
 */
export function bareMap(from?: ComposeMap): ComposeMap {
  return Object.assign(Object.create(null) as ComposeMap, from);
}

/** `KEY=VALUE` lists (environment, labels, extra_hosts) and name lists (depends_on, networks) as maps, with no prototype. */
export function asMap(value: unknown, key: string): ComposeMap {
  if (isMap(value)) return value;
  if (!Array.isArray(value)) return bareMap();
  const out = bareMap();
  for (const item of value) {
    const text = scalarText(item);
    if (text === undefined) continue;
    if (key === 'depends_on') out[text] = { condition: 'service_started' };
    else if (key === 'networks') out[text] = null;
    else {
      const [name, value] = splitEntry(text, key);
      out[name] = value;
    }
  }
  return out;
}

/** A list entry of `environment`, `labels`, `args` (`KEY=value`, or `KEY` alone: null) or `extra_hosts` (`host:ip` too), as name and value. */
export function splitEntry(text: string, key: string): [string, string | null] {
  const sep = key === 'extra_hosts' ? /[=:]/.exec(text) : /=/.exec(text);
  return sep ? [text.slice(0, sep.index), text.slice(sep.index + 1)] : [text, null];
}

function uniqueBy(base: unknown[], over: unknown[], key: (v: unknown) => string): unknown[] {
  const out = new Map<string, unknown>();
  for (const v of [...base, ...over]) {
    const k = key(v);
    out.delete(k);
    out.set(k, v);
  }
  return [...out.values()];
}

function portKey(v: unknown): string {
  const parsed = parseComposePorts(v);
  if (!parsed.ok) return JSON.stringify(v);
  return parsed.ports.map((p) => `${p.hostIp ?? ''}:${p.published ? `${p.published.from}-${p.published.to}` : ''}:${p.target.from}-${p.target.to}/${p.protocol}`).join(',');
}

/** The container path of a volume entry: its unique key when merging. */
export function volumeTarget(v: unknown): string {
  if (isMap(v)) return String(v.target ?? JSON.stringify(v));
  const text = scalarText(v) ?? JSON.stringify(v);
  const parts = splitVolume(text);
  return parts.length >= 2 ? parts[1]! : parts[0]!;
}

/** `SOURCE:TARGET[:MODE]` split on colons, keeping a Windows drive letter (`C:\\data`) in the source. */
export function splitVolume(text: string): string[] {
  const drive = /^[A-Za-z]:[\\/]/.test(text) ? text.slice(0, 2) : '';
  const parts = text.slice(drive.length).split(':');
  parts[0] = drive + parts[0]!;
  return parts;
}

function secretKey(v: unknown): string {
  if (isMap(v)) return String(v.target ?? v.source);
  return scalarText(v) ?? JSON.stringify(v);
}
