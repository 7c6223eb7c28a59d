import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`: creates `dir` and its missing parents (each with `mode` where given); a directory that is there,
 * or appears meanwhile, is fine. Throws the file system's error for the first directory that cannot be made, or
 * ENOTDIR where a file stands in the way.
 *
 * Node's own `mkdirSync(dir, { recursive: true })` is not used: where `mkdir` answers ENOENT under a parent that
 * exists (`/proc`, some FUSE file systems), it makes the parent again and retries, for ever, at full CPU
 * (`berth compose --output /proc/x/compose.yaml` hung that way).
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (isDirectory(at)) break;
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !isDirectory(d)) throw err;
    }
  }
}

/** Whether `path` is a directory; ENOTDIR where it is something else; false when it is not there. */
function isDirectory(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw err;
  }
  throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path });
}
