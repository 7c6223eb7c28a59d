import type { Readable } from 'node:stream';
import { abortError, connectionFault, EngineStalledError } from '../engine/engine-errors.js';
import type { LogFrames } from './log-frames.js';

/**
 * Reads a followed log stream into `frames` until the engine ends it: only its end (the engine's last chunk, sent
 * when the container stops) is a clean end. A stream that errors or closes before that lost its engine mid-follow
 * (dockerd killed or restarted): "the engine at ... went away", exit 3, as any call it hangs up. An abort destroys
 * the stream and rejects with an AbortError (exit 130). The lines received so far are flushed either way.
 */
export function followLog(stream: Readable, frames: LogFrames, options: { endpoint: string; what: string; signal?: AbortSignal | undefined }): Promise<void> {
  const { signal } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      frames.flush();
      if (err) reject(err);
      else resolve();
    };
    const gone = (detail: string) => new EngineStalledError(options.endpoint, `${detail} during ${options.what}`, 'went away');
    const onAbort = () => {
      settle(abortError(signal?.reason));
      stream.destroy();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => frames.push(chunk));
    stream.on('end', () => settle());
    stream.on('error', (err: Error) => settle(gone(connectionFault(err) ?? err.message)));
    stream.on('close', () => settle(gone('connection closed')));
  });
}
