import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BerthError } from '@berth/spec';

/**
 * Writes `text` to `path` through a temporary file in the same directory and a rename, so a reader
 * never sees half a file. An existing file is refused unless `force`.
 */
export function writeFileAtomic(path: string, text: string, options: { force?: boolean; display?: string } = {}): void {
  const shown = options.display ?? path;
  if (!options.force && existsSync(path)) {
    throw new BerthError('ERR_BERTH_OUTPUT_EXISTS', `${shown} already exists`, { exitCode: 2, hint: 'pass --force to overwrite it' });
  }
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new BerthError('ERR_BERTH_WRITE', `cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { exitCode: 2, cause: err });
  }
}
