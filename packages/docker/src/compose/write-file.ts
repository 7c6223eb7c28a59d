import { writeFileLocked } from '@berth/spec';

/**
 * @berth/spec's locked, atomic write, with the errors the CLI prints: an existing file is refused unless
 * `force` (also one created meanwhile) with the one "file exists" error, and a failed write names the file.
 */
export function writeFileAtomic(path: string, text: string, options: { force?: boolean; display?: string; signal?: AbortSignal } = {}): Promise<void> {
  return writeFileLocked(path, text, { mkdir: true, overwrite: !!options.force, display: options.display ?? path, ...(options.signal ? { signal: options.signal } : {}) });
}
