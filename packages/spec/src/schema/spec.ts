import { z } from 'zod';
import { Identifier, RelatedDoc } from './common.js';
import { Service } from './service.js';
import { EnvConvention, EnvVar, Module } from './env.js';
import { Connection } from './connection.js';
import { Devcontainer } from './devcontainer.js';
import { Stack } from './stack.js';
import { EngineDeclaration } from './engine.js';
import { ConfigDefinition, SecretDefinition } from './deploy.js';
import { strictWithExtensions } from './strict-with-extensions.js';
import { inJsonSchemaAs } from './json-schema-extra.js';

export const RepoMeta = z.strictObject({
  name: Identifier,
  description: z.string().optional(),
  owner: z.string().optional().describe('The team or organisation responsible.'),
  role: z.enum(['owner', 'consumer']).default('owner').describe('owner: this repo owns and operates these services; consumer: it only uses them.'),
  status: z.enum(['active', 'experimental', 'deprecated', 'archived']).default('active'),
  version: z.string().optional(),
  // A Date comes only from a caller handing the parsed spec in (a YAML 1.1 reader makes one of an unquoted date);
  // berth reads YAML 1.2, where `lastUpdated: 2026-02-23` is that text, so the JSON Schema says a string.
  lastUpdated: inJsonSchemaAs(z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-02-23'), z.date()]), { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' })
    .optional()
    .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
    .describe('When the spec was last brought up to date: YYYY-MM-DD, such as 2026-02-23 (quoted or not, YAML 1.2 reads it as text).'),
});

/** A registry path: an empty one would resolve to the spec's own folder, so it is refused here, at the field. */
const RegistryPath = z.string().min(1, 'must name the registry file, such as "../orchestrator/ports.yaml"');

/** Where the port registry is: a path relative to this file, or a file inside an npm package. */
export const RegistryRef = z
  .union([
    RegistryPath,
    z.strictObject({ path: RegistryPath }),
    z.strictObject({ package: z.string().min(1, 'must name an npm package, such as "@org/ports"'), file: z.string().min(1, 'must name a file of the package, such as "ports.yaml"').default('ports.yaml') }),
  ])
  .transform((v) => (typeof v === 'string' ? { path: v } : v))
  .describe('A path ("../orchestrator/ports.yaml") or { package: "@org/ports", file: "ports.yaml" }.');
export type RegistryRef = z.output<typeof RegistryRef>;

export const Profile = z.strictObject({
  description: z.string().optional(),
  engine: Identifier.describe('The engine (a name under `engines`) the services of this profile run on; default: the default engine.').optional(),
});

export const Network = z.strictObject({
  mode: z.enum(['bridge', 'host', 'none']).default('bridge'),
  purpose: z.string().optional(),
  external: z.boolean().default(false),
  name: z.string().optional().describe('The engine-side name, when it differs.'),
});

export const NamedVolume = z.strictObject({
  driver: z.string().optional(),
  external: z.boolean().default(false),
  name: z.string().optional(),
});

export const Consumer = z.strictObject({
  repo: z.string(),
  services: z.array(z.string()).default([]),
});
export type Consumer = z.output<typeof Consumer>;

export const Conventions = z.strictObject({
  env: z.array(EnvConvention).default([]),
  envHref: z.string().optional().describe('Where the env conventions are written down.'),
  network: z.string().optional().describe('How repos reach each other, such as "localhost port mapping, not Docker networking".'),
  networkHref: z.string().optional(),
});
export type Conventions = z.output<typeof Conventions>;

/** A repo's infrastructure: the contents of its berth.yaml. */
export const BerthSpecSchema = strictWithExtensions({
  berth: z.literal(1).describe('Spec format version.'),
  repo: RepoMeta,
  project: Identifier.optional().describe('Compose project name (default: the repo name).'),
  registry: RegistryRef.optional(),
  engines: z
    .record(Identifier, EngineDeclaration)
    .default({})
    .describe('The Docker engines this spec places services on, by name; `default` is the engine berth finds as the docker CLI does and is not declared here.'),
  profiles: z.record(Identifier, Profile).default({}),
  services: z.record(Identifier, Service).default({}),
  networks: z.record(Identifier, Network).default({}),
  volumes: z.record(Identifier, NamedVolume).default({}),
  secrets: z.record(Identifier, SecretDefinition).default({}).describe('Secrets services read (Compose `secrets:`); created on a swarm, never printed.'),
  configs: z.record(Identifier, ConfigDefinition).default({}).describe('Config files services mount (Compose `configs:`).'),
  modules: z.record(Identifier, Module).default({}),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a valid environment variable name'), EnvVar).default({}),
  conventions: Conventions.default({ env: [] }),
  connections: z.record(Identifier, Connection).default({}),
  devcontainer: Devcontainer.optional(),
  stack: Stack.optional(),
  consumers: z.array(Consumer).default([]),
  docs: z.array(RelatedDoc).default([]),
});
export type BerthSpec = z.output<typeof BerthSpecSchema>;
export type BerthSpecInput = z.input<typeof BerthSpecSchema>;
