import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { CUT_MARK, endOnExit, signalChild } from '@berth/spec';

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
  failure?: { kind: 'not-found' | 'no-cwd' | 'not-executable' | 'spawn' | 'timeout'; message: string };
}

/**
 * Runs argv directly (never through a shell) in its own process group, keeping at most 64 KiB of each
 * stream (a stream cut there ends with CUT_MARK). On abort the whole group gets SIGTERM, then SIGKILL `graceMs`
 * later (default 200 ms). Once the program itself has exited, what is left of its group is killed and its pipes
 * are read for at most @berth/spec's PIPE_GRACE_MS more (at once after an abort: endOnExit); the promise settles
 * then, with the program's own exit status.
 */
export function runBounded(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal: AbortSignal; graceMs?: number }): Promise<ProcessOutcome> {
  return new Promise<ProcessOutcome>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const size = { out: 0, err: 0 };
    const cut = { out: false, err: false };
    let failure: ProcessOutcome['failure'];
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (into: Buffer[], key: 'out' | 'err') => (chunk: Buffer) => {
      const room = MAX_OUTPUT_BYTES - size[key];
      if (room <= 0) return void (cut[key] = true);
      into.push(chunk.subarray(0, room));
      size[key] += Math.min(room, chunk.length);
      if (chunk.length > room) cut[key] = true;
    };
    // a stream cut at the bound ends with CUT_MARK: its last line, quoted in a reason, is known to be cut there
    const text = (chunks: Buffer[], key: 'out' | 'err') => `${Buffer.concat(chunks).toString('utf8')}${cut[key] ? CUT_MARK : ''}`;
    child.stdout.on('data', keep(out, 'out'));
    child.stderr.on('data', keep(err, 'err'));
    const killGroup = (sig: NodeJS.Signals) => signalChild(child, sig, { group: true });
    const onAbort = () => {
      // no more reading than the time left allows: at once if it has exited, else as soon as it does
      run.hurry();
      // the program has answered already: its exit status stands
      if (run.exited) return;
      failure ??= { kind: 'timeout', message: 'timed out' };
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 200);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure = spawnFailure(e, options.cwd);
    });
    // its own exit decides, not its pipes closing; what it left in its group is killed (a check leaves nothing behind)
    const run = endOnExit(child, (status) => {
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        ...(child.pid ? { pid: child.pid } : {}),
        ...(status.code !== null ? { exitCode: status.code } : {}),
        ...(status.signal ? { signal: status.signal } : {}),
        stdout: text(out, 'out'),
        stderr: text(err, 'err'),
        truncated: cut.out || cut.err,
        ...(failure ? { failure } : {}),
      });
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}

/** Why spawn failed. ENOENT is also what a missing working directory gives: told apart by looking at it. */
function spawnFailure(e: NodeJS.ErrnoException, cwd: string | undefined): NonNullable<ProcessOutcome['failure']> {
  if (e.code === 'ENOENT' && cwd !== undefined && !isDirectory(cwd)) return { kind: 'no-cwd', message: e.message };
  const kind = e.code === 'ENOENT' ? 'not-found' : e.code === 'EACCES' ? 'not-executable' : 'spawn';
  return { kind, message: e.message };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
