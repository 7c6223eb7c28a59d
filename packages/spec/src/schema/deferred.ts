import { z } from 'zod';

/** What the schema around a deferred one asks of it before any value reaches it, answered without building it. */
interface Facts {
  /** For an option of a discriminated union: the values of its discriminator, such as `{ type: ['http'] }`. */
  discriminator?: Record<string, readonly unknown[]>;
}

/** Every deferred schema with the facts it was given and whether it is built yet: a test checks the facts against each. */
export const DEFERRED: { schema: z.ZodLazy; facts: Facts; built: () => boolean }[] = [];

/**
 * A schema built the first time a value needs it, not when @berth/spec loads. Building zod schemas is most of
 * what a cold `berth validate` costs (bench/cli-cold-start.mjs), and most specs leave most sections out: swarm
 * deployment, builds, secrets, container healthchecks, engines, most kinds of health check. It is a `z.lazy`
 * whose facts the schemas around it read before parsing (whether it may be absent; for a union option, its
 * discriminator) are given here, so reading them does not build it: for an object, a union or a pipe of them
 * (never a `.default()` or `.optional()` one, which would answer otherwise), zod's answer is "no".
 */
export function deferred<T extends z.ZodType>(build: () => T, facts: Facts = {}): z.ZodLazy<T> {
  // zod calls a lazy schema's getter more than once (its JSON Schema generator asks it directly): built once, kept.
  let built = false;
  const schema = z.lazy(
    once(() => {
      built = true;
      return build();
    }),
  );
  const internals = schema._zod as object;
  const pin = (key: string, value: unknown) => Object.defineProperty(internals, key, { value, writable: true, configurable: true });
  pin('optin', undefined);
  pin('optout', undefined);
  if (facts.discriminator) pin('propValues', Object.fromEntries(Object.entries(facts.discriminator).map(([k, values]) => [k, new Set(values)])));
  DEFERRED.push({ schema, facts, built: () => built });
  return schema;
}

/** A value made on first use, then kept: parts that several deferred schemas share (the timing every check kind takes). */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
