import { chmodSync, existsSync, linkSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so readers see the old content or the new, never half: a temporary file beside it,
 * then a rename. Without `overwrite`, the temporary file is hard-linked into place instead, which fails
 * when the target exists, so a file created meanwhile is never clobbered. Keeps an existing file's mode.
 */
export function writeFileAtomic(path: string, text: string, options: { overwrite: boolean }): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : undefined;
  writeFileSync(tmp, text, { flag: 'wx' });
  try {
    if (mode !== undefined) chmodSync(tmp, mode);
    if (options.overwrite) renameSync(tmp, path);
    else {
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}
