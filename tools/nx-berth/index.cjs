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

const SPEC = 'berth.yaml';

/**
 * @typedef {{ validatePortsTargetName?: string, validateEnvTargetName?: string, command?: string, tag?: string }} BerthPluginOptions
 */

/** The registry path a spec names (a relative path), read with a line scan so the plugin stays dependency-free. */
function registryOf(specPath) {
  const text = readFileSync(specPath, 'utf8');
  const m = /^registry:\s*(?:\{\s*path:\s*)?["']?([^"'\s#}]+)["']?/m.exec(text);
  if (!m || m[1] === '{' || m[1].startsWith('{')) return undefined;
  return m[1];
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
      const inputs = [`{projectRoot}/${SPEC}`];
      const registry = registryOf(join(context.workspaceRoot, file));
      if (registry) inputs.push(`{workspaceRoot}/${relative(context.workspaceRoot, join(absRoot, registry)).split('\\').join('/')}`);
      inputs.push({ dependentTasksOutputFiles: '**/*.js', transitive: true });
      const target = (check) => ({
        command: `${command} ${check} ${SPEC}`,
        options: { cwd: '{projectRoot}' },
        cache: true,
        inputs,
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
