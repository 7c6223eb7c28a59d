/** The parts of `docker inspect` a wait looks at. */
export interface InspectState {
  State: {
    Status: string;
    Running?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    Health?: { Status: string; Log?: (HealthLogEntry & { Start: string; End?: string })[] } | null;
  };
  /** How often the engine's restart policy has restarted the container since berth (or anyone) started it. */
  RestartCount?: number;
  HostConfig?: { RestartPolicy?: { Name?: string } };
}

export type HealthNow = 'healthy' | 'unhealthy' | 'starting' | 'none';

/** One entry of the engine's health log: a run of the container's healthcheck. */
export interface HealthLogEntry {
  ExitCode: number;
  Output: string;
}

/**
 * The run of the healthcheck that speaks for it: the newest one the check itself judged. Two kinds of entry are
 * the engine's, not the check's, and are quoted only when no run of the check itself is in the log:
 *   - exit -1: the engine could not run the check at all (the runtime's own failure, such as `OCI runtime exec
 *     failed` while the container is being stopped, or a check past its timeout);
 *   - in a container that no longer runs, an exit by a signal (128 + N: 137 for SIGKILL, 143 for SIGTERM): a run
 *     still going when the container stopped, killed with it (swarm stopping an unhealthy task does this).
 * `running`: whether the container runs now (`State.Running`); unknown counts as running.
 */
export function lastJudgedCheck<E extends HealthLogEntry>(log: readonly E[] | undefined, running = true): E | undefined {
  if (!log?.length) return undefined;
  const cutShort = (e: E) => e.ExitCode === -1 || (!running && e.ExitCode > 128 && e.ExitCode < 128 + 32);
  for (let i = log.length - 1; i >= 0; i--) if (!cutShort(log[i]!)) return log[i];
  return log.at(-1);
}

/**
 * The health of a container as of its current start: a status whose every probe is older than
 * StartedAt (a stale "unhealthy"/"healthy" from before a restart) counts as starting.
 */
export function currentHealth(s: InspectState): { health: HealthNow; lastOutput?: string } {
  const h = s.State.Health;
  if (!h || !h.Status) return { health: 'none' };
  const started = Date.parse(s.State.StartedAt ?? '') || 0;
  const fresh = (h.Log ?? []).filter((l) => (Date.parse(l.Start) || 0) >= started);
  const last = lastJudgedCheck(h.Log, s.State.Running ?? s.State.Status === 'running');
  const lastOutput = last?.Output?.trim() || undefined;
  if (!fresh.length) return { health: 'starting', ...(lastOutput ? { lastOutput } : {}) };
  const status = h.Status as HealthNow;
  return { health: status === 'healthy' || status === 'unhealthy' ? status : 'starting', ...(lastOutput ? { lastOutput } : {}) };
}

export type WaitCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** Whether the engine starts the container again after it exits with code 0 (`always`, `unless-stopped`). */
function restartsAfterSuccess(s: InspectState): boolean {
  const policy = s.HostConfig?.RestartPolicy?.Name ?? '';
  return policy === 'always' || policy === 'unless-stopped';
}

/**
 * A one-shot service that did its work: exited with code 0, and its restart policy leaves it so (a migration, an
 * init container). Compose lets its dependants start; `berth up` counts it done and `berth health` passing.
 */
export function completedOneShot(s: InspectState): boolean {
  return s.State.Status === 'exited' && s.State.ExitCode === 0 && !restartsAfterSuccess(s);
}

/**
 * One verdict per poll: done, keep waiting, or failed with a reason. Pure.
 *
 * `service_started` and `service_healthy` fail on an exit at start, and on a container the engine is restarting (it
 * exited; its restart policy brings it back, and back: a crash loop is not "running"). One exception, for
 * `service_started` only: an exit with code 0 that the restart policy leaves alone is a one-shot service (a
 * migration, an init container) that did its work, `completed`, as Compose lets its dependants start.
 */
export function conditionVerdict(condition: WaitCondition, s: InspectState): { done: true; completed?: true } | { done: false; failed?: string; detail?: string } {
  const status = s.State.Status;
  if (condition === 'service_completed_successfully') {
    if (status === 'exited' || status === 'dead') return s.State.ExitCode === 0 ? { done: true } : { done: false, failed: `exited with code ${s.State.ExitCode}` };
    return { done: false, detail: status };
  }
  if (condition === 'service_started' && completedOneShot(s)) return { done: true, completed: true };
  if (status === 'exited' || status === 'dead' || status === 'restarting') return { done: false, failed: `exited with code ${s.State.ExitCode} at start` };
  if (condition === 'service_started') return status === 'running' ? { done: true } : { done: false, detail: status };
  const { health, lastOutput } = currentHealth(s);
  if (health === 'none') return { done: false, failed: 'has no health check, so it can never become healthy' };
  if (health === 'healthy') return { done: true };
  if (health === 'unhealthy') return { done: false, failed: `is unhealthy${lastOutput ? `: ${lastOutput}` : ''}` };
  return { done: false, detail: `health: starting${lastOutput ? ` (last check: ${lastOutput})` : ''}` };
}
