import type { WalkAhead } from '@berth/docker/runtime';
import { ExitCode } from './exit-codes.js';
import { runCli } from './main.js';

/**
 * The process around runCli: Ctrl-C aborts (twice exits), a closed pipe is not an error, the exit code is set.
 * Shared by the ESM bundle (bin.ts) and the code-cached fast path (fast-entry.ts).
 *
 * SIGINT and SIGTERM are caught only while a command waits on something (it asked for the abort signal:
 * the engine, checks, a lock; see RunEnvironment.catchSignals). A command that only computes keeps their
 * default action, so it ends at once even with the CPU held, where a handler would never get to run;
 * it writes only atomically, so nothing is left half-written. Either way SIGTERM ends it with 143 (128 + 15), as
 * supervisors (systemd, `timeout`, CI runners) expect, and Ctrl-C with 130.
 */
export async function start(argv: string[] = process.argv.slice(2), launched: { walkAhead?: WalkAhead } = {}): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  let terminated = false;
  const onTerminate = () => {
    terminated = true;
    controller.abort();
  };
  let catching = 0;
  const catchSignals = () => {
    if (catching++ === 0) {
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onTerminate);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--catching === 0) {
        process.off('SIGINT', onInterrupt);
        process.off('SIGTERM', onTerminate);
      }
    };
  };
  // A closed pipe (berth ... | head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    catchSignals,
    ...(launched.walkAhead ? { walkAhead: launched.walkAhead } : {}),
  });
  process.exitCode = code === ExitCode.Interrupted && terminated ? ExitCode.Terminated : code;
}
