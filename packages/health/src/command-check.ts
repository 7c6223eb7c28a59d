import { isAbsolute, resolve } from 'node:path';
import type { CommandCheck } from '@berth/spec';
import { runBounded } from './bounded-process.js';
import { judgeCommandOutput } from './command-expect.js';
import { formatDuration } from '@berth/spec';
import type { AttemptContext, Verdict } from './types.js';

/** A program on the host, run from its argv (never a shell), bounded in time and output. */
export async function runCommandCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as CommandCheck;
  const program = check.argv[0]!;
  const cwd = check.cwd ? (isAbsolute(check.cwd) ? check.cwd : resolve(ctx.target.baseDir ?? process.cwd(), check.cwd)) : ctx.target.baseDir;
  // Stop the program a little before the check's timeout, so SIGTERM, the grace and SIGKILL fit inside it.
  const reserve = Math.min(300, ctx.timeoutMs / 4);
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), ctx.timeoutMs - reserve);
  const onAbort = () => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const run = await runBounded(check.argv, { ...(cwd ? { cwd } : {}), env: { ...process.env, ...check.env }, signal: stop.signal, graceMs: reserve / 2 });
  clearTimeout(deadline);
  ctx.signal.removeEventListener('abort', onAbort);
  if (run.failure?.kind === 'no-cwd') return { status: 'critical', reason: `working directory not found: ${cwd} (${check.cwd ? 'cwd of the check' : "the spec's folder"})` };
  if (run.failure?.kind === 'not-found') return { status: 'critical', reason: `program not found: ${program}` };
  if (run.failure?.kind === 'not-executable') return { status: 'critical', reason: `program not executable: ${program}` };
  if (run.failure?.kind === 'spawn') return { status: 'critical', reason: `${program} could not start: ${run.failure.message}` };
  if (run.failure?.kind === 'timeout') {
    return { status: 'critical', reason: `timed out after ${formatDuration(ctx.timeoutMs)} waiting for ${program} to exit; stopped it`, ...(run.pid ? { details: { pid: run.pid } } : {}) };
  }
  return judgeCommandOutput(program, check.expect, run);
}
