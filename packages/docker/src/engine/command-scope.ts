import { isDeadline } from './engine-errors.js';

/** One engine command's lifetime: ends when the person interrupts it or its deadline passes, whichever comes first. */
export interface CommandScope {
  /** Aborts on Ctrl-C / SIGTERM (the caller's signal) or at the deadline; bind the engine client to it. */
  signal: AbortSignal;
  /** Epoch ms of the deadline (Infinity without one); later after a `hold`. */
  readonly deadline: number;
  /** The deadline passed (and nobody interrupted first). */
  expired(): boolean;
  /**
   * Runs `fn` with the deadline stopped: the time it takes is added to the deadline (an image build, which
   * takes as long as it takes, within a command whose deadline is for engine calls and waits). The caller's
   * signal still ends it.
   */
  hold<T>(fn: () => Promise<T>): Promise<T>;
}

/** What `AbortSignal.timeout` aborts with: a `TimeoutError`, which `isDeadline` recognises. */
const deadlineReason = () => new DOMException('the command ran past its deadline', 'TimeoutError');

/** A scope for a command given the caller's signal and, optionally, a deadline `timeoutMs` from now. */
export function commandScope(signal: AbortSignal | undefined, timeoutMs?: number): CommandScope {
  const clock = new AbortController();
  const combined = signal ? AbortSignal.any([signal, clock.signal]) : clock.signal;
  let deadline = timeoutMs !== undefined ? Date.now() + timeoutMs : Infinity;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    if (deadline === Infinity || clock.signal.aborted) return;
    timer = setTimeout(() => clock.abort(deadlineReason()), Math.max(0, deadline - Date.now()));
    timer.unref();
  };
  arm();
  return {
    signal: combined,
    get deadline() {
      return deadline;
    },
    expired: () => combined.aborted && isDeadline(combined.reason),
    async hold(fn) {
      if (combined.aborted) return fn();
      clearTimeout(timer);
      const started = Date.now();
      try {
        return await fn();
      } finally {
        deadline += Date.now() - started;
        arm();
      }
    },
  };
}
