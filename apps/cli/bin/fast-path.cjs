// Compiled code kept between runs, so a cold `berth validate` does not compile its code again:
//   - The fast path (dist/fast/berth.cjs, one CommonJS file for the spec and engine commands) is loaded through
//     node:vm with a V8 code cache taken after a run, so it holds every function that run compiled. The build
//     leaves one beside the file for the Node that built it; any other Node version writes its own, once, under
//     the user's cache folder (cacheDir). Each cache is named for one Node version (and, in the user's folder,
//     one build of the file), so no version ever reads another's.
//   - Node 22.1+ also gets module.enableCompileCache for every other module (the ES module bundle the other
//     commands load, and their dependencies), in a folder Node itself keys by version and checks per file.
// Whatever happens to a cache (missing, stale, corrupt, unwritable), the run only compiles again.
// `--write-cache FILE ARGS...` (used by build.mjs) runs ARGS and writes the build's cache for FILE afterwards.
'use strict';
const { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { dirname, isAbsolute, join } = require('node:path');
const Module = require('node:module');

/** This Node: the only one that may use a code cache named for it. */
const RUNTIME = `node-${process.version}-${process.arch}`;

/** berth's folder for caches: $XDG_CACHE_HOME/berth, else ~/.cache/berth. */
function cacheDir(env = process.env) {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'berth');
}

/**
 * Turns on Node's compile cache where this Node has one (22.1+), in cacheDir()/compile-cache; true when it is on.
 * NODE_COMPILE_CACHE (a folder of the user's choosing) and NODE_DISABLE_COMPILE_CACHE are Node's own and win.
 * A folder that cannot be made or written leaves it off: Node reports that as a status and prints nothing.
 */
function enableCompileCache(env = process.env) {
  if (typeof Module.enableCompileCache !== 'function') return false;
  try {
    const dir = env.NODE_COMPILE_CACHE ? undefined : join(cacheDir(env), 'compile-cache');
    // made here first: Node's own mkdir of it would retry for ever where the folder cannot be made (see makeDirs)
    if (dir && !env.NODE_DISABLE_COMPILE_CACHE) makeDirs(dir);
    const { status } = Module.enableCompileCache(dir);
    const { ENABLED, ALREADY_ENABLED } = Module.constants.compileCacheStatus;
    return status === ENABLED || status === ALREADY_ENABLED;
  } catch {
    return false;
  }
}

/** The first line of a fast-path build: `// berth-build <sha256 of the rest>` (build.mjs writes it). */
const buildIdOf = (source) => /^\/\/ berth-build ([0-9a-f]{16,64})\n/.exec(source)?.[1];

/** Where FILE's code cache for this Node lives: beside it (the build's), and in the user's cache folder (its own). */
function cacheFiles(file, source, env = process.env) {
  const id = buildIdOf(source);
  return { build: `${file}.${RUNTIME}.cache`, user: id ? join(cacheDir(env), 'code-cache', RUNTIME, `${id}.cache`) : undefined };
}

const readOrUndefined = (path) => {
  try {
    return path ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A code cache on disk ends with its own check: the CRC-32 of what precedes it, then `brc1`. V8 checks a cache's
 * header (its version, flags, the source's hash and the length) but not its body: a body damaged on disk (a crash
 * before the data reached it, a bad block) with its header whole is accepted, and V8 aborts while it reads it, on
 * every later run. So a cache whose check fails is not handed to V8 at all: it costs a compile, and is rewritten.
 */
const SEAL = Buffer.from('brc1');
const crc32 = (data) => require('node:zlib').crc32(data);

function sealed(data) {
  const check = Buffer.alloc(8);
  check.writeUInt32LE(crc32(data) >>> 0, 0);
  SEAL.copy(check, 4);
  return Buffer.concat([data, check]);
}

/** The V8 cache inside FILE's bytes, when its check holds; undefined for a damaged, cut or foreign file. */
function unsealed(bytes) {
  if (!bytes || bytes.length < 8 || !bytes.subarray(bytes.length - 4).equals(SEAL)) return undefined;
  const data = bytes.subarray(0, bytes.length - 8);
  return bytes.readUInt32LE(bytes.length - 8) === crc32(data) >>> 0 ? data : undefined;
}

/**
 * `mkdir -p` as @berth/spec's makeDirs does it (the launcher loads no package): Node's own recursive mkdir retries
 * for ever where mkdir answers ENOENT under a parent that exists (a cache folder under /proc, some FUSE mounts).
 */
function makeDirs(dir, mode = 0o777) {
  const isDir = (d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  };
  const missing = [];
  for (let at = dir; !isDir(at) && dirname(at) !== at; at = dirname(at)) missing.unshift(at);
  for (const d of missing) {
    try {
      mkdirSync(d, mode);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
}

/**
 * Writes DATA to PATH through a temporary file and a rename, so a reader never sees half a cache; false on any
 * error, and then the temporary file is gone too (a full disk lets it be made but not written).
 */
function writeCache(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    makeDirs(dirname(path));
    // flushed before the rename: a crash leaves the old cache or the new one, never a name on unwritten blocks
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, sealed(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // a folder berth cannot write in holds no temporary file of its either
    }
    return false;
  }
}

/**
 * Loads FILE (CommonJS) through node:vm with this Node's code cache for it: the build's, else the user's. When
 * neither is there or V8 rejects it, the user's cache is written when the process exits (after the command ran,
 * so it holds what the run compiled). `cache` says what happened: 'build' | 'user' | 'rejected' | 'none'.
 * `beforeRun` is called once the file and its cache are read and compiled, just before its code runs.
 */
function load(file, { env = process.env, useCache = true, refreshOnExit = true, beforeRun } = {}) {
  const source = readFileSync(file, 'utf8');
  const where = cacheFiles(file, source, env);
  let cache = 'none';
  let cachedData;
  if (useCache) {
    // a file that is there but fails its check is a rejected cache: the user's is written again
    const build = readOrUndefined(where.build);
    cachedData = unsealed(build);
    if (cachedData) cache = 'build';
    else {
      const user = readOrUndefined(where.user);
      cachedData = unsealed(user);
      cache = cachedData ? 'user' : build || user ? 'rejected' : 'none';
    }
  }
  const { Script, constants } = require('node:vm');
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData && script.cachedDataRejected) cache = 'rejected';
  if (refreshOnExit && (cache === 'none' || cache === 'rejected') && where.user) {
    process.once('exit', () => writeCache(where.user, script.createCachedData()));
  }
  const module = { exports: {} };
  beforeRun?.();
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cache, files: where, saveBuildCache: () => writeCache(where.build, script.createCachedData()) };
}

module.exports = { load, buildIdOf, cacheDir, cacheFiles, enableCompileCache, makeDirs, RUNTIME };

if (require.main === module && process.argv[2] === '--write-cache') {
  const { exports, saveBuildCache } = load(process.argv[3], { useCache: false, refreshOnExit: false });
  exports.start(process.argv.slice(4)).then(() => {
    if (!saveBuildCache()) process.exitCode = 70;
  });
}
