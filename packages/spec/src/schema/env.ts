import { z } from 'zod';
import { Identifier } from './common.js';
import { alsoInJsonSchema } from './json-schema-extra.js';

/** When an env var must be set: always, never, or only when one of the named modules is enabled. */
export const Requirement = z
  .union([
    z.boolean(),
    z.enum(['always', 'never']),
    z.strictObject({ module: z.union([Identifier, z.array(Identifier).min(1)]) }),
  ])
  .transform((v): { kind: 'always' } | { kind: 'never' } | { kind: 'module'; modules: string[] } => {
    if (v === true || v === 'always') return { kind: 'always' };
    if (v === false || v === 'never') return { kind: 'never' };
    return { kind: 'module', modules: Array.isArray(v.module) ? v.module : [v.module] };
  })
  .describe('true/"always", false/"never", or { module: NAME } for "only when that module is enabled".');
export type Requirement = z.output<typeof Requirement>;

export const EnvVarType = z.enum(['string', 'url', 'port', 'int', 'bool', 'enum']);
export type EnvVarType = z.infer<typeof EnvVarType>;

export const EnvVar = alsoInJsonSchema(z
  .strictObject({
    purpose: z.string().optional(),
    type: EnvVarType.default('string'),
    values: z.array(z.string()).optional().describe('The allowed values, for type enum.'),
    secret: z.boolean().default(false).describe('Never printed, anywhere, not even in --json.'),
    required: Requirement.prefault(false),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    example: z.string().optional().describe('Written to .env.example (never for secrets).'),
    pattern: z.string().optional().describe('A regular expression the value must match.'),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'enum' && !v.values?.length) ctx.addIssue({ code: 'custom', path: ['values'], message: 'type enum needs a list of values' });
    if (v.type !== 'enum' && v.values) ctx.addIssue({ code: 'custom', path: ['values'], message: `values only apply to type enum, not ${v.type}` });
    if (v.secret && v.example) ctx.addIssue({ code: 'custom', path: ['example'], message: 'a secret must not carry an example value' });
  }), {
  // the superRefine's three rules: values with type enum and only then, no example on a secret
  allOf: [
    { if: { required: ['type'], properties: { type: { const: 'enum' } } }, then: { required: ['values'], properties: { values: { minItems: 1 } } }, else: { not: { required: ['values'] } } },
    { if: { required: ['secret'], properties: { secret: { const: true } } }, then: { not: { required: ['example'] } } },
  ],
});
export type EnvVar = z.output<typeof EnvVar>;

/** A naming convention: variables with this prefix are for this purpose. */
export const EnvConvention = z.strictObject({
  prefix: z.string().regex(/^[A-Z][A-Z0-9_]*_$/, 'must be upper case and end with "_", such as "SEMOPS_DB_"'),
  purpose: z.string().describe('What variables with this prefix configure.'),
  scope: z.enum(['application', 'container']).optional().describe('Whether the application or a container reads them.'),
  href: z.string().optional().describe('Where the convention is written down.'),
});
export type EnvConvention = z.infer<typeof EnvConvention>;

export const Module = z.strictObject({
  description: z.string().optional(),
  group: z.string().optional().describe('The optional dependency group that installs it.'),
});
export type Module = z.infer<typeof Module>;
