import { z } from 'zod';
import { EnvVarName, PortNumber } from './common.js';
import { HealthCheck } from './check.js';

const ConnectionCommon = {
  name: z.string().optional().describe('Display name, such as "Qdrant".'),
  purpose: z.string().optional(),
  owner: z.string().optional().describe('The repo that owns and operates it, when known.'),
  checks: z.array(HealthCheck).optional().describe('How berth checks it; a default is derived when absent.'),
};

export const TcpConnection = z.strictObject({
  transport: z.literal('tcp').default('tcp'),
  host: z
    .string()
    // a URL or user:password@host here would be shown on every page and in every check's report
    .refine((h) => !/[@/]/.test(h), 'must be a host name or address alone: no scheme, path or user:password@ (credentials belong in the env var the connection names)')
    .default('localhost')
    .describe('The host name or address it listens on (no scheme, path or credentials).'),
  port: PortNumber,
  protocol: z.enum(['http', 'https', 'postgres', 'tcp', 'grpc']).default('tcp').describe('What speaks there; chooses the default check.'),
  env: EnvVarName.optional().describe('The env var that carries its address.'),
  service: z
    .string()
    .optional()
    .describe(
      'The service of `owner` it uses (requires `owner`), where the port alone does not say: two exclusive services on one port, such as MLflow and Marquez on 5000. The ecosystem checks that `owner` has that service and that it publishes the port, and counts only that service as used (the graph, `consumers:`, the pages). Absent: every service on the port.',
    ),
  ...ConnectionCommon,
});

export const StdioConnection = z.strictObject({
  transport: z.literal('stdio'),
  protocol: z.literal('mcp').default('mcp'),
  server: z.string().optional().describe('The server\'s name where it is registered.'),
  registeredIn: z.array(z.string()).default(['.mcp.json', '~/.claude.json']).describe('Where clients find it: project .mcp.json or global ~/.claude.json.'),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  service: z
    .string()
    .optional()
    .describe(
      'The service of `owner` that runs the server (requires `owner`), such as a host service `mcp-server`. The ecosystem checks that `owner` has that service and counts it as used (the graph, `consumers:`, the pages). Absent: the connection is a use of its owner, naming none of its services.',
    ),
  ...ConnectionCommon,
});

/** A shared service this repo uses but another operates: over localhost TCP, or a stdio MCP server. */
export const Connection = z.union([TcpConnection, StdioConnection]);
export type Connection = z.output<typeof Connection>;
export type TcpConnection = z.output<typeof TcpConnection>;
export type StdioConnection = z.output<typeof StdioConnection>;
