import { dirname } from 'node:path';
import { BerthError } from '../problem.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { makeDirs } from './make-dirs.js';
import { notAFile, readFileIfExists, replaceBlocker, unwritableReason } from './not-a-file.js';
import { removeOrphanTemps } from './orphan-temps.js';
import { writeFileAtomic, writeTarget } from './write-file-atomic.js';

/**
 * The one way berth writes a file another berth may write too: under the file's lock (see file-lock.ts),
 * reading the current text under it, and replacing the file atomically. Whatever two berth processes do
 * at once, each one's change is either in the file or reported as not made; none is lost silently.
 */

export interface LockedWriteOptions extends FileLockOptions {
  /** Replace an existing file (default true). Without it an existing file is refused with ERR_BERTH_FILE_EXISTS. */
  overwrite?: boolean;
  /** Create the parent directories first. */
  mkdir?: boolean;
  /** The flag that allows overwriting, named in the refusal's hint (default "--force"). */
  forceFlag?: string;
}

export interface LockedUpdate {
  /** The text before (undefined: there was no file). */
  before: string | undefined;
  /** The text written, or the unchanged text when nothing was written. */
  after: string | undefined;
  written: boolean;
}

/** "x already exists", the one error for a file berth will not overwrite without being told to. */
export function fileExistsError(file: string, options: { forceFlag?: string; hint?: string } = {}): BerthError {
  return new BerthError('ERR_BERTH_FILE_EXISTS', `${file} already exists; not overwriting it`, { hint: options.hint ?? `pass ${options.forceFlag ?? '--force'} to overwrite it` });
}

/** "x changed while berth was reading it": the file is not as berth read it (an editor saved it meanwhile); nothing written. */
export function fileChangedError(file: string): BerthError {
  return new BerthError('ERR_BERTH_FILE_CHANGED', `${file} changed while berth was reading it; nothing written`, { hint: 'run the command again' });
}

/** Writes `text` to `path` under its lock, atomically; refuses an existing file unless `overwrite` (default true). */
export async function writeFileLocked(path: string, text: string, options: LockedWriteOptions = {}): Promise<void> {
  const display = options.display ?? path;
  await updateFileLocked(
    path,
    (current) => {
      if (current !== undefined && options.overwrite === false) throw fileExistsError(display, options);
      return text;
    },
    options,
  );
}

/**
 * Reads `path` under its lock (undefined when missing), passes the text to `update`, and writes what it
 * returns atomically, still under the lock; `undefined` or the same text writes nothing. `update` may throw
 * to refuse (nothing is written). Other berths wait for the lock; a tool that takes none (an editor) and
 * writes the file meanwhile is caught by reading it again just before the write (ERR_BERTH_FILE_CHANGED).
 */
export async function updateFileLocked(named: string, update: (current: string | undefined) => string | undefined | Promise<string | undefined>, options: Omit<LockedWriteOptions, 'overwrite'> = {}): Promise<LockedUpdate> {
  const display = options.display ?? named;
  let path: string;
  try {
    // a link is written through, and locked where it points: two links to one registry take turns
    path = writeTarget(named);
  } catch (err) {
    throw writeError(display, err);
  }
  // a device, socket, pipe or directory is refused before anything is made or locked beside it
  const not = notAFile(path, { pipe: false });
  if (not) throw new BerthError('ERR_BERTH_WRITE', `cannot write ${display}: it is ${not}, not a file`);
  if (options.mkdir) {
    try {
      makeDirs(dirname(path));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      // mkdir's ENOENT under a folder that exists (/proc, some FUSE mounts) is the file system refusing, not a missing parent
      const why = e.code === 'ENOENT' ? 'the file system does not let a folder be made there' : unwritableReason(err);
      throw new BerthError('ERR_BERTH_WRITE', `cannot write ${display}: cannot make the folder ${e.path ?? dirname(path)} (${why})`, { cause: err });
    }
  }
  return withFileLock(
    path,
    async () => {
      const before = readFileIfExists(path, display);
      const after = await update(before);
      if (after === undefined || after === before) return { before, after: before, written: false };
      if (readFileIfExists(path, display) !== before) throw fileChangedError(display);
      // a file made read-only (or in a folder berth cannot write in) is refused, not replaced: the rename of an
      // atomic write needs only the folder's permission, and would quietly override the file's
      const blocked = replaceBlocker(path);
      if (blocked) throw new BerthError('ERR_BERTH_WRITE', `cannot write ${display}: ${blocked}`);
      // a berth killed mid-write (kill -9) left its temporary file beside this one; under the lock, it is nobody's now
      removeOrphanTemps(path);
      try {
        // A file that was not there is created with link semantics: one that appeared meanwhile is not replaced.
        writeFileAtomic(path, after, { overwrite: before !== undefined });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw fileChangedError(display);
        throw writeError(display, err);
      }
      return { before, after, written: true };
    },
    { ...options, display },
  );
}

/**
 * Several files that belong together (an ecosystem's three pages), each updated as updateFileLocked does, with
 * every file's lock held before any is written: another berth holding one of them (a lock that times out, or an
 * abort while waiting) leaves all of them as they were, never some updated and some not. The locks are taken in
 * one order (by the path each is written at), so two berths updating overlapping sets cannot wait on each other
 * forever. `onLocked` runs once, when the last lock is held; `onWait` for each lock found held.
 */
export async function updateFilesLocked(
  files: { path: string; update: (current: string | undefined) => string | undefined | Promise<string | undefined>; display?: string }[],
  options: Omit<LockedWriteOptions, 'overwrite' | 'display'> = {},
): Promise<LockedUpdate[]> {
  const { onLocked, ...each } = options;
  // each file where it is written (a link is written through), resolved once
  const resolved = files.map((f) => {
    const display = f.display ?? f.path;
    try {
      return { ...f, display, target: writeTarget(f.path) };
    } catch (err) {
      throw writeError(display, err);
    }
  });
  const targets = new Map<string, string>();
  for (const { target, display } of resolved) {
    if (options.mkdir) {
      try {
        makeDirs(dirname(target));
      } catch {
        // updateFileLocked says why, below, before anything is written
      }
    }
    if (!targets.has(target)) targets.set(target, display);
  }
  const order = [...targets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const holdAll = async (at: number): Promise<LockedUpdate[]> => {
    if (at < order.length) {
      const [path, display] = order[at]!;
      return withFileLock(path, () => holdAll(at + 1), { ...each, display, ...(at === order.length - 1 && onLocked ? { onLocked } : {}) });
    }
    // Every lock is held. Each file is read and its update made before any is written, so an update that refuses
    // (throws) leaves every file as it was; then each is written as updateFileLocked writes it (its lock is taken
    // again at once: locks are re-entrant), unless it changed since it was read (an editor takes no lock).
    const planned: { before: string | undefined; after: string | undefined }[] = [];
    for (const f of resolved) {
      const before = readFileIfExists(f.target, f.display);
      planned.push({ before, after: await f.update(before) });
    }
    const done: LockedUpdate[] = [];
    for (const [i, f] of resolved.entries()) {
      const { before, after } = planned[i]!;
      const unchanged = (current: string | undefined) => {
        if (current !== before) throw fileChangedError(f.display);
        return after;
      };
      done.push(await updateFileLocked(f.path, unchanged, { ...each, display: f.display }));
    }
    return done;
  };
  if (!order.length) return [];
  return holdAll(0);
}

function writeError(display: string, err: unknown): BerthError {
  return new BerthError('ERR_BERTH_WRITE', `cannot write ${display}: ${unwritableReason(err)}`, { cause: err });
}
