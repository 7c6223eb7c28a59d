import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { IgnoreMatcher, ParentMatches } from './dockerignore.js';

/** One thing of a build context that is sent to the engine. */
export interface ContextEntry {
  /** Slash path relative to the context. */
  path: string;
  kind: 'file' | 'dir' | 'symlink';
  /** Permission bits (`& 0o7777`). */
  mode: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  /** A symlink's target, as written. */
  link?: string;
}

/** A file of the context that cannot be read: Docker refuses such a context too. */
export class UnreadableContextError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read ${file} (${reason})`);
    this.name = 'UnreadableContextError';
  }
}

function entryOf(rel: string, st: Stats, full: string): ContextEntry | undefined {
  const base = { path: rel, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
  if (st.isDirectory()) return { ...base, kind: 'dir', size: 0 };
  if (st.isFile()) return { ...base, kind: 'file', size: st.size };
  if (st.isSymbolicLink()) return { ...base, kind: 'symlink', size: 0, link: readlinkSync(full) };
  return undefined; // sockets, fifos and devices are not part of a build context
}

const reasonOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it disappeared' : ((err as Error).message ?? String(err));
};

/**
 * The entries of a build context as the docker CLI sends them (moby's `TarWithOptions`): a depth-first
 * walk in name order; an ignored file is left out; an ignored directory is left out with everything in it,
 * unless a negation starts with it (`!dir/keep`), when it is walked (but not itself sent). Symlinks are
 * sent as links, never followed. Synchronous: a walk is thousands of small system calls, which the
 * thread pool only slows down.
 */
export function walkContext(root: string, matcher: IgnoreMatcher): ContextEntry[] {
  const out: ContextEntry[] = [];
  const visit = (dirRel: string, parent: ParentMatches) => {
    const dirFull = dirRel ? path.join(root, dirRel) : root;
    let names: string[];
    try {
      names = readdirSync(dirFull).sort();
    } catch (err) {
      throw new UnreadableContextError(dirRel || '.', reasonOf(err));
    }
    for (const name of names) {
      const rel = dirRel ? `${dirRel}/${name}` : name;
      const full = path.join(dirFull, name);
      let st: Stats;
      try {
        st = lstatSync(full);
      } catch (err) {
        throw new UnreadableContextError(rel, reasonOf(err));
      }
      const { ignored, info } = matcher.matchesWith(rel, parent);
      const isDir = st.isDirectory();
      if (ignored) {
        if (isDir && matcher.mustDescend(rel)) visit(rel, info);
        continue;
      }
      const entry = entryOf(rel, st, full);
      if (!entry) continue;
      out.push(entry);
      if (isDir) visit(rel, info);
    }
  };
  visit('', undefined);
  return out;
}
