import { readFileSync, statSync } from 'node:fs';
import { BerthError } from '../problem.js';

/**
 * What PATH is when it is not something berth can read as a file a user named: 'a directory', 'a device' or
 * 'a socket'; undefined for a regular file, a pipe (`--spec <(...)`) or a path that is not there (the read says
 * that). One rule for every reader: a device such as /dev/zero or /dev/urandom has no end, and reading it whole
 * would run until memory does.
 */
export function notAFile(path: string): 'a directory' | 'a device' | 'a socket' | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return undefined;
}

/**
 * Why reading a file a user named failed, in words, from the error the read threw: one rule for every reader
 * (spec, registry, `.env`, ecosystem manifest and members, devcontainer.json, pages berth regenerates).
 * A code berth has no words for is named as it is.
 */
export function unreadableReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a directory';
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENAMETOOLONG':
      return 'its path is too long';
    case 'ERR_STRING_TOO_LONG':
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'too large to read (over 512 MiB)';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files open';
    default:
      return `cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/**
 * The text of a file berth is about to replace or compare (an `-o` target, a page to regenerate), or undefined
 * when it is not there. A device, socket or directory is refused before it is read (`-o /dev/full` read zeros
 * for ever), and any other failure is one line: ERR_BERTH_UNREADABLE, bad input.
 */
export function readFileIfExists(path: string, display = path): string | undefined {
  const not = notAFile(path);
  if (not) throw new BerthError('ERR_BERTH_UNREADABLE', `${display}: is ${not}, not a file`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('ERR_BERTH_UNREADABLE', `${display}: ${unreadableReason(err)}`, { cause: err });
  }
}
