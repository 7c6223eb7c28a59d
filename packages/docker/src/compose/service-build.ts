import { composeFlag, isMap, scalarText, type ComposeMap } from './model.js';
import { entriesAsMap } from './list-entries.js';
import { hasReference, unescapeDollars } from './references.js';
import type { FieldContext } from './service-fields.js';
import { convertExtraHosts } from './service-extra.js';

/** Compose `build` fields the spec carries, with their spec names. */
const TEXT: Record<string, string> = { context: 'context', dockerfile: 'dockerfile', dockerfile_inline: 'dockerfileInline', target: 'target', network: 'network' };
const LISTS: Record<string, string> = { cache_from: 'cacheFrom', platforms: 'platforms', tags: 'tags' };
const MAPS: Record<string, string> = { labels: 'labels', additional_contexts: 'additionalContexts', extra_hosts: 'extraHosts' };
const FLAGS: Record<string, string> = { no_cache: 'noCache', pull: 'pull' };

/** Build fields berth keeps under x-compose.build, and why it cannot act on them yet. */
const NOT_YET: Record<string, string> = {
  ssh: 'it needs a BuildKit session, which berth does not open yet',
  secrets: 'it needs a BuildKit session, which berth does not open yet',
  cache_to: 'it needs BuildKit cache export, which berth does not drive yet',
  entitlements: 'it needs BuildKit entitlements, which berth does not grant',
  privileged: 'it needs BuildKit entitlements, which berth does not grant',
  isolation: 'it applies to Windows containers only',
};

/** The Compose camelCase name of each carried build field, for export. */
export const BUILD_FIELDS: Record<string, string> = { ...TEXT, ...LISTS, ...MAPS, ...FLAGS, args: 'args', shm_size: 'shmSize' };


/**
 * `build` as the spec carries it: a context string as written, or the long form with Compose's fields
 * in camelCase, text as written (`${VAR}` references kept, such as build args from `.env`). What the
 * spec has no field for is kept under x-compose.build with a warning saying why.
 */
export function convertBuild(resolved: unknown, written: unknown, ctx: FieldContext): string | ComposeMap | undefined {
  const at = [...ctx.path, 'build'];
  if (typeof written === 'string' || typeof written === 'number') return String(written);
  if (!isMap(resolved) || !isMap(written)) {
    ctx.sink.warn(at, 'is neither a context nor a build mapping; kept under x-compose.build');
    ctx.keep.build = written;
    return undefined;
  }
  let raw: ComposeMap = written;
  let value: ComposeMap = resolved;
  // What an export put under build.x-berth (fields docker-compose 1.29 refuses) is read as if written here.
  if (isMap(raw['x-berth'])) {
    const extra = unescapeDollars(raw['x-berth']) as ComposeMap;
    const { 'x-berth': _w, ...rawRest } = raw;
    const { 'x-berth': _v, ...valueRest } = value;
    raw = { ...rawRest, ...extra };
    value = { ...valueRest, ...extra };
  }
  const out: ComposeMap = {};
  const kept: ComposeMap = {};
  const keep = (key: string, why: string) => {
    ctx.sink.warn([...at, key], `not carried (${why}); kept under x-compose.build`);
    kept[key] = raw[key];
  };
  for (const [key, v] of Object.entries(value)) {
    const written = raw[key];
    if (v === null || v === undefined) continue;
    if (key in TEXT) {
      const text = scalarText(written);
      if (text !== undefined) out[TEXT[key]!] = text;
      else keep(key, 'is not text');
    } else if (key in LISTS) {
      const list = Array.isArray(written) ? written.map(scalarText) : undefined;
      if (list?.every((x) => x !== undefined)) out[LISTS[key]!] = list;
      else keep(key, 'is not a list of text');
    } else if (key === 'extra_hosts') {
      // what the engine would not take keeps the whole field, under x-compose.build
      const hosts = convertExtraHosts(written, v, { ...ctx, path: at, keep: kept });
      if (hosts) out.extraHosts = hosts;
    } else if (key in MAPS || key === 'args') {
      const map = entriesAsMap(written, v, key, [...at, key], ctx.sink);
      // a label with no value (`- name` in a list, `name:` in a map) is an empty one, as Compose reads it (convertLabels)
      const text = (x: unknown) => (key === 'labels' && x === null ? '' : scalarText(x));
      const entries = Object.entries(map).map(([k, x]) => [k, key === 'args' && (x === null || typeof x === 'number' || typeof x === 'boolean') ? x : text(x)] as const);
      if (entries.every(([, x]) => x !== undefined) && (isMap(written) || Array.isArray(written))) out[key === 'args' ? 'args' : MAPS[key]!] = Object.fromEntries(entries);
      else keep(key, 'is not a map of text');
    } else if (key in FLAGS) {
      const b = composeFlag(v);
      if (b !== undefined) out[FLAGS[key]!] = b;
      else keep(key, 'is not true or false');
      if (b !== undefined && hasReference(written)) kept[key] = written;
    } else if (key === 'shm_size') {
      if (typeof written === 'number' && Number.isInteger(written) && written >= 0) out.shmSize = written;
      else if (typeof written === 'string') out.shmSize = written;
      else keep(key, 'is not a size');
    } else if (key.startsWith('x-')) kept[key] = written;
    else keep(key, NOT_YET[key] ? `berth cannot act on it yet: ${NOT_YET[key]}` : 'berth has no field for it');
  }
  if (out.dockerfile !== undefined && out.dockerfileInline !== undefined) {
    ctx.sink.warn([...at, 'dockerfile_inline'], 'Compose refuses dockerfile together with dockerfile_inline; dockerfile is carried, dockerfile_inline kept under x-compose.build');
    kept.dockerfile_inline = raw.dockerfile_inline;
    delete out.dockerfileInline;
  }
  if (Object.keys(kept).length) ctx.keep.build = kept;
  return out;
}
