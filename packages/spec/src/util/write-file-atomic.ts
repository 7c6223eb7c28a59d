import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crypto } from './builtins.js';
import { makeDirs } from './make-dirs.js';

export interface WriteFileAtomicOptions {
  /** Replace an existing file (default). Without it, a file that exists, or appears meanwhile, fails with EEXIST. */
  overwrite?: boolean;
  /** Create the parent directories first. */
  mkdir?: boolean;
}

/**
 * Writes `text` to `path` so that a reader sees either the old file or the whole new one, never half:
 * a temporary file in the same directory, flushed, then renamed over the target (or, when not
 * overwriting, hard-linked into place, which fails if the target exists). An existing file keeps its mode.
 * Throws the file system's error; the temporary file never stays behind.
 */
export function writeFileAtomic(path: string, text: string, options: WriteFileAtomicOptions = {}): void {
  if (options.mkdir) makeDirs(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`);
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : 0o644;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    if (options.overwrite === false) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
