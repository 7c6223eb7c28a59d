import { findServiceContainer } from './container-check.js';
import { resolveEngine, type EngineSource } from './engine.js';
import type { CheckTarget } from './types.js';

/** How long finding a service's container start time may take: as long as connecting to the engine may. */
const LOOKUP_MS = 2000;

/**
 * When the container of a check's service started (ms since epoch), as Docker counts a start period from it: the
 * running container of the service in the target's Compose project, through the engine the caller shares. Undefined
 * when there is none to ask (no engine given, not a service, no such container, not running, the engine not answering
 * within 2 s, or the check's own timeout where that is shorter): a failure then counts as one. Asked only for a check with a startPeriod that failed and no start time
 * from its caller (`berth health`, `berth doctor`; `berth serve` knows its containers already).
 */
export async function serviceStartedAt(target: CheckTarget, options: { engine?: EngineSource; signal?: AbortSignal; withinMs?: number }): Promise<number | undefined> {
  if (target.subject.kind !== 'service' || options.engine === undefined) return undefined;
  const { check } = target;
  // a check of another container (a named one, the devcontainer) says nothing of when this service started
  if (check.type === 'exec' && (check.container || check.in === 'devcontainer')) return undefined;
  const service = (check.type === 'container' || check.type === 'exec') && check.service ? check.service : target.subject.id;
  // the whole question, the engine's connection included, within its bound (a hung engine costs that, not a minute)
  const within = Math.min(LOOKUP_MS, options.withinMs ?? LOOKUP_MS);
  const bound = AbortSignal.timeout(within);
  const signal = options.signal ? AbortSignal.any([options.signal, bound]) : bound;
  const ask = async (): Promise<number | undefined> => {
    const got = await resolveEngine({ engine: options.engine, connectTimeoutMs: within, target });
    if ('unavailable' in got || signal.aborted) return undefined;
    const api = got.engine.api.withSignal(signal);
    const found = await findServiceContainer(api, service, target.context?.project);
    if (!found || found.State !== 'running') return undefined;
    const state = (await api.getContainer(found.Id).inspect()).State;
    const started = Date.parse(state?.StartedAt ?? '');
    return state?.Running && Number.isFinite(started) ? started : undefined;
  };
  let stop: (() => void) | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    const done = () => resolve(undefined);
    signal.addEventListener('abort', done, { once: true });
    stop = () => signal.removeEventListener('abort', done);
  });
  try {
    return await Promise.race([ask().catch(() => undefined), gaveUp]);
  } finally {
    stop?.();
  }
}
