// @ts-check
const { existsSync, readFileSync, realpathSync } = require('node:fs');
const { basename, dirname, join, resolve } = require('node:path');
const { parse } = require('yaml');

/**
 * A `registry:` value as berth reads it (in a berth.yaml or an ecosystem.yaml): `{ path }` for a file relative to
 * the file naming it, `{ package }` for a registry published as an npm package.
 * @param {unknown} ref
 * @returns {{ path: string } | { package: string, file: string } | undefined}
 */
function registryRef(ref) {
  if (typeof ref === 'string' && ref) return { path: ref };
  if (ref && typeof ref === 'object') {
    const r = /** @type {{ package?: unknown, path?: unknown, file?: unknown }} */ (ref);
    if (typeof r.package === 'string' && r.package) return { package: r.package, file: typeof r.file === 'string' && r.file ? r.file : 'ports.yaml' };
    if (typeof r.path === 'string' && r.path) return { path: r.path };
  }
  return undefined;
}

/**
 * The YAML document of a file, or undefined when it cannot be read or parsed (its validator reports why). Parsed
 * with the yaml library, as berth parses it: comments, quotes, flow or block style.
 * @param {string} path
 * @returns {Record<string, unknown> | undefined}
 */
function readYaml(path) {
  try {
    const value = parse(readFileSync(path, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The registry a spec names; a spec that does not parse names none here.
 * @param {string} specPath
 */
function registryOf(specPath) {
  return registryRef(readYaml(specPath)?.registry);
}

/**
 * The file of an installed npm package, as @berth/spec's resolvePackageFile finds it (the plugin runs at graph time,
 * before any package is built, so it cannot load @berth/spec: keep the two in step): the package folder in the
 * nearest node_modules from `fromDir` up (none inside a node_modules folder itself), links resolved; undefined when it
 * is not installed there (the validator then says so, in berth's words).
 * @param {string} pkg @param {string} file @param {string} fromDir
 * @returns {string | undefined}
 */
function packageFile(pkg, file, fromDir) {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (basename(dir) !== 'node_modules' && existsSync(join(candidate, 'package.json'))) {
      try {
        return join(realpathSync(candidate), file);
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

module.exports = { registryRef, registryOf, readYaml, packageFile };
