/** Environment variables by name. */
export type EnvValues = Record<string, string | undefined>;

/**
 * The value of NAME in ENV, or undefined: only a name set in it answers. An environment variable may be called
 * `constructor` or `toString`, and a plain object (process.env included) answers those with Object's own
 * functions: looked up as `env[name]`, `constructor` was "set" and its value a function. The same holds for
 * anything else kept by variable name (the line each is set on, where each came from).
 */
export function envValue<T = string>(env: Readonly<Record<string, T | undefined>> | undefined, name: string): T | undefined {
  return env && Object.hasOwn(env, name) ? env[name] : undefined;
}

/**
 * LAYERS merged into one map, a later layer winning, with no prototype: every name is a key like any other
 * (`__proto__` set on a plain object is dropped, and `constructor` read from one is Object's function).
 */
export function envMap(...layers: (Readonly<EnvValues> | undefined)[]): EnvValues {
  const out = Object.create(null) as EnvValues;
  for (const layer of layers) if (layer) for (const name of Object.keys(layer)) out[name] = layer[name];
  return out;
}
