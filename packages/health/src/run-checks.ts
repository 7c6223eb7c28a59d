import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { engineOnFirstUse, type EngineSource } from './engine.js';
import { runCheck } from './run-check.js';
import type { CheckResult, CheckTarget } from './types.js';

/**
 * How many checks run at once unless told: 1,024, so that a thousand endpoints are checked in one wave,
 * or a quarter of the process's open-file limit where that is lower (a check holds a socket, or a child
 * process's three pipes). The cap bounds sockets and processes.
 */
export const DEFAULT_CONCURRENCY = 1024;

let defaultCap: number | undefined;
function defaultConcurrency(): number {
  return (defaultCap ??= Math.max(16, Math.min(DEFAULT_CONCURRENCY, Math.floor(openFileLimit() / 4))));
}

/** The soft limit on open files (Node raises it to the hard limit at start); Linux only, else assumed ample. */
function openFileLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    // not Linux
  }
  return Infinity;
}

/**
 * Whether a check may need the engine: a container or exec check, or a service's check with a start period (a failure
 * asks when the service's container started). The engine is connected only when one of them asks.
 */
export const wantsEngine = (t: CheckTarget) => t.check.type === 'container' || t.check.type === 'exec' || (t.subject.kind === 'service' && !!t.check.startPeriod);

export interface RunChecksOptions {
  concurrency?: number;
  signal?: AbortSignal;
  onResult?: (result: CheckResult) => void;
  /** A Docker engine (or its promise); when absent, one connection is made lazily and shared by every check. */
  engine?: EngineSource;
  startedAt?: (target: CheckTarget) => number | undefined;
}

/** Runs every check concurrently, at most `concurrency` at a time; results in the order of the targets. */
export async function runChecks(targets: readonly CheckTarget[], options: RunChecksOptions = {}): Promise<CheckResult[]> {
  const cap = Math.max(1, options.concurrency ?? defaultConcurrency());
  const needsEngine = targets.some(wantsEngine);
  // Connected on first use by a check that needs it, then shared.
  const engine: EngineSource | undefined = options.engine ?? (needsEngine ? engineOnFirstUse(2000) : undefined);
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
