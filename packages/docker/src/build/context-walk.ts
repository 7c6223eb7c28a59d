import { lstatSync, readdirSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
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

const reasonOf = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it disappeared' : ((err as Error).message ?? String(err));
};

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The entries of a build context as the docker CLI sends them (moby's `TarWithOptions`): a depth-first
 * walk in name order; an ignored file is left out (and never stat-ed); an ignored directory is left out
 * with everything in it, unless a negation starts with it (`!dir/keep`), when it is walked (but not
 * itself sent). Symlinks are sent as links, never followed. Synchronous: in a process that lives for one
 * command, thousands of `lstatSync` calls cost half the CPU of as many thread-pool round trips (measured:
 * 5,000 files, 95 ms against 150-180 ms, and less wall time too).
 */
export function walkContext(root: string, matcher: IgnoreMatcher): ContextEntry[] {
  const out: ContextEntry[] = [];
  const stat = (rel: string, full: string): ContextEntry | undefined => {
    let st: Stats;
    try {
      st = lstatSync(full);
    } catch (err) {
      throw new UnreadableContextError(rel, reasonOf(err));
    }
    const mode = st.mode & 0o7777;
    if (st.isFile()) return { path: rel, kind: 'file', mode, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    if (st.isDirectory()) return { path: rel, kind: 'dir', mode, size: 0, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
    if (st.isSymbolicLink()) return { path: rel, kind: 'symlink', mode, size: 0, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, link: readlinkSync(full) };
    return undefined; // sockets, fifos and devices are not part of a build context
  };
  const visit = (dirRel: string, parent: ParentMatches) => {
    const dirFull = dirRel ? `${root}/${dirRel}` : root;
    let dirents: Dirent[];
    try {
      dirents = readdirSync(dirFull, { withFileTypes: true }).sort(byName);
    } catch (err) {
      throw new UnreadableContextError(dirRel || '.', reasonOf(err));
    }
    for (const dirent of dirents) {
      const rel = dirRel ? `${dirRel}/${dirent.name}` : dirent.name;
      if (!dirent.isDirectory()) {
        // matched before anything is stat-ed: an ignored file costs no system call
        if (matcher.ignores(rel, parent)) continue;
        const entry = stat(rel, `${dirFull}/${dirent.name}`);
        if (entry) out.push(entry);
        continue;
      }
      const { ignored, info } = matcher.matchesWith(rel, parent);
      if (ignored && !matcher.mustDescend(rel)) continue;
      if (!ignored) {
        const entry = stat(rel, `${dirFull}/${dirent.name}`);
        if (entry) out.push(entry);
      }
      visit(rel, info);
    }
  };
  visit('', undefined);
  return out;
}
