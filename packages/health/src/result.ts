/**
 * What a check reports, as zod schemas, and the one order of health statuses: the single definition
 * of a result, used by @berth/health for its types, by @berth/api for its wire contract and by the
 * dashboard through that contract. Pure, and written with `zod/mini` (tree-shakable), so a browser
 * bundle may import it through `@berth/health/result` at a few kB.
 */
import * as z from 'zod/mini';

export const HealthStatus = z.enum(['passing', 'warning', 'critical', 'starting', 'unknown']);
export type HealthStatus = z.infer<typeof HealthStatus>;

/**
 * Every status from best to worst: passing < starting < unknown < warning < critical. Starting (within
 * a start period) is better than unknown (berth could not tell); both are better than a warning.
 * berth's only ranking of statuses: the CLI, the doctor, the API and the dashboard all go through
 * `worstStatus`.
 */
export const STATUS_ORDER = ['passing', 'starting', 'unknown', 'warning', 'critical'] as const satisfies readonly HealthStatus[];

const RANK = Object.fromEntries(STATUS_ORDER.map((s, i) => [s, i])) as Record<HealthStatus, number>;

/**
 * The worst of some statuses (or of things that have one), in STATUS_ORDER; `ifNone` when there are
 * none (passing by default: nothing failed; the dashboard passes unknown: nothing is known yet).
 */
export function worstStatus(items: Iterable<HealthStatus | { status: HealthStatus }>, ifNone: HealthStatus = 'passing'): HealthStatus {
  let worst: HealthStatus | undefined;
  for (const item of items) {
    const s = typeof item === 'string' ? item : item.status;
    if (worst === undefined || RANK[s] > RANK[worst]) worst = s;
  }
  return worst ?? ifNone;
}

/** How a result's reason starts when the selection does not expect its service (relaxUnexpected in expectation.ts). */
export const NOT_EXPECTED_PREFIX = 'not expected: ';

/** Whether a result was relaxed by relaxUnexpected: its service is not expected to answer, so no "next step" is owed for it. */
export function isNotExpected(result: { status: HealthStatus; reason: string }): boolean {
  return result.status === 'unknown' && result.reason.startsWith(NOT_EXPECTED_PREFIX);
}

/**
 * The stack's status from its checks' results: the worst of them in STATUS_ORDER, leaving out those of services
 * the selection does not expect (isNotExpected: their Compose profiles are off), which `berth health` does not
 * run at all. berth's one rule for a stack's status: `berth health`, `berth doctor`'s health section, the API's
 * /health and the dashboard's Stack badge all go through it. `ifNone` when nothing is left (passing: nothing failed).
 */
export function stackStatus(results: Iterable<{ status: HealthStatus; reason: string }>, ifNone: HealthStatus = 'passing'): HealthStatus {
  return worstStatus([...results].filter((r) => !isNotExpected(r)), ifNone);
}

/** What a check belongs to: a service, a connection or the devcontainer of the spec. */
export const CheckSubject = z.object({
  kind: z.enum(['service', 'connection', 'devcontainer']),
  id: z.string(),
  name: z.optional(z.string()),
});
export type CheckSubject = z.infer<typeof CheckSubject>;

/** One check run. */
export const CheckResult = z.object({
  id: z.string().check(z.describe('Unique within a spec, such as service:mlflow/http')),
  subject: CheckSubject,
  type: z.string().check(z.describe('The check kind: http, tcp, postgres, command, container, exec, mcp, gpu')),
  label: z.string().check(z.describe('The check as shown in tables: its name, or kind and target.')),
  status: HealthStatus,
  reason: z.string().check(z.describe('One line a person understands: "connection refused on 127.0.0.1:5000"')),
  latencyMs: z.number(),
  checkedAt: z.string().check(z.describe('ISO 8601')),
  attempts: z.number(),
  details: z.optional(z.record(z.string(), z.unknown())),
});
