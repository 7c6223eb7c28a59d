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

/**
 * Waits (bounded) until every pid is gone; returns those still alive. A SIGKILL is delivered, and the process torn
 * down, a moment after kill() returns: a test asks whether it died, not whether it died before the next line.
 */
export async function stillAlive(pids: number[], waitMs = 3000): Promise<number[]> {
  const until = Date.now() + waitMs;
  let alive = pids.filter(isRunning);
  while (alive.length && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter(isRunning);
  }
  return alive;
}
