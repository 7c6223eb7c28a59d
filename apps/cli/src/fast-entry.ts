/**
 * Entry of the fast path: the same CLI as bin.ts, bundled as one CommonJS file so that bin/berth.mjs can
 * load it through node:vm with a V8 code cache made at build time (Node 20 caches no ES module code).
 * It serves the spec and engine commands (the FAST set in bin/berth.mjs): @berth/docker/runtime is in it;
 * Compose import/export, the health, GPU and API packages are not, and the launcher never sends their
 * commands here.
 */
export { start } from './start.js';
