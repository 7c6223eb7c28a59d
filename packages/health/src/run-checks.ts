import { setMaxListeners } from 'node:events';
import { connectEngineLazily } from './engine.js';
import { runCheck } from './run-check.js';
import type { CheckResult, CheckTarget } from './types.js';

/** How many checks run at once unless told. Loopback checks are cheap; the cap bounds sockets and processes. */
export const DEFAULT_CONCURRENCY = 512;

export interface RunChecksOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onResult?: (result: CheckResult) => void;
  /** A Docker engine (or its promise); when absent, one connection is made lazily and shared by every check. */
  engine?: unknown;
  startedAt?: (target: CheckTarget) => number | undefined;
}

/** Runs every check concurrently, at most `concurrency` at a time; results in the order of the targets. */
export async function runChecks(targets: readonly CheckTarget[], options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const cap = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const needsEngine = targets.some((t) => t.check.type === 'container' || t.check.type === 'exec');
  let lazy: Promise<unknown> | undefined;
  const engine =
    options.engine ??
    (needsEngine
      ? {
          then: (ok: (v: unknown) => unknown, bad?: (e: unknown) => unknown) => (lazy ??= connectEngineLazily(2000)).then(ok, bad),
        }
      : undefined);
  // One listener on the caller's signal; every check in flight listens to this one instead.
  const inner = new AbortController();
  setMaxListeners(0, inner.signal);
  const onAbort = () => inner.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) inner.abort();
  const results = new Array<CheckResult>(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      const startedAt = options.startedAt?.(target);
      const result = await runCheck(target, { signal: inner.signal, ...(engine ? { engine } : {}), ...(startedAt ? { startedAt } : {}) });
      results[i] = result;
      options.onResult?.(result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(cap, targets.length) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return results;
}
