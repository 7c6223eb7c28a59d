import { z } from 'zod';
import { EnvVarName, HostIp, PortOrRange, Protocol } from './common.js';
import { strictWithExtensions } from './strict-with-extensions.js';

/** One allocation in the port registry: a binding with its owner. */
export const PortAllocation = z.strictObject({
  port: PortOrRange.describe('The port, or an inclusive range such as "7000-7010".'),
  protocol: Protocol,
  hostIp: HostIp.describe('Host address, an IP address; absent means every interface.').optional(),
  machine: z
    .string()
    .optional()
    .describe('The machine the port is published on, for a service on a remote engine (the host of its ssh:// or tcp:// endpoint, or `context NAME`); absent means the developers\' own machines. The same port on two machines is no conflict.'),
  repo: z.string().optional().describe('The repo that owns it; absent for shared infrastructure whose owner is not recorded.'),
  service: z.string().describe('The service (or connection) id that binds it.'),
  name: z.string().optional().describe('Which of the service\'s ports, such as "api" or "admin".'),
  env: EnvVarName.optional().describe('The env var that carries it, such as MLFLOW_PORT.'),
  description: z.string().optional(),
  shared: z.boolean().default(false).describe('Shared infrastructure that many repos connect to.'),
});
export type PortAllocation = z.output<typeof PortAllocation>;

/** A band of ports set aside for one repo or purpose. */
export const PortReservation = z.strictObject({
  range: PortOrRange,
  repo: z.string().optional(),
  purpose: z.string(),
});
export type PortReservation = z.output<typeof PortReservation>;

/** The cross-repo port registry: the single source of truth for port allocations. */
export const PortRegistrySchema = strictWithExtensions({
  registry: z.literal(1).describe('Registry format version.'),
  owner: z.string().describe('The repo that keeps this registry.'),
  description: z.string().optional(),
  allowPrivileged: z.boolean().default(false).describe('Allow ports below 1024.'),
  reserved: z.array(PortReservation).default([]),
  ports: z.array(PortAllocation).default([]),
});
export type PortRegistry = z.output<typeof PortRegistrySchema>;
