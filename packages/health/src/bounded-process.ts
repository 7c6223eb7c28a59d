import { spawn } from 'node:child_process';
import { signalChild } from '@berth/spec';

export const MAX_OUTPUT_BYTES = 64 * 1024;

export interface ProcessOutcome {
  pid?: number;
  /** undefined when the program could not start, or was killed. */
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** Why it did not run to the end: it could not start, or it was stopped at the timeout. */
  failure?: { kind: 'not-found' | 'not-executable' | 'spawn' | 'timeout'; message: string };
}

/**
 * Runs argv directly (never through a shell) in its own process group, keeping at most 64 KiB of each
 * stream. On abort the whole group gets SIGTERM, then SIGKILL `graceMs` later (default 200 ms); the
 * promise settles once the program is gone.
 */
export function runBounded(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal: AbortSignal; graceMs?: number }): Promise<ProcessOutcome> {
  return new Promise<ProcessOutcome>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { out: 0, err: 0 };
    let truncated = false;
    let failure: ProcessOutcome['failure'];
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (into: Buffer[], key: 'out' | 'err') => (chunk: Buffer) => {
      const room = MAX_OUTPUT_BYTES - size[key];
      if (room <= 0) return void (truncated = true);
      into.push(chunk.subarray(0, room));
      size[key] += Math.min(room, chunk.length);
      if (chunk.length > room) truncated = true;
    };
    child.stdout.on('data', keep(out, 'out'));
    child.stderr.on('data', keep(err, 'err'));
    const killGroup = (sig: NodeJS.Signals) => signalChild(child, sig, { group: true });
    const onAbort = () => {
      failure ??= { kind: 'timeout', message: 'timed out' };
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 200);
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    child.on('error', (e: NodeJS.ErrnoException) => {
      const kind = e.code === 'ENOENT' ? 'not-found' : e.code === 'EACCES' ? 'not-executable' : 'spawn';
      failure = { kind, message: e.message };
    });
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      // the group may hold children that outlived the leader
      if (failure?.kind === 'timeout') killGroup('SIGKILL');
      resolve({
        ...(child.pid ? { pid: child.pid } : {}),
        ...(code !== null ? { exitCode: code } : {}),
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        truncated,
        ...(failure ? { failure } : {}),
      });
    });
  });
}
