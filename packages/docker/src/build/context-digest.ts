import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@berth/spec/fs';
import { UnreadableContextError, type ContextEntry } from './context-walk.js';

/**
 * What a file's content hash was, keyed by what its stat said then: size, mtime, ctime and inode all
 * unchanged means the content is too (git's index works the same way), so a second `berth up` reads
 * no file it read before. A file changed within a second of being hashed is not remembered (its
 * timestamp cannot tell a second change in the same clock tick apart). Beside it, the last digest of
 * the whole context with the digest of its stats: when no stat changed, the file hashes are not even
 * loaded.
 */
export class ContentHashCache {
  /** What the file held last time, as parsed (on first use): looked up where it lies, never copied into a Map. */
  private known: Record<string, string> | undefined;
  private knownCount = 0;
  /** Keys of this walk found in `known`, and hashes new to it. */
  private readonly hits: string[] = [];
  private readonly added = new Map<string, string>();

  private constructor(private readonly file: string | undefined) {}

  /** The cache of one context directory under `cacheDir` (nothing is remembered without one). */
  static open(cacheDir: string | undefined, contextDir: string): ContentHashCache {
    if (!cacheDir) return new ContentHashCache(undefined);
    const key = createHash('sha256').update(path.resolve(contextDir)).digest('hex').slice(0, 32);
    return new ContentHashCache(path.join(cacheDir, 'build-contexts', key));
  }

  private static read<T>(file: string): T | undefined {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      return undefined; // no cache yet, or an unreadable one: it is recomputed
    }
  }

  private write(suffix: string, value: unknown): void {
    try {
      writeFileAtomic(`${this.file!}${suffix}`, JSON.stringify(value), { mkdir: true });
    } catch {
      // a cache that cannot be written only costs the next run its reads
    }
  }

  /** What identifies a file's content without reading it. */
  static key(e: ContextEntry): string {
    return `${e.path}\0${e.size}\0${e.mtimeMs}\0${e.ctimeMs}\0${e.ino}`;
  }

  /** The context's digest when it was last taken with these stats. */
  recall(stats: string): string | undefined {
    if (!this.file) return undefined;
    const saved = ContentHashCache.read<{ v?: number; stats?: string; digest?: string }>(`${this.file}.sum.json`);
    return saved?.v === 1 && saved.stats === stats && typeof saved.digest === 'string' ? saved.digest : undefined;
  }

  remember(stats: string, digest: string): void {
    if (this.file) this.write('.sum.json', { v: 1, stats, digest });
  }

  get(key: string): string | undefined {
    if (!this.known) {
      const saved = this.file ? ContentHashCache.read<{ v?: number; n?: number; files?: Record<string, string> }>(`${this.file}.json`) : undefined;
      const fits = saved?.v === 2 && saved.files && typeof saved.n === 'number';
      this.known = fits ? saved.files! : {};
      this.knownCount = fits ? saved.n! : 0;
    }
    const hash = Object.hasOwn(this.known, key) ? this.known[key] : undefined;
    if (hash) this.hits.push(key);
    return hash;
  }

  set(key: string, e: ContextEntry, hash: string, hashedAt: number): void {
    if (Math.max(e.mtimeMs, e.ctimeMs) > hashedAt - 1000) return;
    this.added.set(key, hash);
  }

  /** Writes what this walk saw (files no longer there are dropped); atomically, and only when something changed. */
  save(): void {
    if (!this.file || (!this.added.size && this.hits.length === this.knownCount)) return;
    const files: Record<string, string> = {};
    for (const key of this.hits) files[key] = this.known![key]!;
    for (const [key, hash] of this.added) files[key] = hash;
    this.write('.json', { v: 2, n: this.hits.length + this.added.size, files });
  }
}

/**
 * Where berth keeps what it may recompute: `$XDG_CACHE_HOME/berth`, else `~/.cache/berth`. A relative XDG_CACHE_HOME
 * is ignored, as the XDG spec asks and as the launcher's caches do (bin/fast-path.cjs): it would put the cache in
 * whatever folder berth runs from, a project's included.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CACHE_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || homedir(), '.cache'), 'berth');
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

/**
 * sha256 of a file's content, read synchronously in 1 MiB pieces into one reused buffer: for thousands of
 * small files three system calls each, and no allocation, beat the thread pool's four round trips a file.
 * The size must still be what the walk saw.
 */
function hashFile(full: string, entry: ContextEntry): string {
  let fd: number;
  try {
    fd = openSync(full, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UnreadableContextError(entry.path, code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it disappeared' : String(code));
  }
  try {
    buffer ??= Buffer.allocUnsafe(CHUNK);
    const hash = createHash('sha256');
    let size = 0;
    for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) {
      hash.update(buffer.subarray(0, n));
      size += n;
    }
    if (size !== entry.size) throw new UnreadableContextError(entry.path, 'it changed while berth read it');
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** What stands for the content of an entry that is no file: a link's target (as JSON), a device's numbers. */
function specialContent(e: ContextEntry): string {
  if (e.kind === 'symlink') return JSON.stringify(e.link ?? '');
  return e.device ? `${e.device.major},${e.device.minor}` : '';
}

/**
 * The digest of a walked context: for every entry its path, kind, permission bits and content (a file's
 * sha256, a link's target, a device's numbers). Owners and timestamps are not part of it (the engine gets files as root, and
 * a touched file builds the same image), so only a change that can change the image changes it.
 */
export function digestContext(root: string, entries: readonly ContextEntry[], cache: ContentHashCache): string {
  const now = Date.now();
  // what the walk saw, file contents by their stats: the same as last time, the digest is too (one text, one
  // update: thousands of small updates cost a cold process more than the hashing)
  const lines: string[] = new Array(entries.length);
  let settled = true;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.kind === 'file') {
      lines[i] = `${ContentHashCache.key(e)}\0${e.mode}\n`;
      if (Math.max(e.mtimeMs, e.ctimeMs) > now - 1000) settled = false;
    } else lines[i] = `${e.path}\0${e.kind}\0${e.mode}\0${specialContent(e)}\n`;
  }
  const statsDigest = createHash('sha256').update(lines.join('')).digest('hex');
  const recalled = cache.recall(statsDigest);
  if (recalled) return recalled;

  const digest = createHash('sha256');
  for (const e of entries) {
    let content = '';
    if (e.kind === 'file') {
      const key = ContentHashCache.key(e);
      const known = cache.get(key);
      content = known ?? hashFile(`${root}/${e.path}`, e);
      if (!known) cache.set(key, e, content, now);
    } else content = specialContent(e);
    // a path holds no NUL and a content no newline (a hash, or a link target as JSON), so one set of entries gives one text
    digest.update(`${e.path}\0${e.kind}\0${e.mode}\0${content}\n`);
  }
  cache.save();
  const result = digest.digest('hex');
  // a file changed within the last second may change again unseen by its stats: then nothing is remembered
  if (settled) cache.remember(statsDigest, result);
  return result;
}
