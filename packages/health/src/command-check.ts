import { isAbsolute, resolve } from 'node:path';
import type { CommandCheck } from '@berth/spec';
import { runBounded } from './bounded-process.js';
import { judgeCommandOutput } from './command-expect.js';
import { formatMs } from './describe.js';
import type { AttemptContext, Verdict } from './types.js';

/** A program on the host, run from its argv (never a shell), bounded in time and output. */
export async function runCommandCheck(ctx: AttemptContext): Promise<Verdict> {
  const check = ctx.target.check as CommandCheck;
  const program = check.argv[0]!;
  const cwd = check.cwd ? (isAbsolute(check.cwd) ? check.cwd : resolve(ctx.target.baseDir ?? process.cwd(), check.cwd)) : ctx.target.baseDir;
  const run = await runBounded(check.argv, { ...(cwd ? { cwd } : {}), env: { ...process.env, ...check.env }, signal: ctx.signal });
  if (run.failure?.kind === 'not-found') return { status: 'critical', reason: `program not found: ${program}${cwd ? '' : ''}` };
  if (run.failure?.kind === 'not-executable') return { status: 'critical', reason: `program not executable: ${program}` };
  if (run.failure?.kind === 'spawn') return { status: 'critical', reason: `${program} could not start: ${run.failure.message}` };
  if (run.failure?.kind === 'timeout') return { status: 'critical', reason: `timed out after ${formatMs(ctx.timeoutMs)} waiting for ${program} to exit; stopped it` };
  return judgeCommandOutput(program, check.expect, run);
}
