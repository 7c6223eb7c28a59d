import { readFileSync } from 'node:fs';

/**
 * Whether a process runs: it exists and is no zombie (a container's pid 1 may never reap what is left to it, so a
 * killed grandchild can linger as one). Without /proc to tell a zombie by, one that exists runs.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
