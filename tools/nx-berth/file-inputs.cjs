// @ts-check
const { spawnSync } = require('node:child_process');
const { isAbsolute, relative } = require('node:path');

/** @typedef {string | { runtime: string }} FileInput */

/** A word for `sh -c`: single-quoted. */
const sh = (/** @type {string} */ s) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Hashes files outside the workspace (repos cloned beside it) by their contents: Nx hashes only the workspace's
 * files, and a member repo or a shared port registry is usually a sibling of the workspace. No single quote
 * inside: it is one sh word.
 */
const HASH_FILES = "const c=require(\"node:crypto\").createHash(\"sha256\");for(const f of process.argv.slice(1)){c.update(f+\"\\0\");try{c.update(require(\"node:fs\").readFileSync(f))}catch{c.update(\"missing\")}}console.log(c.digest(\"hex\"))";

/**
 * The one rule for a task's file inputs: a file inside the workspace is a `{workspaceRoot}/...` input, which Nx
 * hashes; files outside it (a path that leaves the workspace root, `{workspaceRoot}/../x`, would be silently
 * ignored by Nx) are hashed by their contents in one runtime input, run from the workspace root. Used by every
 * target the plugin infers (validate-ports' registry, validate-ecosystem's manifest, registry and members).
 * @param {Iterable<string>} absPaths absolute paths, in the order they are to be listed
 * @param {string} workspaceRoot
 * @returns {{ files: string[], outside: FileInput[] }} `files` the workspace inputs; `outside` none or one runtime input
 */
function fileInputs(absPaths, workspaceRoot) {
  /** @type {Set<string>} */ const files = new Set();
  /** @type {Set<string>} */ const outside = new Set();
  const inside = [];
  for (const abs of absPaths) {
    const rel = relative(workspaceRoot, abs).split('\\').join('/');
    if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) outside.add(rel);
    else inside.push(rel);
  }
  // Nx hashes only the files git tracks or would track: one under node_modules or git-ignored (an orchestrator cloned into an
  // ignored vendor/ folder) is hashed by its contents too, or a cached "ports ok" would outlive a real conflict
  const unhashed = untracked(inside, workspaceRoot);
  for (const rel of inside) {
    if (unhashed.has(rel)) outside.add(rel);
    else files.add(`{workspaceRoot}/${rel}`);
  }
  return { files: [...files], outside: outside.size ? [{ runtime: `node -e ${sh(HASH_FILES)} ${[...outside].map(sh).join(' ')}` }] : [] };
}

/**
 * Which of the workspace-relative paths Nx does not hash: under a node_modules folder, or ignored by git (asked once,
 * for all of them; outside a git repository, or without git, only the node_modules rule applies).
 * @param {string[]} rels @param {string} workspaceRoot
 * @returns {Set<string>}
 */
function untracked(rels, workspaceRoot) {
  const out = new Set(rels.filter((rel) => rel.split('/').includes('node_modules')));
  const rest = rels.filter((rel) => !out.has(rel));
  if (!rest.length) return out;
  const r = spawnSync('git', ['check-ignore', '--stdin', '-z'], { cwd: workspaceRoot, input: rest.join('\0'), encoding: 'utf8', timeout: 10_000 });
  // 0: some are ignored; 1: none is; anything else (no repository, no git): nothing known
  if (r.status === 0) for (const rel of r.stdout.split('\0')) if (rel) out.add(rel);
  return out;
}

module.exports = { fileInputs, sh };
