import type { Engine } from '@berth/docker/runtime';
import { formatDuration } from '@berth/spec';
import type { AttemptContext, Verdict } from './types.js';

export type EngineOutcome = { engine: Engine } | { unavailable: string };

/**
 * What a caller hands the container and exec checks: @berth/docker's engine (its `api` is the one
 * client berth reaches an engine with), an outcome that says why there is none, or a promise of
 * either (connected once, shared by every check).
 */
export type EngineSource = Engine | EngineOutcome | PromiseLike<Engine | EngineOutcome>;

const isOutcome = (x: Engine | EngineOutcome): x is EngineOutcome => 'unavailable' in x || 'engine' in x;

/**
 * The engine a check should use: the one the caller passed (or its promise), else one connected now
 * through @berth/docker, imported lazily so nothing loads Docker code until a container check runs.
 */
export async function resolveEngine(ctx: Pick<AttemptContext, 'engine' | 'connectTimeoutMs'>): Promise<EngineOutcome> {
  if (ctx.engine === undefined) return connectEngineLazily(ctx.connectTimeoutMs);
  try {
    const given = await ctx.engine;
    return isOutcome(given) ? given : { engine: given };
  } catch {
    return { unavailable: 'Docker engine not reachable' };
  }
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
