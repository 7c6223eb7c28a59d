import { chmodSync, closeSync, fchownSync, fsyncSync, linkSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { crypto } from './builtins.js';
import { makeDirs } from './make-dirs.js';

export interface WriteFileAtomicOptions {
  /** Replace an existing file (default). Without it, a file that exists, or appears meanwhile, fails with EEXIST. */
  overwrite?: boolean;
  /** Create the parent directories first. */
  mkdir?: boolean;
  /** The written file's permission bits (default: the replaced file's, else 0o666 less the umask, as any new file), set before it takes the name. */
  mode?: number;
}

/** How many links a path may go through before it is a loop (Linux's own limit, MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * The file a write of `path` lands in: where its symbolic link (or chain of links) points, as `echo > path`, editors
 * and npm's write-file-atomic write; `path` itself when it is no link. A link that points nowhere yet is followed
 * too: the write creates its target. Without this, the rename of an atomic write would replace the link with a
 * plain file, and a registry linked in from another repo would silently stop being shared. Throws ELOOP for a loop.
 */
export function writeTarget(path: string): string {
  let at = path;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let link: string;
    try {
      link = readlinkSync(at);
    } catch {
      return at; // not a link (EINVAL), or nothing there yet (ENOENT): write here
    }
    // a relative target is relative to the folder the link really is in: the kernel resolves `..` there, not in
    // the path as written (which may reach the link through a linked folder)
    at = resolve(realpathSync(dirname(at)), link);
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP', path });
}

/** The temporary file of one atomic write of `path`, beside it: `.<name>.<pid>.<8 hex digits>.tmp`. */
export function atomicTempFile(path: string, pid: number = process.pid): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${crypto().randomBytes(4).toString('hex')}.tmp`);
}

/** The pid of the writer whose atomic write of `path` the file NAME (in the same folder) is the temporary file of; undefined for any other name. */
export function atomicTempWriter(path: string, name: string): number | undefined {
  const prefix = `.${basename(path)}.`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^([1-9]\d{0,9})\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
  return m ? Number(m[1]) : undefined;
}

/**
 * A file replaced by root (sudo, a root container on a bind mount) keeps its owner and group, as npm's
 * write-file-atomic keeps them: else the user's own registry would become root's, and unreadable to them. Only root
 * can give a file away; for anyone else the new file is theirs, as it is when they write any file.
 */
function keepOwner(fd: number, replaced: { uid: number; gid: number } | undefined): void {
  if (!replaced || process.getuid?.() !== 0) return;
  if (replaced.uid === 0 && replaced.gid === (process.getgid?.() ?? 0)) return;
  try {
    fchownSync(fd, replaced.uid, replaced.gid);
  } catch {
    // a file system that keeps no owners (a FAT or SMB mount): the file is written all the same
  }
}

/**
 * Writes `text` to `path` so that a reader sees either the old file or the whole new one, never half:
 * a temporary file in the same directory, flushed, then renamed over the target (or, when not
 * overwriting, hard-linked into place, which fails if the target exists). An existing file keeps its mode (and,
 * written by root, its owner); a new one gets the umask's; a
 * symbolic link keeps pointing where it did, and the file it points to is the one replaced (writeTarget).
 * Throws the file system's error; the temporary file never stays behind.
 */
export function writeFileAtomic(linkOrPath: string, text: string, options: WriteFileAtomicOptions = {}): void {
  // a link whose folder is missing is no link yet: the target's folder is the one to make
  const path = writeTarget(linkOrPath);
  if (options.mkdir) makeDirs(dirname(path));
  const tmp = atomicTempFile(path);
  const replaced = statSync(path, { throwIfNoEntry: false });
  // the replaced file's bits as they are; a new file's as the umask makes them (open applies it, a chmod would not)
  const mode = options.mode ?? (replaced ? replaced.mode & 0o777 : undefined);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode ?? 0o666);
    writeSync(fd, text);
    fsyncSync(fd);
    keepOwner(fd, replaced);
    closeSync(fd);
    fd = undefined;
    if (mode !== undefined) chmodSync(tmp, mode);
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
