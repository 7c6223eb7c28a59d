// A process that takes a berth lock, for the file-lock tests: bundled with esbuild, run as a real child process.
//   contend <target> <counter> <log>: under the lock, read the counter, wait a little, write it back plus one
//     (a read-modify-write that loses updates without the lock), and log enter/leave around it.
//   hold <target>: take the lock, print "held", and keep it until killed.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { withFileLock } from '../../src/util/file-lock.js';

const [mode, target, counter, log] = process.argv.slice(2);

if (mode === 'contend') {
  await withFileLock(
    target!,
    async () => {
      appendFileSync(log!, `enter ${process.pid}\n`);
      const n = Number(readFileSync(counter!, 'utf8'));
      await new Promise((r) => setTimeout(r, 5));
      writeFileSync(counter!, String(n + 1));
      appendFileSync(log!, `leave ${process.pid}\n`);
    },
    { timeoutMs: 60_000, purpose: 'counting' },
  );
} else if (mode === 'hold') {
  await withFileLock(
    target!,
    async () => {
      process.stdout.write('held\n');
      await new Promise(() => setInterval(() => {}, 1000));
    },
    { purpose: 'holding it for a test' },
  );
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
