import { withNamedLock, type LockHolder } from '@berth/spec';
import { abortError } from '../engine/engine-errors.js';

export type { LockHolder };

/**
 * How long a command without a deadline of its own waits for another berth working on the project: longer
 * than `up`'s default deadline (120 s), so a `down` waits out an `up` that waits for health.
 */
export const PROJECT_LOCK_WAIT_MS = 150_000;

export interface ProjectLockOptions {
  /** Ctrl-C: stops waiting at once. */
  signal?: AbortSignal;
  /** How long to wait for another berth working on the project before giving up with ERR_BERTH_LOCKED (which names it). */
  timeoutMs: number;
  /** Told once when another berth holds the project, before waiting. */
  onWait?: (holder: LockHolder) => void;
}

/**
 * Runs `fn` as the only berth (process, or call in one process) changing `project` on the engine at
 * `endpoint`: two `up`s, or an `up` and a `down`, of one project take turns instead of racing (two
 * networks of one name, containers removed under a start). The lock is a file in this user's runtime
 * directory; one left by a process that died is taken over. Two endpoints that reach one engine
 * (a socket and tcp://) lock apart.
 */
export async function withProjectLock<T>(endpoint: string, project: string, purpose: string, fn: () => Promise<T>, options: ProjectLockOptions): Promise<T> {
  try {
    return await withNamedLock(`project ${project} on ${endpoint}`, fn, {
      timeoutMs: Math.max(0, options.timeoutMs),
      purpose,
      display: `project ${project}`,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onWait ? { onWait: options.onWait } : {}),
    });
  } catch (err) {
    // Stopped waiting by the signal: whatever the lock threw for it, berth's commands speak AbortError.
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    throw err;
  }
}
