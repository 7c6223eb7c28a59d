import { z } from 'zod';

/** A piece of JSON Schema (draft 2020-12). */
export type JsonSchemaFragment = Record<string, unknown>;

/**
 * What a schema's JSON Schema says beyond what zod derives from it: a refinement or a transform's check written as
 * JSON Schema (a pattern, `not: { required }`, an if/then), so an editor refuses what the loader refuses. `replace`
 * stands for the whole of what zod derived (a branch JSON Schema cannot hold, such as a JavaScript Date); `extra`
 * is added to it. The messages stay the loader's: the zod schema itself is unchanged.
 */
export const jsonSchemaExtras = z.registry<{ extra?: JsonSchemaFragment; replace?: JsonSchemaFragment }>();

/** SCHEMA, whose JSON Schema also says EXTRA. */
export function alsoInJsonSchema<T extends z.ZodType>(schema: T, extra: JsonSchemaFragment): T {
  jsonSchemaExtras.add(schema, { extra });
  return schema;
}

/** SCHEMA, whose JSON Schema is REPLACE (its description kept). */
export function inJsonSchemaAs<T extends z.ZodType>(schema: T, replace: JsonSchemaFragment): T {
  jsonSchemaExtras.add(schema, { replace });
  return schema;
}
