#!/usr/bin/env node
// The berth binary: a thin launcher for the bundled CLI in dist/. CommonJS, because an ES module entry costs every
// run Node's ES module loader (about a tenth of `node -e 0` on Node 20, 22 and 24; bench/cli-cold-start.mjs).
// The spec and engine commands go through the fast path (dist/fast/berth.cjs, one CommonJS file loaded with a V8
// code cache for this Node), every other command through the ES module bundle (with Node's compile cache on 22+).
// How each cache is kept, and why none can harm a run: fast-path.cjs. bin/berth.mjs, the older name, imports this.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// NO_COLOR wins over FORCE_COLOR in berth (apps/cli/src/output.ts). Node's own rule is the reverse, and it prints a
// warning the first time anything asks it about colours with both set (a CI runner exports FORCE_COLOR, a user
// NO_COLOR): berth settles it once, here, so neither Node nor a child process sees the two disagree.
if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') delete process.env.FORCE_COLOR;

// Every command reads the current folder; one that was deleted or moved under the shell is one line, not a stack.
try {
  process.cwd();
} catch (err) {
  process.stderr.write(`berth: cannot read the current folder (${err.code}: it was deleted or moved, or is not readable); cd into a folder that exists\n`);
  process.exit(2);
}

const dist = join(__dirname, '..', 'dist');
if (!existsSync(join(dist, 'berth.mjs'))) {
  process.stderr.write('berth: the CLI is not built yet; run `npx nx run cli:build` (or `npm start`) first\n');
  process.exit(2);
}

// Commands, and `command subcommand` pairs, the fast path serves (`ecosystem docs` renders pages: not there).
const FAST = new Set(['validate', 'ports', 'env', 'docs', 'schema', 'init', 'up', 'down', 'status', 'ps', 'logs', 'restart', 'build', 'ecosystem check']);
const fast = join(dist, 'fast', 'berth.cjs');
const { RUNTIME, cacheDir, enableCompileCache, load } = require('./fast-path.cjs');
const [command, subcommand] = commandWords(process.argv.slice(2));
if ((FAST.has(command) || FAST.has(`${command} ${subcommand}`)) && existsSync(fast)) {
  // A pure command run again on unchanged inputs answers from its result cache (result-cache.cjs) without loading the CLI.
  const results = require('./result-cache.cjs').resultCache({ command, argv: process.argv.slice(2), fastFile: fast, runtime: RUNTIME, cacheDir: cacheDir() });
  if (!results?.replay()) {
    let recording;
    const walkAhead = command === 'up' || command === 'build' ? startWalkAhead() : undefined;
    const done = load(fast, { beforeRun: () => (recording = results?.record()) }).exports.start(undefined, walkAhead ? { walkAhead } : {});
    if (recording) done.then(() => recording.finished());
  }
} else {
  enableCompileCache();
  import(require('node:url').pathToFileURL(join(dist, 'berth.mjs')).href);
}

/**
 * `up` and `build` start walking the build contexts the last run from this folder walked, on a worker thread,
 * while the CLI loads and reads the spec (dist/fast/walk-ahead.cjs; WalkAhead in @berth/docker). Whatever goes
 * wrong here only leaves the walk to the command. BERTH_WALK_AHEAD=0 turns it off.
 */
function startWalkAhead() {
  if (process.env.BERTH_WALK_AHEAD === '0') return undefined;
  try {
    return require(join(dist, 'fast', 'walk-ahead.cjs')).startWalkAhead(process.cwd(), process.env);
  } catch {
    return undefined;
  }
}

/**
 * The command word and the word after it: the first two arguments that are neither options nor the values of the
 * options that take one (-s/--spec, -r/--registry, --manifest). A fast command these miss costs only speed: the ES
 * module bundle serves every command.
 */
function commandWords(args) {
  const words = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const a = args[i];
    if (a === '-s' || a === '--spec' || a === '-r' || a === '--registry' || a === '--manifest') i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  return words;
}
