import net from 'node:net';
import { formatDuration } from '@berth/spec';
import { describeNetError, hostPort } from './describe.js';
import type { AttemptContext } from './types.js';

export type Probe<T> = (socket: net.Socket, settle: (value: T) => void, where: string) => void;

/**
 * Opens one TCP connection with a connect timeout, hands it to `probe` once connected, and always
 * destroys the socket when settled: by the probe, by an error, or by the check's total timeout.
 */
export function withSocket<T>(
  host: string,
  port: number,
  ctx: AttemptContext,
  onFail: (reason: string) => T,
  probe: Probe<T>,
): Promise<T> {
  const where = hostPort(host, port);
  return new Promise<T>((resolve) => {
    let connected = false;
    let done = false;
    const socket = net.connect({ host, port });
    const settle = (value: T) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = () =>
      settle(onFail(connected ? `no answer from ${where} within ${formatDuration(ctx.timeoutMs)}` : `timed out after ${formatDuration(ctx.timeoutMs)} connecting to ${where}`));
    const connectTimer = setTimeout(() => {
      if (!connected) settle(onFail(`timed out after ${formatDuration(ctx.connectTimeoutMs)} connecting to ${where}`));
    }, ctx.connectTimeoutMs);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) onAbort();
    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      probe(socket, settle, where);
    });
    socket.on('error', (err) => settle(onFail(describeNetError(err, where))));
  });
}
