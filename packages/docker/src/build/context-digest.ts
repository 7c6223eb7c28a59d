import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@berth/spec';
import { UnreadableContextError, type ContextEntry } from './context-walk.js';

/**
 * What a file's content hash was, keyed by what its stat said then: size, mtime, ctime and inode all
 * unchanged means the content is too (git's index works the same way), so a second `berth up` reads
 * no file it read before. A file changed within a second of being hashed is not remembered (its
 * timestamp cannot tell a second change in the same clock tick apart).
 */
export class ContentHashCache {
  private readonly known = new Map<string, string>();
  private readonly fresh = new Map<string, string>();
  private changed = false;

  private constructor(private readonly file: string | undefined) {}

  /** The cache of one context directory under `cacheDir` (nothing is remembered without one). */
  static open(cacheDir: string | undefined, contextDir: string): ContentHashCache {
    if (!cacheDir) return new ContentHashCache(undefined);
    const key = createHash('sha256').update(path.resolve(contextDir)).digest('hex').slice(0, 32);
    const cache = new ContentHashCache(path.join(cacheDir, 'build-contexts', `${key}.json`));
    try {
      const saved = JSON.parse(readFileSync(cache.file!, 'utf8')) as { v?: number; files?: Record<string, string> };
      if (saved.v === 1) for (const [k, v] of Object.entries(saved.files ?? {})) cache.known.set(k, v);
    } catch {
      // no cache yet, or an unreadable one: every file is read
    }
    return cache;
  }

  private static key(e: ContextEntry): string {
    return `${e.path}\0${e.size}\0${e.mtimeMs}\0${e.ctimeMs}\0${e.ino}`;
  }

  get(e: ContextEntry): string | undefined {
    const hash = this.known.get(ContentHashCache.key(e));
    if (hash) this.fresh.set(ContentHashCache.key(e), hash);
    return hash;
  }

  set(e: ContextEntry, hash: string, hashedAt: number): void {
    if (Math.max(e.mtimeMs, e.ctimeMs) > hashedAt - 1000) return;
    this.fresh.set(ContentHashCache.key(e), hash);
    this.changed = true;
  }

  /** Writes what this walk saw (entries of files no longer there are dropped); atomically, and only when something is new. */
  save(): void {
    if (!this.file || (!this.changed && this.fresh.size === this.known.size)) return;
    try {
      writeFileAtomic(this.file, JSON.stringify({ v: 1, files: Object.fromEntries(this.fresh) }), { mkdir: true });
    } catch {
      // a cache that cannot be written only costs the next run its reads
    }
  }
}

/** Where berth keeps what it may recompute: `$XDG_CACHE_HOME/berth`, else `~/.cache/berth`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env['XDG_CACHE_HOME'] || path.join(env['HOME'] || homedir(), '.cache'), 'berth');
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

/** sha256 of a file's content, read in 1 MiB pieces; the size must still be what the walk saw. */
function hashFile(full: string, entry: ContextEntry): string {
  let fd: number;
  try {
    fd = openSync(full, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UnreadableContextError(entry.path, code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it disappeared' : String(code));
  }
  try {
    const hash = createHash('sha256');
    if (entry.size <= 64 * 1024) {
      hash.update(readFileSync(fd));
    } else {
      buffer ??= Buffer.allocUnsafe(CHUNK);
      for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) hash.update(buffer.subarray(0, n));
    }
    if (fstatSync(fd).size !== entry.size) throw new UnreadableContextError(entry.path, 'it changed while berth read it');
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/**
 * The digest of a walked context: for every entry its path, kind, permission bits and content (a file's
 * sha256, a link's target). Owners and timestamps are not part of it (the engine gets files as root, and
 * a touched file builds the same image), so only a change that can change the image changes it.
 */
export function digestContext(root: string, entries: readonly ContextEntry[], cache: ContentHashCache): string {
  const digest = createHash('sha256');
  const now = Date.now();
  for (const e of entries) {
    let content = '';
    if (e.kind === 'file') {
      const known = cache.get(e);
      content = known ?? hashFile(path.join(root, e.path), e);
      if (!known) cache.set(e, content, now);
    } else if (e.kind === 'symlink') content = e.link ?? '';
    digest.update(`${JSON.stringify([e.path, e.kind, e.mode, content])}\n`);
  }
  cache.save();
  return digest.digest('hex');
}
