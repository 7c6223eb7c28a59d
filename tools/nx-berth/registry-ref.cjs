// @ts-check
const { readFileSync } = require('node:fs');
const { parse } = require('yaml');

/**
 * A `registry:` value as berth reads it (in a berth.yaml or an ecosystem.yaml): `{ path }` for a file relative to
 * the file naming it, `{ package }` for a registry published as an npm package.
 * @param {unknown} ref
 * @returns {{ path: string } | { package: string } | undefined}
 */
function registryRef(ref) {
  if (typeof ref === 'string' && ref) return { path: ref };
  if (ref && typeof ref === 'object') {
    const r = /** @type {{ package?: unknown, path?: unknown }} */ (ref);
    if (typeof r.package === 'string' && r.package) return { package: r.package };
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

module.exports = { registryRef, registryOf, readYaml };
