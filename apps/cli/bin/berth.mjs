#!/usr/bin/env node
// The berth binary: a thin launcher for the bundled CLI in dist/.
// The spec and engine commands go through the fast path (dist/fast/berth.cjs, one CommonJS file loaded with a V8
// code cache for this Node), every other command through the ES module bundle (with Node's compile cache on 22+).
// How each cache is kept, and why none can harm a run: fast-path.cjs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/berth.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('berth: the CLI is not built yet; run `npx nx run cli:build` (or `npm start`) first\n');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const { enableCompileCache, load } = require('./fast-path.cjs');
enableCompileCache();

const FAST = new Set(['validate', 'ports', 'env', 'docs', 'schema', 'init', 'up', 'down', 'status', 'ps', 'logs', 'restart', 'build']);
const fast = fileURLToPath(new URL('../dist/fast/berth.cjs', import.meta.url));
if (FAST.has(commandOf(process.argv.slice(2))) && existsSync(fast)) {
  await load(fast).exports.start();
} else {
  await import(bundle.href);
}

/** The command word: the first argument that is neither an option nor the value of -s/--spec or -r/--registry. */
function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-s' || a === '--spec' || a === '-r' || a === '--registry') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
