import { runCli } from './main.js';

/**
 * The process around runCli: Ctrl-C aborts (twice exits), a closed pipe is not an error, the exit code is set.
 * Shared by the ESM bundle (bin.ts) and the code-cached fast path (fast-entry.ts).
 */
export async function start(argv: string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  // A closed pipe (berth ... | head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  });
}
