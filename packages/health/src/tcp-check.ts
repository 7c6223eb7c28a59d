import type { TcpCheck } from '@berth/spec';
import { withSocket } from './socket-probe.js';
import type { AttemptContext, Verdict } from './types.js';

/** A TCP connect: passing when the port accepts a connection. */
export function runTcpCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as TcpCheck;
  const started = performance.now();
  return withSocket<Verdict>(
    check.host,
    check.port,
    ctx,
    (reason) => ({ status: 'critical', reason }),
    (_socket, settle, where) => settle({ status: 'passing', reason: `accepts connections on ${where}`, details: { connectMs: Math.round(performance.now() - started) } }),
  );
}
