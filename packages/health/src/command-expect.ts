import type { CommandCheck } from '@berth/spec';
import { peerLine } from '@berth/spec';
import type { Verdict } from './types.js';

type Expect = CommandCheck['expect'];

/** What a program said last, fit for a one-line reason (@berth/spec's peerLine: printable, the cut marked). */
const lastLine = (text: string) => peerLine(text, 120, 'last');

/** Judges a finished program: exit code, then stdout. Pure. */
export function judgeCommandOutput(what: string, expect: Expect, run: { exitCode?: number; signal?: string; stdout: string; stderr: string }): Verdict {
  const wanted = expect?.exitCode ?? 0;
  if (run.exitCode === undefined) return { status: 'critical', reason: `${what} was killed by ${run.signal ?? 'a signal'}` };
  if (run.exitCode !== wanted) {
    const said = lastLine(run.stderr) || lastLine(run.stdout);
    return { status: 'critical', reason: `${what} exited ${run.exitCode}, expected ${wanted}${said ? `: ${said}` : ''}`, details: { exitCode: run.exitCode } };
  }
  if (expect?.stdoutEquals !== undefined && run.stdout.trim() !== expect.stdoutEquals) {
    return { status: 'critical', reason: `${what} printed ${JSON.stringify(lastLine(run.stdout))}, expected ${JSON.stringify(expect.stdoutEquals)}` };
  }
  if (expect?.stdoutContains !== undefined && !run.stdout.includes(expect.stdoutContains)) {
    return { status: 'critical', reason: `${what} output does not contain ${JSON.stringify(expect.stdoutContains)}` };
  }
  return { status: 'passing', reason: `${what} exited ${run.exitCode}${expect?.stdoutEquals !== undefined ? ` and printed ${JSON.stringify(expect.stdoutEquals)}` : ''}` };
}
