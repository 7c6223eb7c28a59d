// @ts-check
/**
 * berth's workspace convention, as an Nx plugin (registered in nx.json by path; not part of the published
 * @berth/nx-plugin). Every folder `packages/*`, `apps/*` or `tools/*` holding a package.json is a project and
 * gets, with no wiring of its own:
 *   test       vitest's `unit` project on the files under the folder (`src/**` and `test/**` *.test.ts[x])
 *   e2e        vitest's `e2e` project (`test/**` *.e2e.test.ts[x]), one task at a time; only where such files exist
 *   corpus     vitest's `corpus` project (`test/**` *.corpus.test.ts, the real files in ../shared); only where
 *              such files exist; never cached (its inputs live outside the workspace)
 *   typecheck  `tsc -p tsconfig.json --noEmit`, where the folder holds a tsconfig.json
 * `lint` comes from @nx/eslint/plugin (the root eslint.config.js covers every project), `build` from the
 * package's own `build` script. Why not @nx/vitest and @nx/js/typescript: docs/architecture.md ("Nx").
 *
 * The vitest projects and their settings (timeouts, serial e2e) live in the root vitest.config.ts; a task
 * selects its folder with a path filter, so a new package needs no config file of its own.
 */
const { join, dirname } = require('node:path');
const { existsSync, readdirSync } = require('node:fs');

const CONVENTION = '{packages,apps,tools}/*/package.json';

/** What differs between a machine with the test peers and one without: a cached run must not stand in for the other. */
const PEERS = { runtime: 'node tools/nx-berth/test-peers.cjs' };
/** A result made on one Node version says nothing about another (.ci/run tests on 20, 22 and 24). */
const NODE = { runtime: 'node --version' };
/** @type {(string | import('nx/src/config/workspace-json-project-json').InputDefinition)[]} */
const VITEST_INPUTS = ['default', '^production', 'testFixtures', '{workspaceRoot}/vitest.config.ts', { externalDependencies: ['vitest'] }, NODE, PEERS];

/**
 * The kinds of test files under a project's src/ and test/ folders.
 * @param {string} absRoot
 */
function testKinds(absRoot) {
  const kinds = { unit: false, e2e: false, corpus: false };
  const walk = (/** @type {string} */ dir) => {
    /** @type {import('node:fs').Dirent[]} */
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(join(dir, e.name));
      } else if (/\.e2e\.test\.tsx?$/.test(e.name)) kinds.e2e = true;
      else if (/\.corpus\.test\.ts$/.test(e.name)) kinds.corpus = true;
      else if (/\.test\.tsx?$/.test(e.name)) kinds.unit = true;
    }
  };
  walk(join(absRoot, 'src'));
  walk(join(absRoot, 'test'));
  return kinds;
}

/**
 * A vitest target: one of the root config's projects, on this folder's files only.
 * @param {'unit' | 'e2e' | 'corpus'} project
 * @param {string} root
 * @param {string} description
 * @returns {import('nx/src/config/workspace-json-project-json').TargetConfiguration}
 */
function vitestTarget(project, root, description) {
  return {
    command: `vitest run --project ${project} ${root}/`,
    cache: true,
    inputs: VITEST_INPUTS,
    outputs: [],
    metadata: { description, technologies: ['vitest'] },
  };
}

/** @type {import('nx/src/project-graph/plugins').CreateNodesV2<Record<string, never>>} */
const createNodesV2 = [
  CONVENTION,
  async (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      const absRoot = join(context.workspaceRoot, root);
      const kinds = testKinds(absRoot);
      /** @type {Record<string, import('nx/src/config/workspace-json-project-json').TargetConfiguration>} */
      const targets = {
        // Every project gets `test`; vitest fails a project that has no test file, which is the point.
        test: vitestTarget('unit', root, 'Runs the unit and integration tests (vitest project `unit`)'),
      };
      if (kinds.e2e) targets.e2e = { ...vitestTarget('e2e', root, 'Runs the end-to-end tests (vitest project `e2e`), alone'), parallelism: false };
      if (kinds.corpus) targets.corpus = { ...vitestTarget('corpus', root, 'Runs the corpus tests against ../shared (vitest project `corpus`)'), cache: false };
      if (existsSync(join(absRoot, 'tsconfig.json'))) {
        targets.typecheck = {
          command: 'tsc -p tsconfig.json --noEmit',
          options: { cwd: root },
          cache: true,
          inputs: ['default', '^production', '{workspaceRoot}/tsconfig.base.json', { externalDependencies: ['typescript'] }],
          outputs: [],
          metadata: { description: 'Type-checks the project and the workspace sources it imports', technologies: ['typescript'] },
        };
      }
      return [file, { projects: { [root]: { targets } } }];
    }),
];

module.exports = { createNodesV2, CONVENTION };
