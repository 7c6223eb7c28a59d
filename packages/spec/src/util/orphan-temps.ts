import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicTempWriter } from './write-file-atomic.js';

/**
 * Removes the temporary files that atomic writes of `path` left behind when their writer was killed mid-write
 * (`.ports.yaml.<pid>.<hex>.tmp`, which `git add -A` would otherwise pick up for ever). Call it holding `path`'s lock,
 * so no other berth is writing `path` meanwhile; even so, only a plain file of writeFileAtomic's name pattern for
 * `path` whose pid is not alive on this host is removed. Best effort: a file that cannot be removed is left.
 * Returns the names removed.
 */
export function removeOrphanTemps(path: string): string[] {
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = atomicTempWriter(path, name);
    if (pid === undefined || pid === process.pid || alive(pid)) continue;
    try {
      if (!lstatSync(join(dir, name)).isFile()) continue;
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove: left as it is
    }
  }
  return removed;
}

/** Whether a process `pid` runs on this host (one of another user's counts: it may be writing). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
