import { z } from 'zod';
import { Identifier } from './common.js';
import { alsoInJsonSchema } from './json-schema-extra.js';

const oneOrMore = z.union([Identifier, z.array(Identifier).min(1)]);
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** `{ module: M }` or `{ profile: P }` (one name or a list: any of them), never both. */
const RequiredFor = alsoInJsonSchema(
  z
    .strictObject({
      module: oneOrMore.optional().describe('The module, or modules (any of them), whose enabling makes it required (`--module`).'),
      profile: oneOrMore.optional().describe('The Compose profile, or profiles (any of them), under which it is required (`--profile`, COMPOSE_PROFILES).'),
    })
    .superRefine((v, ctx) => {
      if (v.module !== undefined && v.profile !== undefined) ctx.addIssue({ code: 'custom', path: ['profile'], message: 'give module or profile, not both' });
      if (v.module === undefined && v.profile === undefined) ctx.addIssue({ code: 'custom', path: ['module'], message: 'give module: NAME or profile: NAME' });
    }),
  // the superRefine's rule: exactly one of the two
  { oneOf: [{ required: ['module'] }, { required: ['profile'] }] },
);

/**
 * When an env var must be set: always, never, only when one of the named modules is enabled (`--module`), or only
 * when one of the named Compose profiles is on (`--profile`, COMPOSE_PROFILES, or a service named to `berth up`).
 */
export const Requirement = z
  .union([z.boolean(), z.enum(['always', 'never']), RequiredFor])
  .transform((v): { kind: 'always' } | { kind: 'never' } | { kind: 'module'; modules: string[] } | { kind: 'profile'; profiles: string[] } => {
    if (v === true || v === 'always') return { kind: 'always' };
    if (v === false || v === 'never') return { kind: 'never' };
    if (v.profile !== undefined) return { kind: 'profile', profiles: list(v.profile) };
    return { kind: 'module', modules: list(v.module!) };
  })
  .describe('true/"always", false/"never", { module: NAME } for "only when that module is enabled", or { profile: NAME } for "only when that Compose profile is on" (a list: any of them).');
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
