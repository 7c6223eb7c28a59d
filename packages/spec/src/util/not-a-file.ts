import { accessSync, closeSync, constants, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BerthError } from '../problem.js';

/**
 * What PATH is when it is not something berth can read as a file a user named: 'a directory', 'a device' or
 * 'a socket'; undefined for a regular file, a pipe (`--spec <(...)`) or a path that is not there (the read says
 * that). One rule for every reader: a device such as /dev/zero or /dev/urandom has no end, and reading it whole
 * would run until memory does.
 */
export function notAFile(path: string, options: { pipe?: boolean } = {}): 'a directory' | 'a device' | 'a socket' | 'a pipe' | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return 'a directory';
  // `pipe: false` for a file berth finds rather than one the user names: a pipe nobody writes blocks the read for good
  if (options.pipe === false && stat.isFIFO()) return 'a pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return undefined;
}

/**
 * The file a path names when berth reads one of its documents: a folder means DEFAULTFILE inside it (`berth.yaml`,
 * `ports.yaml`, `ecosystem.yaml`), as `berth ecosystem check ../repo` and `berth ports check ../repo` take it.
 * A path that is not there is returned as it is (the read says so).
 */
export function fileOrDefaultIn(path: string, defaultFile: string): string {
  try {
    return statSync(path).isDirectory() ? join(path, defaultFile) : path;
  } catch {
    return path;
  }
}

/** What a failed read or write of any file means, in words, by the error's code. */
const EITHER: Record<string, string> = {
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of its path is a file, not a directory',
  ELOOP: 'a loop of symbolic links',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'its path is too long',
  EIO: 'an input/output error on the device',
  EMFILE: 'too many files open',
  ENFILE: 'too many files open',
};
const READING: Record<string, string> = {
  ...EITHER,
  ENOENT: 'no such file',
  ERR_STRING_TOO_LONG: 'too large to read (over 512 MiB)',
  ERR_FS_FILE_TOO_LARGE: 'too large to read (over 512 MiB)',
};
const WRITING: Record<string, string> = {
  ...EITHER,
  ENOENT: 'its folder does not exist',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  EROFS: 'a read-only file system',
  EFBIG: 'too large for the file system',
};

const reasonIn = (words: Record<string, string>, verb: string, err: unknown): string => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && Object.hasOwn(words, code) ? words[code] : undefined) ?? `cannot ${verb} (${code ?? (err instanceof Error ? err.message : String(err))})`;
};

/**
 * Why reading a file a user named failed, in words, from the error the read threw: one rule for every reader
 * (spec, registry, `.env`, ecosystem manifest and members, devcontainer.json, pages berth regenerates).
 * A code berth has no words for is named as it is.
 */
export const unreadableReason = (err: unknown): string => reasonIn(READING, 'read', err);

/**
 * Why writing a file failed, in words, from the error the write threw: one rule for every writer (locked and
 * atomic writes, their lock files, the folders made for them).
 */
export const unwritableReason = (err: unknown): string => reasonIn(WRITING, 'write', err);

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

/**
 * Why berth could not replace the file at PATH now (a read-only or immutable file, a folder it cannot write in), or
 * undefined: asked of every file of a set before any is written, so that none is written where one would fail. A
 * file or folder that is not there yet is no obstacle (the write makes it). Opening the file to write changes nothing.
 */
export function replaceBlocker(path: string): string | undefined {
  const tried = (attempt: () => void): string | undefined => {
    try {
      attempt();
      return undefined;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : unwritableReason(err);
    }
  };
  return tried(() => closeSync(openSync(path, constants.O_WRONLY | constants.O_APPEND))) ?? tried(() => accessSync(dirname(path), constants.W_OK));
}
