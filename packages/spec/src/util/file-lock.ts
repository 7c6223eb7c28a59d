import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { crypto, timersPromises } from './builtins.js';
import { BerthError } from '../problem.js';
import { formatDuration } from '../format/duration.js';
import { makeDirs } from './make-dirs.js';
import { unwritableReason } from './not-a-file.js';

/**
 * Cross-process locks on files berth writes (the port registry, the spec, generated pages) and on named
 * resources (a project on an engine).
 *
 * A lock is a file created with O_EXCL that holds its owner: pid, host, the process's start time, the
 * command and when it took the lock. It is released by removing it; an owner that dies leaves it behind,
 * and the next taker finds it stale (that pid is gone from this host, or is now another process) and takes
 * it over. Two takers of one stale lock cannot both win: removing it first needs a guard file named after
 * that exact lock file (its inode and content), created with O_EXCL, so only one taker removes it, and only
 * after checking, under the guard, that it is still the stale one; then everybody races for the lock itself
 * with O_EXCL again. A lock held on another host is never taken over (its pid cannot be checked from here).
 */

export interface FileLockOptions {
  /** How long to wait for another holder before giving up with ERR_BERTH_LOCKED (default 10 s). */
  timeoutMs?: number;
  /** Aborting stops the wait at once (the AbortSignal's reason is thrown). */
  signal?: AbortSignal;
  /** What the holder is doing, shown to whoever waits: "registering web's ports". */
  purpose?: string;
  /** The target as messages name it (default: the path given). */
  display?: string;
  /** Called once when the lock is found held by someone else, before waiting (progress: "waiting for ..."). */
  onWait?: (holder: LockHolder) => void;
  /** Called once the lock is held, before `fn` runs (the CLI gives signals back their default action there); what it throws ends the run, the lock released. */
  onLocked?: () => void;
}

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The holder's command line, flags left out (they may carry values). */
  command: string;
  purpose?: string;
  /** The holder process's start time in clock ticks since boot (Linux), so a reused pid is not mistaken for it. */
  processStart?: string;
  /**
   * The holder's PID namespace (Linux: `pid:[4026531836]`), so a berth in a container that shares the host's name
   * (`--network host`) is not taken for a process of this one: its pid means nothing here.
   */
  pidNamespace?: string;
  /** The kernel's boot id (Linux): a holder from before a reboot is gone, whatever its pid. */
  bootId?: string;
  /** Unique to this acquisition: release removes the file only while it is still this one. */
  nonce: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** A lock file that cannot be read as a holder (a holder killed between creating and writing it) is stale after this. */
const UNREADABLE_STALE_MS = 2_000;

/** The lock file that guards `target`: `<target>.lock` beside it. */
export function lockFileFor(target: string): string {
  return `${resolve(target)}.lock`;
}

/**
 * Runs `fn` holding the lock on `target` (a file berth writes; the lock file sits beside it). Waits for
 * another holder with backoff up to `timeoutMs`, then throws ERR_BERTH_LOCKED naming the holder.
 * Re-entrant within one async call chain: a nested lock on the same target runs `fn` at once.
 */
export function withFileLock<T>(target: string, fn: () => Promise<T> | T, options: FileLockOptions = {}): Promise<T> {
  return withLockPath(lockFileFor(target), fn, { display: options.display ?? target, ...options });
}

/**
 * Runs `fn` holding a lock that is not a file's: a name such as "project semops-data on unix:///var/run/docker.sock".
 * The lock file lives in this user's runtime directory (`$XDG_RUNTIME_DIR/berth/locks`, else `<tmpdir>/berth-<uid>/locks`).
 */
export function withNamedLock<T>(name: string, fn: () => Promise<T> | T, options: FileLockOptions & { env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  return withLockPath(namedLockFile(name, options.env), fn, { display: options.display ?? name, ...options });
}

/** Where the lock named `name` lives: a readable stem of the name plus a hash of all of it, so distinct names never share a file. */
export function namedLockFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const stem = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = crypto().createHash('sha256').update(name).digest('hex').slice(0, 12);
  return join(runtimeLockDir(env), `${stem}-${hash}.lock`);
}

/**
 * This user's directory for named locks, created (mode 0700) when missing. A directory under the shared
 * tmpdir is refused when it is not ours or is a symbolic link: another user must not be able to plant it.
 * One that cannot be made (a file planted in its place, a read-only or full tmpdir) is refused the same way,
 * with why: ERR_BERTH_LOCK_DIR, exit 2.
 */
export function runtimeLockDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.();
  const runtime = env.XDG_RUNTIME_DIR && isOwnDir(env.XDG_RUNTIME_DIR, uid) ? join(env.XDG_RUNTIME_DIR, 'berth') : join(tmpdir(), `berth-${uid ?? 'user'}`);
  const notOurs = (cause?: unknown) =>
    new BerthError('ERR_BERTH_LOCK_DIR', `${runtime} is not a directory owned by this user; berth keeps its locks there`, { cause, hint: `remove it, or set XDG_RUNTIME_DIR to a directory of yours` });
  const made = (dir: string) => {
    try {
      makeDirs(dir, 0o700);
    } catch (err) {
      // a file (or a link to one) in its place is the planted case the ownership check refuses
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR' && !isOwnDir(runtime, uid)) throw notOurs(err);
      throw new BerthError('ERR_BERTH_LOCK_DIR', `${(err as NodeJS.ErrnoException).path ?? dir} cannot be made (${unwritableReason(err)}); berth keeps its locks there`, {
        cause: err,
        hint: 'set XDG_RUNTIME_DIR (or TMPDIR) to a directory of yours that berth can write',
      });
    }
  };
  made(runtime);
  if (!isOwnDir(runtime, uid)) throw notOurs();
  const dir = join(runtime, 'locks');
  made(dir);
  return dir;
}

function isOwnDir(path: string, uid: number | undefined): boolean {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && (uid === undefined || st.uid === uid);
  } catch {
    return false;
  }
}

// The lock files this async call chain holds (for re-entry), and those this process holds (removed on exit).
const heldHere = new AsyncLocalStorage<ReadonlySet<string>>();
const heldByProcess = new Map<string, string>();
let exitHookInstalled = false;

async function withLockPath<T>(lockPath: string, fn: () => Promise<T> | T, options: FileLockOptions & { display: string }): Promise<T> {
  const chain = heldHere.getStore();
  if (chain?.has(lockPath)) return fn();
  const nonce = await acquire(lockPath, options);
  try {
    options.onLocked?.();
    return await heldHere.run(new Set([...(chain ?? []), lockPath]), fn);
  } finally {
    release(lockPath, nonce);
  }
}

async function acquire(lockPath: string, options: FileLockOptions & { display: string }): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const started = Date.now();
  const me = describeSelf(options.purpose);
  const content = `${JSON.stringify(me)}\n`;
  let delay = 5;
  let told = false;
  let lastHolder: LockHolder | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    if (tryCreate(lockPath, content)) {
      heldByProcess.set(lockPath, me.nonce);
      installExitHook();
      return me.nonce;
    }
    const found = readLock(lockPath);
    if (!found) continue; // released meanwhile: try again at once
    if (isStale(found)) {
      if (removeStale(lockPath, found, 0)) continue;
    } else if (found.holder) {
      lastHolder = found.holder;
      if (!told) {
        told = true;
        options.onWait?.(found.holder);
      }
    }
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) throw lockedError(lockPath, options.display, lastHolder, timeoutMs);
    // Backoff with jitter, so a crowd of waiters does not retry in step.
    await timersPromises().setTimeout(Math.min(left, delay * (0.5 + Math.random())), undefined, options.signal ? { signal: options.signal } : {});
    delay = Math.min(delay * 2, 200);
  }
}

/** Creates the lock file with O_EXCL and writes the holder into it; false when it exists. */
function tryCreate(lockPath: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw lockFailure(lockPath, err);
  }
  try {
    writeSync(fd, content);
  } catch (err) {
    // a full disk lets the file be made but not written: an empty lock of ours must not stay behind
    closeSync(fd);
    unlinkQuietly(lockPath);
    throw lockFailure(lockPath, err);
  }
  closeSync(fd);
  return true;
}

interface FoundLock {
  raw: string;
  ino: number;
  mtimeMs: number;
  holder?: LockHolder;
}

/** The lock file as it is now, or undefined when there is none. */
function readLock(lockPath: string): FoundLock | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lockFailure(lockPath, err);
  }
  try {
    const st = fstatSync(fd);
    const raw = readFileSync(fd, 'utf8');
    return { raw, ino: st.ino, mtimeMs: st.mtimeMs, ...parseHolder(raw) };
  } finally {
    closeSync(fd);
  }
}

function parseHolder(raw: string): { holder?: LockHolder } {
  try {
    const h = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.hostname === 'string' && typeof h.nonce === 'string') {
      const optional = (key: 'purpose' | 'processStart' | 'pidNamespace' | 'bootId') => (h[key] ? { [key]: String(h[key]) } : {});
      return { holder: { pid: h.pid, hostname: h.hostname, since: String(h.since ?? ''), command: String(h.command ?? ''), nonce: h.nonce, ...optional('purpose'), ...optional('processStart'), ...optional('pidNamespace'), ...optional('bootId') } };
    }
  } catch {
    // not (yet) a whole holder
  }
  return {};
}

/**
 * Stale: its holder is gone from this host (or the pid now belongs to another process), this host booted since it
 * took the lock, or it never said who holds it. A holder on another host, or in another PID namespace of this one (a
 * container with the host's name), is never judged from here: its pid is not one this process can ask about.
 */
function isStale(found: FoundLock): boolean {
  const h = found.holder;
  if (!h) return Date.now() - found.mtimeMs > UNREADABLE_STALE_MS;
  if (h.hostname !== hostname()) return false;
  const self = thisProcess();
  if (h.bootId && self.bootId && h.bootId !== self.bootId) return true;
  if (!samePidNamespace(h)) return false;
  return !processAlive(h.pid, h.processStart);
}

/** Whether the holder's pid is one of this PID namespace (a holder that did not say, from an older berth, is taken to be). */
function samePidNamespace(h: LockHolder): boolean {
  const mine = thisProcess().pidNamespace;
  return !h.pidNamespace || !mine || h.pidNamespace === mine;
}

let self: { pidNamespace?: string; bootId?: string } | undefined;
/** This process's PID namespace and the kernel's boot id, read once (Linux; neither elsewhere). */
function thisProcess(): { pidNamespace?: string; bootId?: string } {
  if (!self) {
    const read = (f: () => string) => {
      try {
        return f().trim() || undefined;
      } catch {
        return undefined;
      }
    };
    const pidNamespace = read(() => readlinkSync('/proc/self/ns/pid'));
    const bootId = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
    self = { ...(pidNamespace ? { pidNamespace } : {}), ...(bootId ? { bootId } : {}) };
  }
  return self;
}

function processAlive(pid: number, processStart?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (processStart === undefined) return true;
  const now = processStartOf(pid);
  return now === undefined || now === processStart;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot; undefined off Linux. */
function processStartOf(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Removes the stale lock `found` unless someone else is already doing so. The guard that makes one taker
 * win is named after this exact lock file (inode and content), so it can only ever guard this removal;
 * a guard left by a taker that died is itself stale and is taken over the same way.
 * True when the stale lock is gone (by us or by someone else), false when another taker is on it.
 */
function removeStale(lockPath: string, found: FoundLock, depth: number): boolean {
  const id = crypto().createHash('sha256').update(`${found.ino}\0${found.raw}`).digest('hex').slice(0, 16);
  const guard = `${lockPath}.takeover-${id}`;
  if (!tryCreate(guard, `${JSON.stringify(describeSelf('taking over a stale lock'))}\n`)) {
    const other = readLock(guard);
    if (other && depth < 4 && isStale(other)) removeStale(guard, other, depth + 1);
    return false;
  }
  try {
    const now = readLock(lockPath);
    if (now && now.ino === found.ino && now.raw === found.raw && isStale(now)) unlinkQuietly(lockPath);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

function release(lockPath: string, nonce: string): void {
  heldByProcess.delete(lockPath);
  const now = readLockQuietly(lockPath);
  if (now?.holder?.nonce === nonce) unlinkQuietly(lockPath);
}

function readLockQuietly(lockPath: string): FoundLock | undefined {
  try {
    return readLock(lockPath);
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** A process that exits through process.exit while holding locks lets go of them (a killed one leaves them stale). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [path, nonce] of heldByProcess) release(path, nonce);
  });
}

function describeSelf(purpose: string | undefined): LockHolder {
  const start = processStartOf('self');
  return {
    pid: process.pid,
    hostname: hostname(),
    since: new Date().toISOString(),
    command: commandLine(),
    ...(purpose ? { purpose } : {}),
    ...(start ? { processStart: start } : {}),
    ...thisProcess(),
    nonce: crypto().randomBytes(8).toString('hex'),
  };
}

/** `berth ports register web`: the program and its words up to the first flag (flag values may be secrets). */
function commandLine(argv: readonly string[] = process.argv): string {
  const script = argv[1] ? basename(argv[1]).replace(/\.[cm]?[jt]s$/, '') : basename(argv[0] ?? 'node');
  const words: string[] = [];
  for (const a of argv.slice(2)) {
    if (a.startsWith('-') || words.length >= 6) break;
    words.push(a.length > 40 ? `${a.slice(0, 37)}...` : a);
  }
  return [script, ...words].join(' ');
}

/**
 * Where a lock's holder runs, as the waiting line and the error say it: `pid 41`, `pid 7 on host build-2`, or `pid 1
 * in another PID namespace (a container)` when it shares this host's name but not its pids.
 */
export function lockHolderPlace(holder: LockHolder): string {
  if (holder.hostname !== hostname()) return `pid ${holder.pid} on host ${holder.hostname}`;
  return samePidNamespace(holder) ? `pid ${holder.pid}` : `pid ${holder.pid} in another PID namespace (a container)`;
}

function lockedError(lockPath: string, display: string, holder: LockHolder | undefined, timeoutMs: number): BerthError {
  const waited = `waited ${formatDuration(timeoutMs)}`;
  if (!holder) {
    return new BerthError('ERR_BERTH_LOCKED', `${display} is locked (${lockPath}); ${waited}`, { hint: `if no berth is running, remove ${lockPath}` });
  }
  const since = holder.since ? `, since ${holder.since} (${formatDuration(Math.max(0, Date.now() - Date.parse(holder.since)))} ago)` : '';
  const doing = holder.purpose ? `, ${holder.purpose}` : '';
  const local = holder.hostname === hostname() && samePidNamespace(holder);
  return new BerthError('ERR_BERTH_LOCKED', `${display} is locked by ${lockHolderPlace(holder)} ("${holder.command}"${doing}${since}); ${waited}`, {
    hint: local
      ? `wait for it to finish, or stop it (kill ${holder.pid}); a lock whose process is gone is taken over by itself`
      : `a lock held on another host or in a container is never taken over; if nothing runs there any more, remove ${lockPath}`,
  });
}

function lockFailure(lockPath: string, err: unknown): BerthError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new BerthError('ERR_BERTH_NO_DIR', `${dirname(lockPath)}: no such directory`, { cause: err });
  return new BerthError('ERR_BERTH_LOCK_FAILED', `cannot lock ${lockPath}: ${unwritableReason(err)}`, { cause: err, hint: code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'berth needs to write beside the file it changes' : undefined });
}
