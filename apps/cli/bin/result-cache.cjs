// The answer of a pure command, kept for its next run with the same inputs (as `eslint --cache`, `tsc --build` or
// Nx's task cache keep theirs): `berth validate` run again on specs nobody changed prints what it printed last time
// without loading the CLI, so a repeated run (a pre-commit hook, an editor, a script) costs little more than
// `node -e 0`. A run whose inputs changed is an ordinary run, and keeps its answer for the next one.
//
// What a run depended on is not declared but observed, so nothing can be forgotten: while the fast path runs a
// command named in PURE, every read it makes of the file system (read, stat, lstat, exists, readdir, realpath,
// access; sync or promises) is noted with what it saw: for a file read, its stat (size, mtime, ctime, inode,
// device, mode), as git's index and ccache's direct mode keep theirs; for the others, the stat fields, the names,
// the path or the error code. The key of the answer covers the rest of the process's inputs: the build of the fast
// path, this Node, the arguments, the working folder, the whole environment, Node's own flags and which of stdin,
// stdout and stderr are terminals (and how wide). A later run with the same key replays the answer only when every
// noted read still sees the same thing; any difference, a missing or unreadable entry, is only a normal run.
//
// A run is kept only when it was pure and finished: it wrote nothing, opened no file by descriptor, started no
// process, touched no socket, read no stdin and asked the host nothing (os: hostname, interfaces, load), its command
// returned (no uncaught error, no process.exit), its exit code is one the spec commands document (0, 1, 2), and
// every file it read had been left alone for SETTLED_MS before it started (a file written in the same tick of the
// file system's clock as a later change would show the same times: git calls that "racily clean"). Anything else
// marks the run, and nothing is kept (BERTH_DEBUG says why). BERTH_RESULT_CACHE=0 turns the cache off.
//
// The entries live in cacheDir()/results/<node>/<build>/<inputs hash>.json, 0600, written through a temporary file and a
// rename (a reader sees a whole entry or none; two runs keeping the same key both write a valid one, so no lock is
// needed); the folder keeps the newest MAX_ENTRIES per build, and removes another build's folder unused for a week.
// An entry holds paths, stat fields, names and what the command printed (which berth keeps free of secrets), never
// a file's content or an environment value; its name is a 106-bit hash of the inputs (cyrb53, twice). The replay
// loads neither node:crypto (8 ms of a cold Node 20; a SHA-256 in JavaScript cost 16, run in the interpreter) nor
// node:tty and a stream for stdout unless stdout is a terminal (node:tty loads node:net: 5 ms more): it writes the
// answer with fs.writeSync.
'use strict';
const fs = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { buildIdOf, makeDirs } = require('./fast-path.cjs');

/** Command words whose runs may be kept: they only read the spec's files and the environment, and print. */
const PURE = new Set(['validate', 'ports', 'env', 'docs', 'schema']);
/** Exit codes a kept answer may have: ok, findings, bad input (apps/cli/src/exit-codes.ts). */
const KEPT_EXIT_CODES = new Set([0, 1, 2]);
/** How long a file must have been left alone before a run that read it is kept (covers a 2 s FAT clock). */
const SETTLED_MS = 3000;
const MAX_ENTRIES = 256;
const STALE_BUILD_MS = 7 * 24 * 3600_000;
/** Node's modules that reach outside the process (other processes, the network). */
const OUTWARD = ['child_process', 'net', 'dgram', 'http', 'https', 'http2', 'tls', 'worker_threads', 'cluster', 'inspector'];
const FORMAT = 1;

// The originals, taken before any tracing: replay and the writes of the cache itself use these.
const real = {
  readFileSync: fs.readFileSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  existsSync: fs.existsSync,
  readdirSync: fs.readdirSync,
  realpathSync: fs.realpathSync,
  realpathNative: fs.realpathSync.native,
  accessSync: fs.accessSync,
  fstatSync: fs.fstatSync,
  writeSync: fs.writeSync,
  writeFileSync: fs.writeFileSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  rmSync: fs.rmSync,
};

/** What a stat says about a file's identity and content, as a string. */
const statFields = (s) => `${s.mode}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}:${s.dev}:${s.nlink}:${s.uid}:${s.gid}:${s.rdev}`;
/** A stat's answer (undefined with `throwIfNoEntry: false`). */
const statSeen = (s) => (s === undefined ? 'none' : statFields(s));
const direntType = (e) => (e.isFile() ? 'f' : e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'o');
const failure = (err) => `error:${err && err.code ? err.code : 'unknown'}`;

/**
 * What each kind of read saw, as a string: `saw(value)` from what the run got, `again(path, options)` by looking
 * again now. A file read is seen through its stat (the run takes it right after the read: startTrace), so a
 * replay reads no content.
 */
const READS = {
  read: {
    again: (path, options, before) => {
      if (!before.startsWith('error:')) return statFields(real.statSync(path));
      real.readFileSync(path, options); // it failed before: the same failure, or it reads now (a change)
      return 'read';
    },
  },
  stat: { saw: statSeen, again: (path, options) => statSeen(real.statSync(path, options)) },
  lstat: { saw: statSeen, again: (path, options) => statSeen(real.lstatSync(path, options)) },
  exists: { saw: (v) => String(v), again: (path) => String(real.existsSync(path)) },
  readdir: {
    saw: (v) => JSON.stringify(v.map((e) => (typeof e === 'string' ? e : Buffer.isBuffer(e) ? e.toString('hex') : [e.name, e.parentPath ?? e.path, direntType(e)]))),
    again: (path, options) => READS.readdir.saw(real.readdirSync(path, options)),
  },
  realpath: { saw: (v) => String(v), again: (path, options) => String(real.realpathSync(path, options)) },
  realpathNative: { saw: (v) => String(v), again: (path, options) => String(real.realpathNative(path, options)) },
  access: { saw: () => 'ok', again: (path, mode) => (real.accessSync(path, mode), 'ok') },
};

/**
 * cyrb53 (a public-domain 53-bit string hash by bryc): two seeds give the 106 bits that name an entry. Not a
 * cryptographic hash, and it needs not be one: it tells apart the inputs of one user's runs, and runs in the
 * interpreter in a fraction of a millisecond.
 */
function cyrb53(text, seed) {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The name of the entry for INPUTS. */
const entryName = (inputs) => `${cyrb53(inputs, 1)}-${cyrb53(inputs, 2)}`;

/**
 * Whether FD is a terminal, and how wide: -1 when it is not. Only a character device can be one, and the commonest
 * is /dev/null (a script's or a hook's stdin), so pipes, files and /dev/null are told apart by a stat, without
 * node:tty (which loads node:net).
 */
function terminal(fd) {
  try {
    const stat = real.fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === devNull()) return -1;
  } catch {
    return -1;
  }
  if (!require('node:tty').isatty(fd)) return -1;
  return fd === 0 ? 0 : ((fd === 1 ? process.stdout : process.stderr).columns ?? 0);
}

let nullDevice;
const devNull = () => {
  if (nullDevice === undefined) {
    try {
      nullDevice = real.statSync('/dev/null').rdev;
    } catch {
      nullDevice = -1;
    }
  }
  return nullDevice;
};

/** Everything about this process, besides the files it reads, that its answer may depend on. */
function processInputs({ argv, cwd, env, runtime, build }) {
  return JSON.stringify([
    FORMAT,
    runtime,
    build,
    argv,
    cwd,
    process.execArgv,
    Object.keys(env)
      .sort()
      .map((k) => [k, env[k]]),
    terminal(0),
    terminal(1),
    terminal(2),
  ]);
}

/** Writes all of DATA to FD, waiting out a full non-blocking pipe; a reader that went away (EPIPE) ends the run quietly. */
function writeAll(fd, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  for (let at = 0; at < bytes.length; ) {
    try {
      at += real.writeSync(fd, bytes, at, bytes.length - at);
    } catch (err) {
      if (err.code === 'EPIPE') process.exit(0);
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * The result cache for one run of the launcher, or undefined where it does not apply (not a PURE command, turned
 * off, no build id). `replay()` answers from a kept entry (true) or does nothing (false); `record()` starts noting
 * what the run reads and prints, and `finished()` (once the command returned) keeps the entry when the process
 * exits, if the run stayed pure.
 */
function resultCache({ command, argv, fastFile, runtime, cacheDir, env = process.env, cwd = process.cwd() }) {
  if (!PURE.has(command) || env.BERTH_RESULT_CACHE === '0') return undefined;
  const build = buildIdOfFile(fastFile);
  if (!build) return undefined;
  const buildDir = join(cacheDir, 'results', runtime, build);
  const inputs = processInputs({ argv, cwd, env, runtime, build });
  const entryFile = join(buildDir, `${entryName(inputs)}.json`);

  function replay() {
    const entry = readEntry(entryFile);
    if (!entry) return false;
    for (const [op, path, options, before] of entry.reads) if (seenAgain(op, path, options ?? undefined, before) !== before) return false;
    for (const [fd, encoding, data] of entry.output) writeAll(fd, encoding === 'b' ? Buffer.from(data, 'base64') : data);
    process.exitCode = entry.exitCode;
    return true;
  }

  function record() {
    const startedAt = Date.now();
    const trace = startTrace();
    return {
      /** The command returned: stop tracing and, at exit, keep its answer if the run stayed pure and its files settled. */
      finished() {
        const run = trace.stop();
        const unsettled = run.reads.find((r) => r.settledAt > startedAt - SETTLED_MS);
        const notKept = run.impure || (unsettled && `${unsettled.path} changed less than ${SETTLED_MS / 1000} s before the run`);
        if (notKept) {
          if (env.BERTH_DEBUG) process.stderr.write(`berth: this run's answer is not kept (result cache): ${notKept}\n`);
          return;
        }
        process.once('exit', (code) => {
          if (!KEPT_EXIT_CODES.has(code)) return;
          const reads = run.reads.map(({ op, path, options, seen }) => [op, path, options ?? null, seen]);
          keep(entryFile, buildDir, { format: FORMAT, reads, output: run.output, exitCode: code });
        });
      },
    };
  }

  return { replay, record };
}

/** The entry in FILE when it is there and whole (every field of the shape keep() writes), else undefined. */
function readEntry(file) {
  let entry;
  try {
    entry = JSON.parse(real.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const isRead = (r) => Array.isArray(r) && r.length === 4 && Object.hasOwn(READS, r[0]) && typeof r[1] === 'string' && typeof r[3] === 'string';
  const isOutput = (o) => Array.isArray(o) && o.length === 3 && (o[0] === 1 || o[0] === 2) && (o[1] === 's' || o[1] === 'b') && typeof o[2] === 'string';
  const whole =
    entry !== null &&
    typeof entry === 'object' &&
    entry.format === FORMAT &&
    KEPT_EXIT_CODES.has(entry.exitCode) &&
    Array.isArray(entry.reads) &&
    entry.reads.every(isRead) &&
    Array.isArray(entry.output) &&
    entry.output.every(isOutput);
  return whole ? entry : undefined;
}

/** What OP on PATH sees now, as READS says (an error as its code). */
function seenAgain(op, path, options, before) {
  try {
    return READS[op].again(path, options, before);
  } catch (err) {
    return failure(err);
  }
}

/** Writes ENTRY atomically (0600), then trims the folder and removes stale builds' folders; errors cost only the entry. */
function keep(file, buildDir, entry) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDirs(buildDir, 0o700);
    real.writeFileSync(tmp, JSON.stringify(entry), { mode: 0o600 });
    real.renameSync(tmp, file);
  } catch {
    try {
      real.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    return;
  }
  try {
    // another build's folder (another install of berth, or the one before an upgrade) goes once it is unused for a week
    const runtimeDir = dirname(buildDir);
    for (const other of real.readdirSync(runtimeDir)) {
      const path = join(runtimeDir, other);
      if (path !== buildDir && statTime(path) < Date.now() - STALE_BUILD_MS) real.rmSync(path, { recursive: true, force: true });
    }
    const entries = real.readdirSync(buildDir).filter((f) => f.endsWith('.json'));
    if (entries.length > MAX_ENTRIES) {
      const byAge = entries.map((f) => ({ f, t: statTime(join(buildDir, f)) })).sort((a, b) => a.t - b.t);
      for (const { f } of byAge.slice(0, entries.length - MAX_ENTRIES)) real.rmSync(join(buildDir, f), { force: true });
    }
  } catch {
    // trimming is best effort: the entry is written
  }
}

const statTime = (file) => {
  try {
    return real.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/** The build id on the fast path's first line (`// berth-build <sha256>`), read without reading the file whole. */
function buildIdOfFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(96);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return buildIdOf(head.subarray(0, n).toString('latin1'));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A path argument as an absolute path, or undefined for what is not one (a descriptor, a FileHandle). */
function pathOf(p) {
  if (typeof p === 'string') return resolve(p);
  if (p instanceof URL) return p.protocol === 'file:' ? require('node:url').fileURLToPath(p) : undefined;
  if (Buffer.isBuffer(p)) return resolve(p.toString());
  return undefined;
}

/** Options a read may be seen again with: plain data only (an AbortSignal is dropped), else undefined. */
function optionsOf(op, options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options === 'string' || typeof options === 'number') return options;
  if (typeof options !== 'object') return undefined;
  const { signal: _signal, ...rest } = options;
  if (op === 'read' && rest.flag !== undefined && rest.flag !== 'r') return { impure: true };
  return Object.keys(rest).length ? rest : undefined;
}

/**
 * Patches fs (sync and promises), child_process, net, dgram, os and process.stdin so a run's reads are noted and
 * anything else marks it impure; wraps stdout and stderr to keep what is printed. stop() undoes every patch.
 */
function startTrace() {
  const reads = new Map();
  const output = [];
  let impure = false; // or the first thing that made the run impure, for BERTH_DEBUG
  let depth = 0;
  const mark = (what) => {
    if (!impure) impure = what;
  };
  const undo = [];
  // a warning of Node's own (an experimental flag, a deprecation, NODE_USE_ENV_PROXY) is Node's, printed by Node on
  // every run: a run that printed one is not kept, so a replay never prints it twice, nor another run's pid
  const onWarning = () => mark("a warning of Node's");
  process.on('warning', onWarning);
  undo.push(() => process.off('warning', onWarning));
  // stdout and stderr first: made now, their streams take Node's fs functions before any is patched
  for (const [fd, stream] of [
    [1, process.stdout],
    [2, process.stderr],
  ]) {
    const write = stream.write;
    // what the stream itself does to write (fs.writeSync for a file) is part of printing, not a side effect
    stream.write = function (chunk, ...rest) {
      if (typeof chunk === 'string' && (rest[0] === undefined || typeof rest[0] === 'function' || rest[0] === 'utf8' || rest[0] === 'utf-8')) output.push([fd, 's', chunk]);
      else if (chunk instanceof Uint8Array && (rest[0] === undefined || typeof rest[0] === 'function')) output.push([fd, 'b', Buffer.from(chunk).toString('base64')]);
      else mark(`a write to fd ${fd} with an encoding`);
      depth++;
      try {
        return write.call(this, chunk, ...rest);
      } finally {
        depth--;
      }
    };
    undo.push(() => {
      stream.write = write;
    });
  }
  const patch = (obj, name, make, label = name) => {
    const original = obj[name];
    if (typeof original !== 'function') return;
    const replacement = make(original, label);
    for (const k of Object.keys(original)) if (!(k in replacement)) replacement[k] = original[k];
    obj[name] = replacement;
    undo.push(() => {
      obj[name] = original;
    });
  };
  // What one read saw (READS[op].saw of what it returned; a file read: its stat right after), or its error code.
  const note = (op, rawPath, rawOptions, outcome) => {
    const path = pathOf(rawPath);
    const options = optionsOf(op, rawOptions);
    if (path === undefined || options?.impure) {
      mark(`${op} of ${typeof rawPath === 'object' ? 'a handle' : String(rawPath)}${options?.impure ? ' with a flag' : ''}`);
      return;
    }
    let seen;
    let settledAt = 0;
    if ('error' in outcome) seen = failure(outcome.error);
    else if (op === 'read') {
      try {
        const stat = real.statSync(path);
        seen = statFields(stat);
        settledAt = Math.max(stat.mtimeMs, stat.ctimeMs);
      } catch (err) {
        mark(`${path} was gone right after it was read (${err.code})`);
        return;
      }
    } else seen = READS[op].saw(outcome.value);
    const id = JSON.stringify([op, path, options ?? null]);
    const before = reads.get(id);
    if (before && before.seen !== seen) mark(`${path} changed during the run`);
    else if (!before) reads.set(id, { op, path, options, seen, settledAt });
  };
  const markImpure = (original, name) =>
    function (...args) {
      if (depth === 0) mark(name);
      return original.apply(this, args);
    };
  const syncRead = (op) => (original) =>
    function (path, options, ...rest) {
      if (depth > 0) return original.call(this, path, options, ...rest);
      depth++;
      try {
        const value = original.call(this, path, options, ...rest);
        note(op, path, options, { value });
        return value;
      } catch (error) {
        note(op, path, options, { error });
        throw error;
      } finally {
        depth--;
      }
    };
  const promiseRead = (op) => (original) =>
    function (path, options, ...rest) {
      if (depth > 0) return original.call(this, path, options, ...rest);
      return original.call(this, path, options, ...rest).then(
        (value) => {
          note(op, path, options, { value });
          return value;
        },
        (error) => {
          note(op, path, options, { error });
          throw error;
        },
      );
    };
  const SYNC = { readFileSync: 'read', statSync: 'stat', lstatSync: 'lstat', existsSync: 'exists', readdirSync: 'readdir', realpathSync: 'realpath', accessSync: 'access' };
  const PROMISES = { readFile: 'read', stat: 'stat', lstat: 'lstat', readdir: 'readdir', realpath: 'realpath', access: 'access' };
  for (const name of Object.keys(fs)) {
    if (!/^[a-z]/.test(name) || typeof fs[name] !== 'function') continue;
    patch(fs, name, SYNC[name] ? syncRead(SYNC[name]) : markImpure, `fs.${name}`);
  }
  patch(fs.realpathSync, 'native', syncRead('realpathNative'));
  for (const name of Object.keys(fs.promises)) {
    if (typeof fs.promises[name] !== 'function') continue;
    patch(fs.promises, name, PROMISES[name] ? promiseRead(PROMISES[name]) : markImpure, `fs.promises.${name}`);
  }
  // The modules that reach outside the process are patched where the run finds them loaded; one the run loads
  // itself makes it impure (loading them costs a cold start milliseconds, so neither the trace nor validate does).
  const outward = new Set(OUTWARD.filter((m) => process.moduleLoadList.includes(`NativeModule ${m}`)));
  if (outward.has('child_process')) {
    const cp = require('node:child_process');
    for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) patch(cp, name, markImpure, `child_process.${name}`);
  }
  if (outward.has('net')) {
    const net = require('node:net');
    patch(net.Socket.prototype, 'connect', markImpure, 'a socket');
    patch(net.Server.prototype, 'listen', markImpure, 'a listening socket');
  }
  if (outward.has('dgram')) {
    const dgram = require('node:dgram');
    patch(dgram.Socket.prototype, 'bind', markImpure, 'a UDP socket');
    patch(dgram.Socket.prototype, 'send', markImpure, 'a UDP socket');
  }
  undo.push(() => {
    const loaded = OUTWARD.find((m) => !outward.has(m) && process.moduleLoadList.includes(`NativeModule ${m}`));
    if (loaded) mark(`node:${loaded} was loaded`);
  });
  const os = require('node:os');
  for (const name of ['hostname', 'networkInterfaces', 'cpus', 'loadavg', 'uptime', 'freemem', 'totalmem', 'userInfo']) patch(os, name, markImpure, `os.${name}`);
  patch(process, 'chdir', markImpure, 'process.chdir');
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (stdin?.get && stdin.configurable) {
    Object.defineProperty(process, 'stdin', {
      ...stdin,
      get() {
        mark('stdin');
        return stdin.get.call(this);
      },
    });
    undo.push(() => Object.defineProperty(process, 'stdin', stdin));
  }
  return {
    stop() {
      for (const u of undo.reverse()) u();
      return { impure, output, reads: [...reads.values()] };
    },
  };
}

module.exports = { resultCache, PURE };
