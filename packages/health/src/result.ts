/**
 * What a check reports, as zod schemas: the one definition of a result, used by @berth/health for its
 * types and by @berth/api for its wire contract. Pure (zod only), so a browser bundle may import it
 * through `@berth/health/result`.
 */
import { z } from 'zod';

export const HealthStatus = z.enum(['passing', 'warning', 'critical', 'starting', 'unknown']);
export type HealthStatus = z.infer<typeof HealthStatus>;

/** What a check belongs to: a service, a connection or the devcontainer of the spec. */
export const CheckSubject = z.object({
  kind: z.enum(['service', 'connection', 'devcontainer']),
  id: z.string(),
  name: z.string().optional(),
});
export type CheckSubject = z.infer<typeof CheckSubject>;

/** One check run. */
export const CheckResult = z.object({
  id: z.string().describe('Unique within a spec, such as service:mlflow/http'),
  subject: CheckSubject,
  type: z.string().describe('The check kind: http, tcp, postgres, command, container, exec, mcp, gpu'),
  label: z.string().describe('The check as shown in tables: its name, or kind and target.'),
  status: HealthStatus,
  reason: z.string().describe('One line a person understands: "connection refused on 127.0.0.1:5000"'),
  latencyMs: z.number(),
  checkedAt: z.string().describe('ISO 8601'),
  attempts: z.number(),
  details: z.record(z.string(), z.unknown()).optional(),
});
