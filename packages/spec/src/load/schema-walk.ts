import type { z } from 'zod';

type AnySchema = z.core.$ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  element?: AnySchema;
  innerType?: AnySchema;
  in?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  catchall?: AnySchema;
}
const defOf = (s: AnySchema) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** An object schema's keys, one array per shape (callers may memoise on it: 150,000 services share one). */
const shapeKeys = new WeakMap<object, string[]>();
function keysOf(shape: Record<string, AnySchema>): string[] {
  let keys = shapeKeys.get(shape);
  if (!keys) shapeKeys.set(shape, (keys = Object.keys(shape)));
  return keys;
}

/** Schemas that wrap another one (`innerType`) without changing which keys an object may have. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);
const CONTAINERS = new Set(['object', 'record', 'array']);
/** Wrappers that let a key be left out. */
const OMITTABLE = new Set(['optional', 'default', 'prefault', 'catch']);

/** A lazy schema's inner schema (building it, when it is one of the spec's deferred sections: schema/deferred.ts). */
const innerOfLazy = (s: AnySchema) => (s as unknown as { _zod: { innerType: AnySchema } })._zod.innerType;
/** The values a union option takes for `discriminator`, as zod knows them (a deferred option knows without being built). */
const discriminatorValues = (option: AnySchema, discriminator: string) => (option as unknown as { _zod: { propValues?: Record<string, Set<unknown>> } })._zod.propValues?.[discriminator];

/** Peels wrappers (optional, default, pipe, lazy) and picks the union branch that fits `value`. */
function unwrap(schema: AnySchema, value: unknown): AnySchema {
  for (let i = 0; i < 20; i++) {
    const def = defOf(schema);
    if (def.innerType && WRAPPERS.has(def.type)) schema = def.innerType;
    else if (def.type === 'pipe' && def.in) schema = def.in;
    else if (def.type === 'lazy') schema = innerOfLazy(schema);
    else if (def.type === 'union' && def.options) {
      const fitting = fittingOption(def.options, def.discriminator, value);
      if (!fitting) return schema;
      schema = fitting;
    } else return schema;
  }
  return schema;
}

/**
 * The branch of a union that `value` is written for: the first container of its kind (for a discriminated union, with
 * its discriminator) whose literal keys it agrees with (`transport: stdio` picks the stdio connection over the tcp one,
 * whichever the union tries first); else the first container of its kind.
 */
function fittingOption(options: AnySchema[], discriminator: string | undefined, value: unknown): AnySchema | undefined {
  let first: AnySchema | undefined;
  const tag = discriminator && value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[discriminator] : undefined;
  for (const o of options) {
    // An option whose discriminator rules the value out is passed over before it is unwrapped (and, deferred, built).
    if (tag !== undefined && discriminatorValues(o, discriminator!)?.has(tag) === false) continue;
    const d = defOf(unwrap(o, value));
    if (!CONTAINERS.has(d.type)) continue;
    if (Array.isArray(value)) {
      if (d.type === 'array') return o;
    } else if (value && typeof value === 'object' && d.type !== 'array') {
      const lit = discriminator && d.shape ? d.shape[discriminator] : undefined;
      const vals = lit ? valuesOf(lit) : undefined;
      if (discriminator && d.shape && vals && !vals.has((value as Record<string, unknown>)[discriminator])) continue;
      if (!d.shape || literalsAgree(d.shape, value as Record<string, unknown>)) return o;
      first ??= o;
    }
  }
  return first;
}

const valuesOf = (s: AnySchema) => (s as unknown as { _zod: { values?: Set<unknown> } })._zod.values;

/** An object schema's keys whose value is a literal (through optional and default): the values each allows, and whether it may be left out. */
const literalKeys = new WeakMap<object, { key: string; values: Set<unknown>; optional: boolean }[]>();
function literalsAgree(shape: Record<string, AnySchema>, value: Record<string, unknown>): boolean {
  let keys = literalKeys.get(shape);
  if (!keys) {
    keys = [];
    for (const key of keysOf(shape)) {
      let s = shape[key]!;
      let optional = false;
      for (let def = defOf(s); def.innerType && WRAPPERS.has(def.type); def = defOf(s)) {
        optional ||= OMITTABLE.has(def.type);
        s = def.innerType;
      }
      const values = defOf(s).type === 'literal' ? valuesOf(s) : undefined;
      if (values) keys.push({ key, values, optional });
    }
    literalKeys.set(shape, keys);
  }
  for (const k of keys) {
    const v = value[k.key];
    if (v === undefined ? !k.optional : !k.values.has(v)) return false;
  }
  return true;
}

/** The object schema's keys at `path` in `root` (following the value to choose union branches), if it is an object. */
export function knownKeysAt(schema: AnySchema, root: unknown, path: readonly (string | number)[]): { keys: string[]; extensible: boolean } | undefined {
  let s = unwrap(schema, root);
  let v: unknown = root;
  for (const seg of path) {
    const def = defOf(s);
    v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
    if (def.type === 'object' && def.shape) {
      const next = def.shape[String(seg)];
      if (!next) return undefined;
      s = unwrap(next, v);
    } else if (def.type === 'record' && def.valueType) s = unwrap(def.valueType, v);
    else if (def.type === 'array' && def.element) s = unwrap(def.element, v);
    else return undefined;
  }
  const def = defOf(s);
  if (def.type !== 'object' || !def.shape) return undefined;
  return { keys: keysOf(def.shape), extensible: !!def.catchall && defOf(def.catchall).type !== 'never' };
}

/** The values the discriminated union at `path` accepts for its discriminator ("http", "tcp", ...), if it is one. */
export function discriminatorValuesAt(schema: AnySchema, root: unknown, path: readonly (string | number)[]): string[] {
  let s = unwrap(schema, root);
  let v: unknown = root;
  for (const seg of path) {
    const def = defOf(s);
    v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
    const next = def.type === 'object' ? def.shape?.[String(seg)] : def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
    if (!next) return [];
    s = unwrap(next, v);
  }
  const def = defOf(s);
  if (def.type !== 'union' || !def.discriminator || !def.options) return [];
  const out: string[] = [];
  for (const option of def.options) {
    const lit = defOf(unwrap(option, undefined)).shape?.[def.discriminator];
    const values = lit ? valuesOf(lit) : undefined;
    for (const value of values ?? []) out.push(String(value));
  }
  return out;
}

/**
 * Unknown keys in objects that let extra keys through (the spec's root and services, which accept
 * Compose-style `x-` extensions): every key that is neither known nor `x-` prefixed.
 */
export function unknownExtensionKeys(schema: AnySchema, root: unknown): { path: (string | number)[]; key: string; known: string[] }[] {
  const out: { path: (string | number)[]; key: string; known: string[] }[] = [];
  // One path, pushed and popped as the walk goes (a spec of 60,000 values would otherwise copy one per value).
  const path: (string | number)[] = [];
  const visit = (s: AnySchema, v: unknown, depth: number) => {
    if (depth > 12 || !v || typeof v !== 'object') return;
    s = unwrap(s, v);
    const def = defOf(s);
    if (def.type === 'object' && def.shape && !Array.isArray(v)) {
      const extensible = !!def.catchall && defOf(def.catchall).type !== 'never';
      for (const k in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        const sub = Object.prototype.hasOwnProperty.call(def.shape, k) ? def.shape[k] : undefined;
        if (sub) step(sub, (v as Record<string, unknown>)[k], k, depth);
        else if (extensible && !k.startsWith('x-')) out.push({ path: [...path], key: k, known: keysOf(def.shape) });
      }
    } else if (def.type === 'record' && def.valueType && !Array.isArray(v)) {
      for (const k in v as Record<string, unknown>) if (Object.prototype.hasOwnProperty.call(v, k)) step(def.valueType, (v as Record<string, unknown>)[k], k, depth);
    } else if (def.type === 'array' && def.element && Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) step(def.element, v[i], i, depth);
    }
  };
  const step = (s: AnySchema, v: unknown, seg: string | number, depth: number) => {
    if (!v || typeof v !== 'object') return; // a scalar has no keys
    path.push(seg);
    visit(s, v, depth + 1);
    path.pop();
  };
  visit(schema, root, 0);
  return out;
}
