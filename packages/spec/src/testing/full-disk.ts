import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small file system of its own that a test fills, so a write meets a real ENOSPC. */
export interface FullDisk {
  /** Where it is mounted. */
  dir: string;
  /** Why there is none (not root, not Linux, mount refused): the test says so as skipped. */
  skip?: string;
  /** Fills it with a file of whole pages, then frees `leavePages` of them again (room for a lock file, not for more). */
  fill(leavePages?: number): void;
  /** Unmounts and removes it. */
  dispose(): void;
}

const PAGE = 4096;

/**
 * A tmpfs of `sizeKiB` mounted on a fresh temporary folder. Mounting needs root on Linux, as CI runs; elsewhere
 * `skip` says why and the folder is an ordinary one.
 */
export function fullDisk(sizeKiB = 256): FullDisk {
  const dir = mkdtempSync(join(tmpdir(), 'berth-full-disk-'));
  let skip: string | undefined;
  if (process.platform !== 'linux' || process.getuid?.() !== 0) skip = 'a full disk is a tmpfs mounted for the test, which needs root on Linux';
  else {
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], { encoding: 'utf8' });
    if (mount.status !== 0) skip = `cannot mount a tmpfs for a full disk: ${(mount.stderr || mount.error?.message || `mount exited ${mount.status}`).trim()}`;
  }
  return {
    dir,
    ...(skip ? { skip } : {}),
    fill(leavePages = 0) {
      const fd = openSync(join(dir, 'filler'), 'w');
      const page = Buffer.alloc(PAGE, 1);
      let size = 0;
      try {
        for (;;) size += writeSync(fd, page);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        ftruncateSync(fd, Math.max(0, size - (size % PAGE) - leavePages * PAGE));
        closeSync(fd);
      }
    },
    dispose() {
      if (!skip) spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
