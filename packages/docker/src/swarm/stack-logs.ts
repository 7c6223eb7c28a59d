import { BerthError } from '@berth/spec';
import type { Engine } from '../engine/connect.js';
import { STACK_NAMESPACE } from '../labels.js';
import { followLog } from '../ops/follow-log.js';
import { LogFrames } from '../ops/log-frames.js';
import type { LogLine } from '../ops/logs.js';
import { SwarmApi } from './swarm-api.js';

/** What a followed service log starts from when no tail is given: enough to see where it stands, never its whole history. */
export const DEFAULT_FOLLOW_TAIL = 100;

/**
 * The logs of the stack's services (all, or the named ones), every task's lines, tagged with the
 * service. With `follow`, streams from the last `tail` lines (default 100) until every service's stream
 * ends (see followLog: an engine lost mid-follow fails with "went away", an abort with an AbortError).
 */
export async function stackLogs(
  engine: Engine,
  stack: string,
  options: { services?: string[]; follow?: boolean; tail?: number; signal?: AbortSignal; onLine: (l: LogLine) => void },
): Promise<void> {
  const swarm = new SwarmApi(engine.api.withSignal(options.signal));
  const services = await swarm.services({ label: [`${STACK_NAMESPACE}=${stack}`] });
  const key = (name: string) => (name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name);
  const wanted = options.services?.length ? new Set(options.services) : undefined;
  const unknown = [...(wanted ?? [])].filter((s) => !services.some((x) => key(x.Spec?.Name ?? '') === s));
  if (unknown.length) throw new BerthError('ERR_BERTH_NOT_RUNNING', `no swarm service for ${unknown.join(', ')} in stack ${stack}`);
  const chosen = services.filter((s) => !wanted || wanted.has(key(s.Spec?.Name ?? '')));
  const tail = options.tail ?? (options.follow ? DEFAULT_FOLLOW_TAIL : undefined);
  await Promise.all(
    chosen.map(async (s) => {
      const service = key(s.Spec?.Name ?? s.ID);
      const frames = new LogFrames((stream, line) => options.onLine({ service, stream, line }));
      if (!options.follow) {
        frames.push(await swarm.serviceLogs(s.ID, { follow: false, ...(tail !== undefined ? { tail } : {}) }));
        frames.flush();
        return;
      }
      const stream = await swarm.serviceLogs(s.ID, { follow: true, ...(tail !== undefined ? { tail } : {}) });
      await followLog(stream, frames, { endpoint: engine.endpoint, what: `GET /services/${s.ID}/logs`, signal: options.signal });
    }),
  );
}
