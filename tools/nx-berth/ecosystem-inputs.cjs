// @ts-check
const { dirname, join, relative, resolve } = require('node:path');
const { statSync } = require('node:fs');
const { packageFile, readYaml, registryRef } = require('./registry-ref.cjs');
const { fileInputs, sh } = require('./file-inputs.cjs');

/** Includes nest at most this deep (as @berth/ecosystem's MAX_INCLUDE_DEPTH). */
const MAX_INCLUDE_DEPTH = 8;

/** @typedef {string | { runtime: string }} Input */

/**
 * What validate-ecosystem is cached on, read from the manifest as @berth/ecosystem finds things: the manifest; the
 * registry it names (default ports.yaml; a file, or an npm package's file); every member's spec:
 * a path (a folder's berth.yaml, or the file), an npm package's file (where @berth/spec resolves it), a git ref (the commit it
 * resolves to now, a runtime input); and the manifests it includes, found the same way, with their members. Files
 * outside the workspace are hashed by their contents in one runtime input (fileInputs: the plugin's one rule for
 * that). A manifest that does not parse gives itself as its only input: the validator says what is wrong.
 * @param {string} manifestPath absolute
 * @param {string} workspaceRoot
 * @returns {Input[]}
 */
function ecosystemInputs(manifestPath, workspaceRoot) {
  /** @type {Set<string>} */ const paths = new Set();
  /** @type {Set<string>} */ const refs = new Set();
  /** @type {Set<string>} */ const seen = new Set();
  const fromRoot = (/** @type {string} */ abs) => relative(workspaceRoot, abs).split('\\').join('/');
  const addFile = (/** @type {string} */ abs) => void paths.add(abs);
  /** Where a member or include is: a path (folder or file), a package, or a git ref. */
  const source = (/** @type {unknown} */ entry, /** @type {string} */ dir, /** @type {string} */ defaultFile, /** @type {(path: string) => void} */ onPath) => {
    if (!entry || typeof entry !== 'object') return;
    const e = /** @type {{ path?: unknown, package?: unknown, git?: unknown, ref?: unknown, file?: unknown }} */ (entry);
    if (typeof e.git === 'string') refs.add(`git -C ${sh(fromRoot(resolve(dir, e.git)) || '.')} rev-parse --verify --quiet ${sh(`${typeof e.ref === 'string' ? e.ref : 'HEAD'}^{commit}`)} || echo missing`);
    else if (typeof e.package === 'string') {
      // its file where the validator finds it; not installed: nothing to hash, and the validator says so
      const found = packageFile(e.package, typeof e.file === 'string' && e.file ? e.file : defaultFile, dir);
      if (found) onPath(found);
    }
    else if (typeof e.path === 'string' || e.path === undefined) {
      const abs = resolve(dir, typeof e.path === 'string' ? e.path : '.');
      onPath(isFolder(abs) ? join(abs, defaultFile) : abs);
    }
  };
  const visit = (/** @type {string} */ path, /** @type {number} */ depth, /** @type {boolean} */ root) => {
    if (seen.has(path) || depth > MAX_INCLUDE_DEPTH) return;
    seen.add(path);
    addFile(path);
    const manifest = readYaml(path);
    if (!manifest) return;
    const dir = dirname(path);
    if (root) {
      const registry = registryRef(manifest.registry ?? 'ports.yaml');
      if (registry && 'path' in registry) addFile(resolve(dir, registry.path));
      const packaged = registry && 'package' in registry ? packageFile(registry.package, registry.file, dir) : undefined;
      if (packaged) addFile(packaged);
    }
    for (const member of list(manifest.members)) source(member, dir, 'berth.yaml', addFile);
    for (const include of list(manifest.include)) source(include, dir, 'ecosystem.yaml', (p) => visit(p, depth + 1, false));
  };
  visit(manifestPath, 0, true);
  const { files, outside } = fileInputs(paths, workspaceRoot);
  /** @type {Input[]} */
  const inputs = [...files];
  for (const command of refs) inputs.push({ runtime: command });
  inputs.push(...outside);
  return inputs;
}

function list(/** @type {unknown} */ v) {
  return Array.isArray(v) ? v : [];
}

function isFolder(/** @type {string} */ path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

module.exports = { ecosystemInputs };
