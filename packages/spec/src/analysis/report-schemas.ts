/**
 * The analysis results the API serves, as zod schemas (written with `zod/mini`, so a browser bundle
 * takes them through `@berth/spec/reports` at little cost): the one definition of these shapes; the
 * analysis's TypeScript types (types.ts) are derived from them.
 */
import * as z from 'zod/mini';

export const PortStatus = z.enum(['ok', 'shared', 'exclusive', 'conflict', 'unregistered', 'unused']);
export type PortStatus = z.infer<typeof PortStatus>;

const Protocol = z.enum(['tcp', 'udp']);

/** A port or range bound by one of a service's ports, as both the specs and the registry describe it. */
export const PortSpanInfo = z.object({
  service: z.string(),
  name: z.optional(z.string().check(z.describe('Which of the service\'s ports, such as "api".'))),
  hostIp: z.optional(z.string()),
  machine: z.optional(z.string().check(z.describe("The machine it is published on when not the developers' own (a remote engine's host; see engineMachine)."))),
  protocol: Protocol,
  from: z.number(),
  to: z.number(),
  env: z.optional(z.string().check(z.describe('The env var that carries it.'))),
  status: PortStatus,
});

/** A host port published by a service of a spec. */
export const PortBindingInfo = z.extend(PortSpanInfo, {
  repo: z.string(),
  registered: z.boolean().check(z.describe('The registry allocates the whole port (range) to this repo and service.')),
  exclusiveWith: z.array(z.string()),
});
export type PortBindingInfo = z.infer<typeof PortBindingInfo>;

/** Two or more holders of one port. Declared exclusive => a warning that they cannot run together; else an error. */
export const PortConflict = z.object({
  port: z.number(),
  protocol: Protocol,
  holders: z.array(z.object({ repo: z.optional(z.string()), service: z.string() })),
  exclusive: z.boolean().check(z.describe('Declared exclusive: shown as a warning, not an error.')),
});
export type PortConflict = z.infer<typeof PortConflict>;

/** What `berth env check` knows about one variable. NEVER its value. */
export const EnvVarStatus = z.object({
  name: z.string(),
  required: z.boolean(),
  secret: z.boolean(),
  set: z.boolean(),
  valid: z.boolean(),
  source: z.optional(z.enum(['env', 'env-file', 'default'])),
  modules: z.optional(z.array(z.string()).check(z.describe('The modules that require it, when required only for some modules.'))),
  profiles: z.optional(z.array(z.string()).check(z.describe('The Compose profiles under which it is required, when required only under some profiles.'))),
  reason: z.optional(z.string().check(z.describe('Why it is invalid or missing; never quotes the value.'))),
});
export type EnvVarStatus = z.infer<typeof EnvVarStatus>;
