// @ts-check
/**
 * berth's Nx plugin. For every project holding a berth.yaml it infers two cached targets:
 *   validate-ports  the spec's ports against its port registry (conflicts, ownership, ranges)
 *   validate-env    the spec's env schema (types, requirements, naming conventions)
 * and for every folder holding an ecosystem.yaml (the orchestrator's manifest) one:
 *   validate-ecosystem  every member repo against the registry and each other (berth-ecosystem check)
 * Directories with a berth.yaml or ecosystem.yaml but no package.json or project.json become projects of their own,
 * tagged `berth-spec` (specs) or `berth-ecosystem` (manifests), so an app's build can depend on
 * `{ "projects": "tag:berth-spec", "target": "validate-ports" }` and `{ "projects": "tag:berth-ecosystem", "target": "validate-ecosystem" }`.
 *
 * Another repo gets the same graph by installing @berth/spec and @berth/nx-plugin and adding
 * `{ "plugin": "@berth/nx-plugin" }` to nx.json's plugins.
 */
const { dirname, join, basename, resolve } = require('node:path');
const { existsSync } = require('node:fs');

const SPEC = 'berth.yaml';
const MANIFEST = 'ecosystem.yaml';
const { ecosystemInputs } = require('./ecosystem-inputs.cjs');
const { packageFile, readYaml, registryOf } = require('./registry-ref.cjs');
const { fileInputs } = require('./file-inputs.cjs');

/**
 * @typedef {{ validatePortsTargetName?: string, validateEnvTargetName?: string, validateEcosystemTargetName?: string, command?: string, ecosystemCommand?: string, tag?: string, ecosystemTag?: string }} BerthPluginOptions
 */

/** @type {import('nx/src/project-graph/plugins').CreateNodesV2<BerthPluginOptions>} */
const createNodesV2 = [
  `**/{${SPEC},${MANIFEST}}`,
  async (files, options, context) => {
    const opts = options ?? {};
    // an ecosystem.yaml that is someone else's (pm2's, a deploy tool's) is no manifest of berth's: one that parses and
    // says no `ecosystem:` is left alone; one that does not parse is kept, for its validator to say what is wrong
    const ours = files.filter((file) => basename(file) !== MANIFEST || !isOtherTool(join(context.workspaceRoot, file)));
    const names = projectNames(ours.map((f) => dirname(f)), context);
    return ours.map((file) => [file, { projects: { [dirname(file)]: { ...(basename(file) === MANIFEST ? ecosystemProject(file, opts, context) : specProject(file, opts, context)), ...names(dirname(file)) } } }]);
  },
];

/** @param {string} path */
function isOtherTool(path) {
  const doc = readYaml(path);
  return doc !== undefined && !('ecosystem' in doc);
}

/** Both validators' own code: the built packages the task graph runs first. */
const VALIDATOR = { dependentTasksOutputFiles: '**/*.js', transitive: true };

/**
 * A folder without its own package.json or project.json becomes a project named after it: `spec-<folder>`, or, when
 * two such folders share a name (deploy/staging/web, deploy/prod/web), `spec-<path>` from the workspace root with
 * `/` as `-` (spec-deploy-staging-web), so Nx never sees one name defined twice.
 * @param {string[]} roots every matched folder @param {{ workspaceRoot: string }} context
 * @returns {(root: string) => { name?: string }}
 */
function projectNames(roots, context) {
  const bare = [...new Set(roots)].filter((root) => {
    const absRoot = join(context.workspaceRoot, root);
    return !(existsSync(join(absRoot, 'package.json')) || existsSync(join(absRoot, 'project.json')));
  });
  const short = (/** @type {string} */ root) => (root === '.' ? 'root' : basename(root));
  /** @type {Map<string, number>} */ const count = new Map();
  for (const root of bare) count.set(short(root), (count.get(short(root)) ?? 0) + 1);
  return (root) => {
    if (!bare.includes(root)) return {};
    const name = count.get(short(root)) === 1 ? short(root) : root.split('\\').join('/').replace(/\//g, '-');
    return { name: `spec-${name}` };
  };
}

/** @param {string} file @param {BerthPluginOptions} opts @param {{ workspaceRoot: string }} context */
function specProject(file, opts, context) {
  const portsTarget = opts.validatePortsTargetName ?? 'validate-ports';
  const envTarget = opts.validateEnvTargetName ?? 'validate-env';
  const command = opts.command ?? 'berth-spec';
  const root = dirname(file);
  const absRoot = join(context.workspaceRoot, root);
  // validate-env reads the spec alone; validate-ports also reads the registry, a file or an npm package.
  const envInputs = [`{projectRoot}/${SPEC}`, VALIDATOR];
  /** @type {(string | import('nx/src/config/workspace-json-project-json').InputDefinition)[]} */
  const portsInputs = [`{projectRoot}/${SPEC}`];
  const registry = registryOf(join(context.workspaceRoot, file));
  // A registry outside the workspace (../orchestrator/ports.yaml) is hashed by its contents, as validate-ecosystem's files.
  if (registry && 'path' in registry) {
    const { files, outside } = fileInputs([resolve(absRoot, registry.path)], context.workspaceRoot);
    portsInputs.push(...files, ...outside);
  }
  // A registry in an npm package: its file, where the validator will find it (a workspace package's is a workspace
  // file; an installed one's is hashed by its contents). Not installed: nothing to hash, and the validator says so.
  const packaged = registry && 'package' in registry ? packageFile(registry.package, registry.file, absRoot) : undefined;
  if (packaged) {
    const { files, outside } = fileInputs([packaged], context.workspaceRoot);
    portsInputs.push(...files, ...outside);
  }
  portsInputs.push(VALIDATOR);
  const target = (/** @type {'ports' | 'env'} */ check) => ({
    command: `${command} ${check} ${SPEC}`,
    options: { cwd: '{projectRoot}' },
    cache: true,
    inputs: check === 'ports' ? portsInputs : envInputs,
    outputs: [],
    metadata: { description: `berth: check ${check === 'ports' ? 'the ports against the port registry' : 'the env schema and its conventions'}`, technologies: ['berth'] },
  });
  return { root, tags: [opts.tag ?? 'berth-spec'], targets: { [portsTarget]: target('ports'), [envTarget]: target('env') } };
}

/** @param {string} file @param {BerthPluginOptions} opts @param {{ workspaceRoot: string }} context */
function ecosystemProject(file, opts, context) {
  const root = dirname(file);
  const target = {
    command: `${opts.ecosystemCommand ?? 'berth-ecosystem'} check ${MANIFEST}`,
    options: { cwd: '{projectRoot}' },
    cache: true,
    inputs: [...ecosystemInputs(join(context.workspaceRoot, file), context.workspaceRoot), VALIDATOR],
    outputs: [],
    metadata: { description: 'berth: check every member repo of the ecosystem against the registry and each other', technologies: ['berth'] },
  };
  return { root, tags: [opts.ecosystemTag ?? 'berth-ecosystem'], targets: { [opts.validateEcosystemTargetName ?? 'validate-ecosystem']: target } };
}

module.exports = { createNodesV2 };
