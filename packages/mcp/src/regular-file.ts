import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { BerthError, notAFile, unreadableReason } from '@berth/spec';

/**
 * At most what the server reads of a file for itself (the secret guard, the watch): far more than any spec,
 * `.env` or registry holds, and a bound on what an odd `--spec` can make it read for every answer.
 */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** A limit as a refusal says it: "10 MiB", "1.5 MiB", "64 KiB", "800 bytes". */
export function sizeText(bytes: number): string {
  const [n, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
}

/**
 * What PATH is when it is not a regular file the server may read: @berth/spec's notAFile ('a directory', 'a
 * device', 'a socket'), or 'a pipe': a read of one blocks the whole server until something writes to it, and the
 * server reads the spec again for every answer, which a pipe gives once. Undefined for a regular file or a path
 * that is not there (the read says that).
 */
export function notARegularFile(path: string): 'a directory' | 'a device' | 'a socket' | 'a pipe' | undefined {
  const not = notAFile(path);
  if (not) return not;
  try {
    return statSync(path).isFIFO() ? 'a pipe' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of a regular file of at most `maxBytes`, or a BerthError (ERR_BERTH_UNREADABLE) saying in one line why
 * not. A device, pipe, socket or directory is refused before it is opened; so is a file that holds more than its
 * size says (a /proc or /sys file says 0 bytes: /proc/self/environ is the server's whole environment).
 */
export function readRegularFile(path: string, maxBytes: number): string {
  const refuse = (reason: string, cause?: unknown) => new BerthError('ERR_BERTH_UNREADABLE', `${path}: ${reason}`, { cause });
  const not = notARegularFile(path);
  if (not) throw refuse(`is ${not}, not a file`);
  let fd: number;
  try {
    // Non-blocking, so a pipe put there since the check above cannot hang the open; fstat then sees it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw refuse(unreadableReason(err), err);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse('is not a regular file');
    if (stat.size > maxBytes) throw refuse(`is ${stat.size} bytes, more than the ${sizeText(maxBytes)} berth mcp reads`);
    // One byte more than the size: a file that fills it is not what its size says.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > stat.size) throw refuse(`is a special file (its size says ${stat.size} bytes, it holds more), not a file`);
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    throw err instanceof BerthError ? err : refuse(unreadableReason(err), err);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFile's text, or undefined when it cannot be read (for the guard and the watch, which go on without it). */
export function readRegularFileOrNone(path: string, maxBytes = MAX_FILE_BYTES): string | undefined {
  try {
    return readRegularFile(path, maxBytes);
  } catch {
    return undefined;
  }
}
