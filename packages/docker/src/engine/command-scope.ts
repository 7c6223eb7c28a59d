import { isDeadline } from './engine-errors.js';

/** One engine command's lifetime: ends when the person interrupts it or its deadline passes, whichever comes first. */
export interface CommandScope {
  /** Aborts on Ctrl-C / SIGTERM (the caller's signal) or at the deadline; bind the engine client to it. */
  signal: AbortSignal;
  /** Epoch ms of the deadline (Infinity without one). */
  deadline: number;
  /** The deadline passed (and nobody interrupted first). */
  expired(): boolean;
}

/** A scope for a command given the caller's signal and, optionally, a deadline `timeoutMs` from now. */
export function commandScope(signal: AbortSignal | undefined, timeoutMs?: number): CommandScope {
  const signals = [...(signal ? [signal] : []), ...(timeoutMs !== undefined ? [AbortSignal.timeout(timeoutMs)] : [])];
  const combined = signals.length === 1 ? signals[0]! : signals.length ? AbortSignal.any(signals) : new AbortController().signal;
  return {
    signal: combined,
    deadline: timeoutMs !== undefined ? Date.now() + timeoutMs : Infinity,
    expired: () => combined.aborted && isDeadline(combined.reason),
  };
}
