import type { Engine } from '@berth/docker/runtime';
import { formatDuration, type BerthSpec } from '@berth/spec';
import type { AttemptContext, Verdict } from './types.js';

export type EngineOutcome = { engine: Engine } | { unavailable: string };

/**
 * What a caller hands the container and exec checks: @berth/docker's engine (its `api` is the one
 * client berth reaches an engine with), an outcome that says why there is none, or a promise of
 * either (connected once, shared by every check).
 */
export type EngineSource = Engine | EngineOutcome | PromiseLike<Engine | EngineOutcome> | EnginesByName;

/** The engines of a spec that declares several: the one a check's service runs on, by name (`default` for the default one). */
export interface EnginesByName {
  forEngine(name: string): Engine | EngineOutcome | PromiseLike<Engine | EngineOutcome>;
}

const isOutcome = (x: Engine | EngineOutcome): x is EngineOutcome => 'unavailable' in x || 'engine' in x;
const isByName = (x: unknown): x is EnginesByName => typeof (x as EnginesByName | undefined)?.forEngine === 'function';

/**
 * The engine a check should use: the one the caller passed (or its promise), else one connected now
 * through @berth/docker, imported lazily so nothing loads Docker code until a container check runs.
 */
export async function resolveEngine(ctx: Pick<AttemptContext, 'engine' | 'connectTimeoutMs' | 'target'>): Promise<EngineOutcome> {
  if (ctx.engine === undefined) return connectEngineLazily(ctx.connectTimeoutMs);
  try {
    const given = await (isByName(ctx.engine) ? ctx.engine.forEngine(ctx.target.context?.engine ?? 'default') : ctx.engine);
    return isOutcome(given) ? given : { engine: given };
  } catch {
    return { unavailable: 'Docker engine not reachable' };
  }
}

/** An engine connected on first use (by a check that asks for it), then shared; nothing connects when none asks. */
export function engineOnFirstUse(timeoutMs: number): EngineSource {
  let lazy: Promise<EngineOutcome> | undefined;
  return { then: (ok, bad) => (lazy ??= connectEngineLazily(timeoutMs)).then(ok, bad) };
}

export async function connectEngineLazily(timeoutMs: number): Promise<EngineOutcome> {
  try {
    const { connectEngine } = await import('@berth/docker/runtime');
    return { engine: await connectEngine({ timeoutMs }) };
  } catch {
    return { unavailable: 'Docker engine not reachable' };
  }
}

/**
 * Runs a check kind's engine calls: their end at the check's timeout (the calls are bound to its
 * signal) reads as a timeout, an engine that stopped answering as unknown, like one not reachable.
 */
export async function withEngineCalls(ctx: Pick<AttemptContext, 'signal' | 'timeoutMs'>, run: () => Promise<Verdict>): Promise<Verdict> {
  try {
    return await run();
  } catch (err) {
    if ((err as Error)?.name === 'AbortError' && ctx.signal.aborted) return { status: 'critical', reason: `timed out after ${formatDuration(ctx.timeoutMs)} waiting for the engine` };
    if ((err as { code?: string })?.code === 'ERR_BERTH_ENGINE_STALLED') return { status: 'unknown', reason: (err as Error).message };
    throw err;
  }
}

/**
 * The engines of a spec, each connected on first use by a check of a service placed on it and then
 * shared (see serviceEngine); `close()` lets them all go. One that cannot be reached makes its checks
 * unknown, with the one line that says why.
 */
export function specEngineSource(spec: Pick<BerthSpec, 'engines'>, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): EnginesByName & { close(): void } {
  const connected = new Map<string, Promise<EngineOutcome>>();
  return {
    forEngine(name) {
      let p = connected.get(name);
      if (!p) {
        p = import('@berth/docker/runtime').then(
          ({ connectSpecEngine }) =>
            connectSpecEngine(spec, name, { ...(options.env ? { env: options.env } : {}), timeoutMs: options.timeoutMs ?? 2000 }).then(
              (e) => ({ engine: e.engine }),
              (err: unknown) => ({ unavailable: (err as Error).message }),
            ),
          (err: unknown) => ({ unavailable: (err as Error).message }),
        );
        connected.set(name, p);
      }
      return p;
    },
    close() {
      for (const p of connected.values()) void p.then((o) => ('engine' in o ? o.engine.close() : undefined));
    },
  };
}
