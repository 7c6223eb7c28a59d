/**
 * A service's container as the engine reports it (`berth status --json`, the API's containers): a zod
 * schema written with `zod/mini` and nothing else, so the API's contract and the dashboard take it
 * through `@berth/docker/status` without loading any Docker code. The TypeScript type is derived from it.
 */
import * as z from 'zod/mini';

export const ServiceStatus = z.object({
  service: z.string(),
  engine: z.optional(z.string().check(z.describe('The engine it runs on: `default`, or a name under the spec\'s `engines` (see serviceEngine).'))),
  container: z.optional(z.string()),
  state: z.enum(['running', 'exited', 'created', 'restarting', 'paused', 'dead', 'missing']),
  health: z.optional(z.enum(['healthy', 'unhealthy', 'starting', 'none'])),
  exitCode: z.optional(z.number()),
  ports: z.array(z.object({ host: z.number(), container: z.number(), protocol: z.string(), hostIp: z.optional(z.string()) })),
  image: z.optional(z.string()),
  startedAt: z.optional(z.string()),
  uptimeMs: z.optional(z.number()),
  tasks: z.optional(
    z
      .object({
        desired: z.number(),
        running: z.number(),
        nodes: z.array(z.object({ node: z.string(), desired: z.number(), running: z.number() })),
        problem: z.optional(
          z.string().check(z.describe('Why fewer tasks run than wanted, when time will not mend it: the newest failure of a task of its current spec, or the scheduler\'s error for one it cannot place (`… pending: no suitable node (…)`). berth status then exits 1.')),
        ),
      })
      .check(z.describe('A swarm service (an engine with `mode: swarm`): its tasks meant to run and running, in all and per node.')),
  ),
  lastHealthOutput: z.optional(z.string().check(z.describe("The engine's last health probe output (redacted before berth prints or serves it)."))),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/**
 * Whether a service's status calls for someone's attention (`berth status` exits 1 and says `ok: false`): an unhealthy
 * container, a swarm service whose tasks have a problem, or anything not running, save a container that exited 0 (a
 * one-off that did its job) and a swarm service parked at 0 replicas (`created`, no task wanted, none running).
 */
export function needsAttention(s: ServiceStatus): boolean {
  if (s.health === 'unhealthy' || s.tasks?.problem) return true;
  if (s.state === 'running' || (s.state === 'exited' && s.exitCode === 0)) return false;
  return !(s.state === 'created' && s.tasks?.desired === 0 && s.tasks.running === 0);
}
