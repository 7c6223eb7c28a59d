import { z } from 'zod';
import { BerthSpecSchema } from './schema/spec.js';
import { PortAllocation, PortRegistrySchema } from './schema/registry.js';
import { Duration, PortNumber, PortOrRange } from './schema/common.js';
import { HealthCheck, HttpCheck, TcpCheck, PostgresCheck, CommandCheck, ContainerCheck, ExecCheck, McpCheck, GpuCheck } from './schema/check.js';
import { PortBinding, Service, Runtime } from './schema/service.js';
import { EnvVar, Requirement } from './schema/env.js';
import { Connection } from './schema/connection.js';
import { EcosystemManifestSchema } from './schema/ecosystem.js';
import { jsonSchemaExtras } from './schema/json-schema-extra.js';

/** Where the committed schemas live, for editors' `# yaml-language-server: $schema=` lines. */
export const SPEC_SCHEMA_ID = 'https://berth.dev/schema/berth.schema.json';
export const REGISTRY_SCHEMA_ID = 'https://berth.dev/schema/ports.schema.json';
export const ECOSYSTEM_SCHEMA_ID = 'https://berth.dev/schema/ecosystem.schema.json';

type JsonSchema = Record<string, unknown>;

/** Schemas used in many places get a name under `$defs`, so the JSON Schema stays readable. */
function namedDefinitions() {
  const names = z.registry<{ id: string }>();
  const named: [z.ZodType, string][] = [
    [Duration, 'Duration'], [PortNumber, 'PortNumber'], [PortOrRange, 'PortOrRange'], [PortBinding, 'PortBinding'],
    [HealthCheck, 'HealthCheck'], [HttpCheck, 'HttpCheck'], [TcpCheck, 'TcpCheck'], [PostgresCheck, 'PostgresCheck'],
    [CommandCheck, 'CommandCheck'], [ContainerCheck, 'ContainerCheck'], [ExecCheck, 'ExecCheck'], [McpCheck, 'McpCheck'],
    [GpuCheck, 'GpuCheck'], [Service, 'Service'], [Runtime, 'Runtime'], [EnvVar, 'EnvVar'], [Requirement, 'Requirement'],
    [Connection, 'Connection'], [PortAllocation, 'PortAllocation'],
  ];
  for (const [schema, id] of named) names.add(schema, { id });
  return names;
}

/**
 * JSON Schema of a zod schema, as editors should see the YAML a user writes (the input side).
 * Objects that accept Compose-style `x-` keys allow exactly those, so editors flag other unknown keys
 * as the loader does.
 */
function toJsonSchema(schema: z.ZodType, meta: { id: string; title: string; description: string }): JsonSchema {
  const body = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    metadata: namedDefinitions(),
    override: (ctx) => {
      // Naming schemas through our own registry hides the descriptions `.describe()` put in the global one.
      const meta = z.globalRegistry.get(ctx.zodSchema as unknown as z.ZodType);
      if (meta?.description && ctx.jsonSchema.description === undefined && ctx.jsonSchema.$ref === undefined) ctx.jsonSchema.description = meta.description;
      const extras = jsonSchemaExtras.get(ctx.zodSchema as unknown as z.ZodType);
      if (extras?.replace) {
        for (const key of Object.keys(ctx.jsonSchema)) if (key !== 'description' && key !== 'default') delete ctx.jsonSchema[key];
        Object.assign(ctx.jsonSchema, extras.replace);
      }
      if (extras?.extra) Object.assign(ctx.jsonSchema, extras.extra);
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; catchall?: { _zod: { def: { type: string } } } } } })._zod.def;
      if (def.type === 'object' && def.catchall && def.catchall._zod.def.type === 'unknown') {
        ctx.jsonSchema.patternProperties = { '^x-': {} };
        ctx.jsonSchema.additionalProperties = false;
      }
    },
  }) as JsonSchema;
  const { $schema, ...rest } = body;
  return { $schema, $id: meta.id, title: meta.title, description: meta.description, ...rest };
}

/** The JSON Schema of berth.yaml. */
export function specJsonSchema(): JsonSchema {
  return toJsonSchema(BerthSpecSchema, {
    id: SPEC_SCHEMA_ID,
    title: 'berth.yaml',
    description: "A repo's development infrastructure: services, ports, profiles, env vars, connections, devcontainer and stack.",
  });
}

/** The JSON Schema of the cross-repo port registry (ports.yaml). */
export function registryJsonSchema(): JsonSchema {
  return toJsonSchema(PortRegistrySchema, {
    id: REGISTRY_SCHEMA_ID,
    title: 'berth port registry',
    description: 'The cross-repo port registry: every port allocation of an ecosystem, with its owner repo, service and env var.',
  });
}

/** The JSON Schema of the ecosystem manifest (ecosystem.yaml). */
export function ecosystemJsonSchema(): JsonSchema {
  return toJsonSchema(EcosystemManifestSchema, {
    id: ECOSYSTEM_SCHEMA_ID,
    title: 'berth ecosystem manifest',
    description: 'The repos of an ecosystem, where each repo\'s berth.yaml is found, its port registry and the conventions every member inherits.',
  });
}

/** Stable text of a schema, as committed under docs/schema/. */
export function jsonSchemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
