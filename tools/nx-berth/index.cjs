// @ts-check
/**
 * berth's Nx plugin. For every project holding a berth.yaml it infers two cached targets:
 *   validate-ports  the spec's ports against its port registry (conflicts, ownership, ranges)
 *   validate-env    the spec's env schema (types, requirements, naming conventions)
 * Directories with a berth.yaml but no package.json or project.json become projects of their own,
 * tagged `berth-spec`, so an app's build can depend on `{ "projects": "tag:berth-spec", "target": "validate-ports" }`.
 *
 * Another repo gets the same graph by installing @berth/spec and @berth/nx-plugin and adding
 * `{ "plugin": "@berth/nx-plugin" }` to nx.json's plugins.
 */
const { dirname, join, basename, relative } = require('node:path');
const { existsSync, readFileSync } = require('node:fs');
const { parse } = require('yaml');

const SPEC = 'berth.yaml';

/**
 * @typedef {{ validatePortsTargetName?: string, validateEnvTargetName?: string, command?: string, tag?: string }} BerthPluginOptions
 */

/**
 * The registry a spec names: `{ path }` for a file relative to the spec, `{ package }` for a registry
 * published as an npm package. The spec is parsed as YAML (comments, quotes, flow or block style: whatever
 * berth itself accepts); a spec that does not parse names none here, and its validator reports why.
 * @returns {{ path: string } | { package: string } | undefined}
 */
function registryOf(specPath) {
  let spec;
  try {
    spec = parse(readFileSync(specPath, 'utf8'));
  } catch {
    return undefined;
  }
  const ref = spec && typeof spec === 'object' ? spec.registry : undefined;
  if (typeof ref === 'string' && ref) return { path: ref };
  if (ref && typeof ref === 'object') {
    if (typeof ref.package === 'string' && ref.package) return { package: ref.package };
    if (typeof ref.path === 'string' && ref.path) return { path: ref.path };
  }
  return undefined;
}

/** @type {import('nx/src/project-graph/plugins').CreateNodesV2<BerthPluginOptions>} */
const createNodesV2 = [
  `**/${SPEC}`,
  async (files, options, context) => {
    const opts = options ?? {};
    const portsTarget = opts.validatePortsTargetName ?? 'validate-ports';
    const envTarget = opts.validateEnvTargetName ?? 'validate-env';
    const command = opts.command ?? 'berth-spec';
    const tag = opts.tag ?? 'berth-spec';
    return files.map((file) => {
      const root = dirname(file);
      const absRoot = join(context.workspaceRoot, root);
      const isOwnProject = existsSync(join(absRoot, 'package.json')) || existsSync(join(absRoot, 'project.json'));
      // validate-env reads the spec alone; validate-ports also reads the registry, a file or an npm package.
      // Both depend on the validator's own code (the built @berth/spec the task graph runs first).
      const validator = { dependentTasksOutputFiles: '**/*.js', transitive: true };
      const envInputs = [`{projectRoot}/${SPEC}`, validator];
      /** @type {(string | import('nx/src/config/workspace-json-project-json').InputDefinition)[]} */
      const portsInputs = [`{projectRoot}/${SPEC}`];
      const registry = registryOf(join(context.workspaceRoot, file));
      if (registry && 'path' in registry) portsInputs.push(`{workspaceRoot}/${relative(context.workspaceRoot, join(absRoot, registry.path)).split('\\').join('/')}`);
      if (registry && 'package' in registry) portsInputs.push({ externalDependencies: [registry.package] });
      portsInputs.push(validator);
      const target = (/** @type {'ports' | 'env'} */ check) => ({
        command: `${command} ${check} ${SPEC}`,
        options: { cwd: '{projectRoot}' },
        cache: true,
        inputs: check === 'ports' ? portsInputs : envInputs,
        outputs: [],
        metadata: { description: `berth: check ${check === 'ports' ? 'the ports against the port registry' : 'the env schema and its conventions'}`, technologies: ['berth'] },
      });
      /** @type {Record<string, any>} */
      const project = {
        root,
        tags: [tag],
        targets: { [portsTarget]: target('ports'), [envTarget]: target('env') },
      };
      if (!isOwnProject) project.name = `spec-${basename(root) === '.' ? 'root' : basename(root)}`;
      return [file, { projects: { [root]: project } }];
    });
  },
];

module.exports = { createNodesV2 };
