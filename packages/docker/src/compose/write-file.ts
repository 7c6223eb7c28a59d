import { writeFileLocked, type FileLockOptions } from '@berth/spec';

/**
 * @berth/spec's locked, atomic write, with the errors the CLI prints: an existing file is refused unless
 * `force` (also one created meanwhile) with the one "file exists" error, and a failed write names the file.
 */
export function writeFileAtomic(path: string, text: string, options: { force?: boolean; display?: string } & FileLockOptions = {}): Promise<void> {
  const { force, display, ...lock } = options;
  return writeFileLocked(path, text, { ...lock, mkdir: true, overwrite: !!force, display: display ?? path });
}
