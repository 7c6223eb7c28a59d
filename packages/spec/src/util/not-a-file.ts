import { statSync } from 'node:fs';

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
