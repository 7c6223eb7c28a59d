import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePorts, formatProblem, loadRegistryFile, loadSpecFile } from '@berth/spec';
import { MANIFEST, TOOLS, makeTree, type Tree } from '@berth/ecosystem/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
type Target = { command: string; options: { cwd: string; command?: string }; cache: boolean; inputs: unknown[] };
type Node = { root: string; name?: string; tags: string[]; targets: Record<string, Target> };
type CreateNodesV2 = [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Promise<[string, { projects: Record<string, Node> }][]>];
const { createNodesV2 } = createRequire(import.meta.url)('../index.cjs') as { createNodesV2: CreateNodesV2 };

const VALIDATOR = { dependentTasksOutputFiles: '**/*.js', transitive: true };

describe('the Nx plugin infers validate-ports and validate-env for every berth.yaml', () => {
  let ws: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(ws, path, '..'), { recursive: true });
    writeFileSync(join(ws, path), text);
  };
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-nx-'));
    write('node_modules/@acme/ports/package.json', '{ "name": "@acme/ports" }');
    write('apps/web/package.json', '{ "name": "web" }');
    write('apps/web/berth.yaml', 'berth: 1\nrepo: { name: web }\nregistry: ../../infra/ports.yaml\n');
    write('examples/demo/berth.yaml', 'berth: 1\nrepo: { name: demo }\nregistry:\n  package: "@acme/ports"\n  file: ports.yaml\n');
    write('lonely/berth.yaml', 'berth: 1\nrepo: { name: lonely }\n');
    // What a line scan got wrong: a comment after the key, a quoted key and quoted values, an old registry commented out.
    write('commented/berth.yaml', 'berth: 1\nrepo: { name: commented }\n# registry: ../old/ports.yaml\nregistry:   # the shared one\n  path: ../infra/ports.yaml\n');
    write('quoted/berth.yaml', 'berth: 1\nrepo: { name: quoted }\n"registry": { "path": "../infra/ports.yaml" }\n');
    write('quoted-package/berth.yaml', "berth: 1\nrepo: { name: q }\n'registry': { 'package': '@acme/ports' } # shared through npm\n");
    write('broken/berth.yaml', 'berth: 1\nregistry: [unclosed\n');
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  const infer = async (files: string[], options: unknown = {}) => Object.fromEntries((await createNodesV2[1](files, options, { workspaceRoot: ws })).map(([file, r]) => [file, Object.values(r.projects)[0]!]));

  it('matches every berth.yaml and every ecosystem.yaml in the workspace', () => {
    expect(createNodesV2[0]).toBe('**/{berth.yaml,ecosystem.yaml}');
  });

  it('adds cached targets to an existing project, and makes a tagged project of a bare folder', async () => {
    const nodes = await infer(['apps/web/berth.yaml', 'lonely/berth.yaml']);
    const web = nodes['apps/web/berth.yaml']!;
    expect(web.root).toBe('apps/web');
    expect(web.name).toBeUndefined(); // the package.json names it
    expect(web.tags).toEqual(['berth-spec']);
    expect(web.targets['validate-ports']).toMatchObject({ command: 'berth-spec ports berth.yaml', options: { cwd: '{projectRoot}' }, cache: true });
    expect(web.targets['validate-env']).toMatchObject({ command: 'berth-spec env berth.yaml', cache: true });
    expect(nodes['lonely/berth.yaml']).toMatchObject({ root: 'lonely', name: 'spec-lonely', tags: ['berth-spec'] });
  });

  it('names two bare folders that share a name by their paths, so Nx never sees one project name twice', async () => {
    for (const env of ['staging', 'prod']) {
      mkdirSync(join(ws, 'deploy', env, 'web'), { recursive: true });
      writeFileSync(join(ws, 'deploy', env, 'web', 'berth.yaml'), `berth: 1\nrepo: { name: web-${env} }\n`);
    }
    const nodes = await infer(['deploy/staging/web/berth.yaml', 'deploy/prod/web/berth.yaml', 'lonely/berth.yaml', 'apps/web/berth.yaml']);
    expect(nodes['deploy/staging/web/berth.yaml']!.name).toBe('spec-deploy-staging-web');
    expect(nodes['deploy/prod/web/berth.yaml']!.name).toBe('spec-deploy-prod-web');
    expect(nodes['lonely/berth.yaml']!.name).toBe('spec-lonely'); // a unique name stays as it was
    expect(nodes['apps/web/berth.yaml']!.name).toBeUndefined(); // its package.json names it, whatever the others are called
  });

  it('caches validate-ports on the spec and the registry it names, validate-env on the spec alone', async () => {
    const web = (await infer(['apps/web/berth.yaml']))['apps/web/berth.yaml']!;
    expect(web.targets['validate-ports']!.inputs).toEqual(['{projectRoot}/berth.yaml', '{workspaceRoot}/infra/ports.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
    expect(web.targets['validate-env']!.inputs).toEqual(['{projectRoot}/berth.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
  });

  it('takes a registry published as an npm package as its file, where berth resolves it: installed (by its contents), a workspace package (a workspace file), not installed (none)', async () => {
    write('node_modules/@acme/ports/package.json', '{ "name": "@acme/ports" }');
    write('node_modules/@acme/ports/ports.yaml', 'registry: 1\nports: []\n');
    write('packages/ws-ports/package.json', '{ "name": "@acme/ws-ports" }');
    write('packages/ws-ports/shared.yaml', 'registry: 1\nports: []\n');
    symlinkSync(join(ws, 'packages/ws-ports'), join(ws, 'node_modules/@acme/ws-ports'));
    write('pkg-ws/berth.yaml', 'berth: 1\nrepo: { name: w }\nregistry: { package: "@acme/ws-ports", file: shared.yaml }\n');
    write('pkg-missing/berth.yaml', 'berth: 1\nrepo: { name: m }\nregistry: { package: "@acme/nowhere" }\n');
    const nodes = await infer(['examples/demo/berth.yaml', 'pkg-ws/berth.yaml', 'pkg-missing/berth.yaml']);
    const inputs = (file: string) => nodes[file]!.targets['validate-ports']!.inputs;
    expect(inputs('examples/demo/berth.yaml')).toEqual(['{projectRoot}/berth.yaml', { runtime: expect.stringMatching(/^node -e '.*' 'node_modules\/@acme\/ports\/ports\.yaml'$/) }, VALIDATOR]);
    expect(inputs('pkg-ws/berth.yaml')).toEqual(['{projectRoot}/berth.yaml', '{workspaceRoot}/packages/ws-ports/shared.yaml', VALIDATOR]);
    expect(inputs('pkg-missing/berth.yaml')).toEqual(['{projectRoot}/berth.yaml', VALIDATOR]);
    // no input Nx would refuse the task for (an externalDependencies entry that is no npm node of the graph)
    for (const file of Object.keys(nodes)) expect(JSON.stringify(inputs(file))).not.toContain('externalDependencies');
  });

  it('reads the registry as YAML: a comment after the key, quoted keys and values, a commented-out line', async () => {
    const nodes = await infer(['commented/berth.yaml', 'quoted/berth.yaml', 'quoted-package/berth.yaml']);
    expect(nodes['commented/berth.yaml']!.targets['validate-ports']!.inputs).toContain('{workspaceRoot}/infra/ports.yaml');
    expect(nodes['commented/berth.yaml']!.targets['validate-ports']!.inputs).not.toContain('{workspaceRoot}/old/ports.yaml');
    expect(nodes['quoted/berth.yaml']!.targets['validate-ports']!.inputs).toContain('{workspaceRoot}/infra/ports.yaml');
    expect(JSON.stringify(nodes['quoted-package/berth.yaml']!.targets['validate-ports']!.inputs)).toContain('node_modules/@acme/ports/ports.yaml');
  });

  it('a spec that does not parse still gets its targets (the validator says what is wrong)', async () => {
    const broken = (await infer(['broken/berth.yaml']))['broken/berth.yaml']!;
    expect(broken.targets['validate-ports']!.inputs).toEqual(['{projectRoot}/berth.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
  });

  it('honours renamed targets, tag and command', async () => {
    const web = (await infer(['apps/web/berth.yaml'], { validatePortsTargetName: 'ports', validateEnvTargetName: 'env', tag: 'infra', command: 'npx berth-spec' }))['apps/web/berth.yaml']!;
    expect(Object.keys(web.targets)).toEqual(['ports', 'env']);
    expect(web.tags).toEqual(['infra']);
    expect(web.targets.ports!.command).toBe('npx berth-spec ports berth.yaml');
  });
});

describe('validate-ports with a registry outside the workspace (registry: ../orchestrator/ports.yaml, as the README shows)', () => {
  let outer: string;
  let ws: string;
  beforeAll(() => {
    outer = mkdtempSync(join(tmpdir(), 'berth-nx-outside-'));
    ws = join(outer, 'acme-app');
    mkdirSync(join(outer, 'orchestrator'), { recursive: true });
    mkdirSync(ws);
    writeFileSync(join(outer, 'orchestrator/ports.yaml'), 'registry: 1\nports:\n  - { port: 8080, repo: acme-app, service: web }\n');
    writeFileSync(join(ws, 'berth.yaml'), 'berth: 1\nrepo: { name: acme-app }\nregistry: ../orchestrator/ports.yaml\n');
  });
  afterAll(() => rmSync(outer, { recursive: true, force: true }));

  it('hashes the registry by its contents (a runtime input), never as a {workspaceRoot}/.. path Nx ignores', async () => {
    const node = Object.values((await createNodesV2[1](['berth.yaml'], {}, { workspaceRoot: ws }))[0]![1].projects)[0]!;
    const inputs = node.targets['validate-ports']!.inputs as ({ runtime?: string } | string)[];
    expect(inputs.filter((i) => typeof i === 'string' && i.includes('..'))).toEqual([]);
    expect(inputs).toEqual(['{projectRoot}/berth.yaml', { runtime: expect.stringMatching(/^node -e '.*' '\.\.\/orchestrator\/ports\.yaml'$/) }, { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
    const run = () => execFileSync('sh', ['-c', (inputs[1] as { runtime: string }).runtime], { cwd: ws, encoding: 'utf8' }).trim();
    const before = run();
    expect(run()).toBe(before);
    // The orchestrator gives 8080 to another repo: the hash changes, so Nx runs the check again instead of replaying "ports ok".
    writeFileSync(join(outer, 'orchestrator/ports.yaml'), 'registry: 1\nports:\n  - { port: 8080, repo: billing, service: api }\n');
    expect(run()).not.toBe(before);
  });
});

describe('validate-ports with a registry Nx does not hash (git-ignored, as an orchestrator cloned into vendor/)', () => {
  let ws: string;
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-nx-ignored-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(ws, path, '..'), { recursive: true });
      writeFileSync(join(ws, path), text);
    };
    write('.gitignore', 'vendor/\n');
    write('vendor/orchestrator/ports.yaml', 'registry: 1\nports: []\n');
    write('infra/ports.yaml', 'registry: 1\nports: []\n');
    write('apps/web/berth.yaml', 'berth: 1\nrepo: { name: web }\nregistry: ../../vendor/orchestrator/ports.yaml\n');
    write('apps/api/berth.yaml', 'berth: 1\nrepo: { name: api }\nregistry: ../../infra/ports.yaml\n');
    execFileSync('git', ['init', '-q'], { cwd: ws });
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  it('hashes an ignored registry by its contents, and a tracked one as a workspace file', async () => {
    const nodes = Object.fromEntries((await createNodesV2[1](['apps/web/berth.yaml', 'apps/api/berth.yaml'], {}, { workspaceRoot: ws })).map(([f, r]) => [f, Object.values(r.projects)[0]!]));
    const web = nodes['apps/web/berth.yaml']!.targets['validate-ports']!.inputs as ({ runtime?: string } | string)[];
    expect(web).toEqual(['{projectRoot}/berth.yaml', { runtime: expect.stringMatching(/^node -e '.*' 'vendor\/orchestrator\/ports\.yaml'$/) }, VALIDATOR]);
    expect(nodes['apps/api/berth.yaml']!.targets['validate-ports']!.inputs).toEqual(['{projectRoot}/berth.yaml', '{workspaceRoot}/infra/ports.yaml', VALIDATOR]);
    // the hash follows the ignored file's contents: a port given away there runs the check again
    const run = () => execFileSync('sh', ['-c', (web[1] as { runtime: string }).runtime], { cwd: ws, encoding: 'utf8' }).trim();
    const before = run();
    writeFileSync(join(ws, 'vendor/orchestrator/ports.yaml'), 'registry: 1\nports:\n  - { port: 8080, repo: billing, service: api }\n');
    expect(run()).not.toBe(before);
  });
});

describe('validate-ecosystem, inferred for every ecosystem.yaml', () => {
  let ws: string;
  let outside: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@berth.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@berth.invalid', GIT_CONFIG_NOSYSTEM: '1' } });
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'berth-nx-eco-'));
    ws = join(outside, 'workspace');
    // Members every way the manifest finds them: a folder and a file in the workspace, a repo cloned beside the workspace,
    // an npm package, a git tag of a local clone; an include by path with a member of its own, and one at a git ref.
    write(join(ws, 'orchestrator/ecosystem.yaml'), [
      'ecosystem: 1',
      'name: demo',
      'members:',
      '  - { repo: data, path: ../data }',
      '  - { repo: web, path: ../web/infra.yaml }',
      '  - { repo: sibling, path: ../../sibling }',
      '  - { repo: publisher, package: "@acme/publisher-infra" }',
      "  - { repo: tools, git: ../tools, ref: v1 }",
      'include:',
      '  - { path: ../platform }',
      '  - { git: ../tools, ref: main, file: ecosystem.yaml }',
      '',
    ].join('\n'));
    write(join(ws, 'orchestrator/ports.yaml'), 'registry: 1\nports: []\n');
    write(join(ws, 'data/berth.yaml'), 'berth: 1\nrepo: { name: data }\n');
    write(join(ws, 'web/infra.yaml'), 'berth: 1\nrepo: { name: web }\n');
    write(join(ws, 'platform/ecosystem.yaml'), 'ecosystem: 1\nname: platform\nregistry: { package: "@acme/ignored" }\nmembers:\n  - { repo: infra, path: ../infra }\n');
    mkdirSync(join(ws, 'infra'));
    // the member published as an npm package: here a workspace package, linked into node_modules as npm links one
    write(join(ws, 'packages/publisher-infra/package.json'), '{ "name": "@acme/publisher-infra" }');
    write(join(ws, 'packages/publisher-infra/berth.yaml'), 'berth: 1\nrepo: { name: publisher }\n');
    mkdirSync(join(ws, 'node_modules/@acme'), { recursive: true });
    symlinkSync(join(ws, 'packages/publisher-infra'), join(ws, 'node_modules/@acme/publisher-infra'));
    // another tool's ecosystem.yaml (pm2's): no project of berth's
    write(join(ws, 'ops/pm2/ecosystem.yaml'), 'apps:\n  - { name: web, script: server.js }\n');
    write(join(outside, 'sibling/berth.yaml'), 'berth: 1\nrepo: { name: sibling }\n');
    write(join(ws, 'tools/berth.yaml'), 'berth: 1\nrepo: { name: tools }\n');
    git(join(ws, 'tools'), 'init', '-q', '-b', 'main');
    git(join(ws, 'tools'), 'add', 'berth.yaml');
    git(join(ws, 'tools'), 'commit', '-q', '-m', 'spec');
    git(join(ws, 'tools'), 'tag', 'v1');
    write(join(ws, 'broken/ecosystem.yaml'), 'ecosystem: 1\nmembers: [\n');
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const infer = async (file: string, options: unknown = {}) => Object.values((await createNodesV2[1]([file], options, { workspaceRoot: ws }))[0]![1].projects)[0]!;

  it('makes a project of the manifest\'s folder, tagged berth-ecosystem, with one cached target', async () => {
    const node = await infer('orchestrator/ecosystem.yaml');
    expect(node).toMatchObject({ root: 'orchestrator', name: 'spec-orchestrator', tags: ['berth-ecosystem'] });
    expect(node.targets['validate-ecosystem']).toMatchObject({ command: 'berth-ecosystem check ecosystem.yaml', options: { cwd: '{projectRoot}' }, cache: true });
  });

  it('is cached on the manifest, its registry, every member\'s spec as the manifest finds it, and its includes', async () => {
    const inputs = (await infer('orchestrator/ecosystem.yaml')).targets['validate-ecosystem']!.inputs;
    expect(inputs).toEqual([
      '{workspaceRoot}/orchestrator/ecosystem.yaml',
      '{workspaceRoot}/orchestrator/ports.yaml',
      '{workspaceRoot}/data/berth.yaml',
      '{workspaceRoot}/web/infra.yaml',
      '{workspaceRoot}/packages/publisher-infra/berth.yaml', // the package's file, where berth resolves it
      '{workspaceRoot}/platform/ecosystem.yaml',
      '{workspaceRoot}/infra/berth.yaml', // an included manifest's registry (@acme/ignored) is not used: not an input
      { runtime: "git -C 'tools' rev-parse --verify --quiet 'v1^{commit}' || echo missing" },
      { runtime: "git -C 'tools' rev-parse --verify --quiet 'main^{commit}' || echo missing" },
      { runtime: expect.stringMatching(/^node -e '.*' '\.\.\/sibling\/berth\.yaml'$/) },
      { dependentTasksOutputFiles: '**/*.js', transitive: true },
    ]);
  });

  it('its runtime inputs change exactly when the commit behind a ref, or a file outside the workspace, changes', async () => {
    const inputs = (await infer('orchestrator/ecosystem.yaml')).targets['validate-ecosystem']!.inputs as ({ runtime?: string } | string)[];
    const run = (command: string) => execFileSync('sh', ['-c', command], { cwd: ws, encoding: 'utf8' }).trim();
    const [tag, , files] = inputs.flatMap((i) => (typeof i === 'object' && i.runtime ? [i.runtime] : []));
    expect(run(tag!)).toBe(git(join(ws, 'tools'), 'rev-parse', 'v1').trim());
    const before = run(files!);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(run(files!)).toBe(before);
    writeFileSync(join(outside, 'sibling/berth.yaml'), 'berth: 1\nrepo: { name: sibling }\nservices: {}\n');
    expect(run(files!)).not.toBe(before);
    git(join(ws, 'tools'), 'commit', '-q', '--allow-empty', '-m', 'moved');
    git(join(ws, 'tools'), 'tag', '-f', 'v1');
    expect(run(tag!)).toBe(git(join(ws, 'tools'), 'rev-parse', 'v1').trim());
  });

  it('leaves another tool\'s ecosystem.yaml (one that says no `ecosystem:`) alone: no project, no target', async () => {
    expect(await createNodesV2[1](['ops/pm2/ecosystem.yaml'], {}, { workspaceRoot: ws })).toEqual([]);
  });

  it('a manifest that does not parse is its own only input (the validator says what is wrong); names and tag can be changed', async () => {
    expect((await infer('broken/ecosystem.yaml')).targets['validate-ecosystem']!.inputs).toEqual(['{workspaceRoot}/broken/ecosystem.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
    const node = await infer('orchestrator/ecosystem.yaml', { validateEcosystemTargetName: 'eco', ecosystemTag: 'infra', ecosystemCommand: 'npx berth-ecosystem' });
    expect(node.tags).toEqual(['infra']);
    expect(node.targets.eco!.command).toBe('npx berth-ecosystem check ecosystem.yaml');
  });
});

describe('this workspace\'s task graph, as Nx itself computes it', () => {
  const nxPackage = createRequire(import.meta.url).resolve('nx/package.json');
  const nxBin = join(nxPackage, '..', (JSON.parse(readFileSync(nxPackage, 'utf8')) as { bin: Record<string, string> }).bin.nx!);
  const nx = (args: string[]) => spawnSync(process.execPath, [nxBin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' }, timeout: 90_000 });

  it('runs validate-ports and validate-env of every spec before the CLI builds', () => {
    const r = nx(['show', 'project', 'cli', '--json']);
    expect(r.status).toBe(0);
    const build = (JSON.parse(r.stdout) as { targets: { build: { dependsOn: unknown[] } } }).targets.build;
    expect(build.dependsOn).toEqual(expect.arrayContaining([{ projects: 'tag:berth-spec', target: 'validate-ports' }, { projects: 'tag:berth-spec', target: 'validate-env' }, { projects: 'tag:berth-ecosystem', target: 'validate-ecosystem' }]));
    const specs = nx(['show', 'projects', '--with-target', 'validate-ports', '--json']);
    expect(JSON.parse(specs.stdout)).toContain('spec-semops-data');
  }, 120_000);

  /** The files Nx hashes for a task, as it computes them. */
  const inputFiles = (task: string) => {
    const r = nx(['show', 'target', 'inputs', task, '--json']);
    expect(r.status, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { files: string[] }).files;
  };

  it('cli:build hashes examples/, which it copies into dist/ (a cached build never ships a stale example)', () => {
    const files = inputFiles('cli:build');
    expect(files).toEqual(expect.arrayContaining(['examples/semops-data/berth.yaml', 'examples/semops-dx-orchestrator/ecosystem.yaml', 'examples/semops-dx-orchestrator/ports.yaml']));
  }, 120_000);

  it('a test that runs another project\'s code lives in that project, so nx affected selects it when the code changes', () => {
    const affected = (file: string, target: string) => {
      const r = nx(['show', 'projects', '--affected', `--files=${file}`, '-t', target, '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as string[];
    };
    // The bad-input corpus through the built CLI, wherever it lives: a CLI change must select its project.
    const testFiles = ['packages', 'apps', 'tools'].flatMap((d) => readdirSync(join(root, d)).flatMap((p) => ['src', 'test'].flatMap((sub) => {
      const dir = join(root, d, p, sub);
      return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.test\.tsx?$/.test(f)).map((f) => `${d}/${p}/${sub}/${f}`) : [];
    })));
    const corpusThroughCli = testFiles.filter((f) => f !== 'tools/nx-berth/test/plugin.test.ts' && readFileSync(join(root, f), 'utf8').includes('the bad-input corpus, through the real CLI'));
    expect(corpusThroughCli).toHaveLength(1);
    const owner = (JSON.parse(readFileSync(join(root, corpusThroughCli[0]!.split('/').slice(0, 2).join('/'), 'package.json'), 'utf8')) as { nx: { name: string } }).nx.name;
    expect(affected('apps/cli/src/exit-codes.ts', 'test')).toContain(owner);
    // The dashboard's browser tests build apps/ui: a UI change must select them.
    expect(affected('apps/ui/src/main.tsx', 'e2e')).toContain('ui');
  }, 180_000);

  it('runs validate-ecosystem of the bundled ecosystem before every app builds, cached on the manifest, the registry and both members\' specs', () => {
    // The CLI's, as Nx computes it, is checked above; the other apps declare the same.
    for (const app of ['api', 'ui']) {
      const build = (JSON.parse(readFileSync(join(root, 'apps', app, 'package.json'), 'utf8')) as { nx: { targets: { build: { dependsOn: unknown[] } } } }).nx.targets.build;
      expect(build.dependsOn).toContainEqual({ projects: 'tag:berth-ecosystem', target: 'validate-ecosystem' });
    }
    const r = nx(['show', 'project', 'spec-semops-dx-orchestrator', '--json']);
    expect(r.status).toBe(0);
    const project = JSON.parse(r.stdout) as { tags: string[]; targets: Record<string, Target & { dependsOn: unknown[] }> };
    expect(project.tags).toEqual(['berth-ecosystem']);
    expect(project.targets['validate-ecosystem']).toMatchObject({ options: { command: 'berth-ecosystem check ecosystem.yaml', cwd: 'examples/semops-dx-orchestrator' }, cache: true, dependsOn: [{ projects: ['ecosystem'], target: 'build' }] });
    expect(project.targets['validate-ecosystem']!.inputs).toEqual([
      '{workspaceRoot}/examples/semops-dx-orchestrator/ecosystem.yaml',
      '{workspaceRoot}/examples/semops-dx-orchestrator/ports.yaml',
      '{workspaceRoot}/examples/semops-data/berth.yaml',
      '{workspaceRoot}/apps/api/berth.yaml',
      { dependentTasksOutputFiles: '**/*.js', transitive: true },
    ]);
  }, 120_000);
});

const validatorBuilt = existsSync(join(root, 'packages/spec/dist/validate-cli.js'));
describe.skipIf(!validatorBuilt)(`berth-spec, the command the targets run${validatorBuilt ? '' : ' (skipped: packages/spec/dist is not built; `npm test` builds it through cli:build)'}`, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-conflict-'));
    cpSync(join(root, 'examples'), dir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => spawnSync(process.execPath, [join(root, 'packages/spec/bin/berth-spec.mjs'), ...args], { cwd: join(dir, 'semops-data'), encoding: 'utf8', timeout: 30_000 });

  it('passes on the example as shipped', () => {
    expect(run(['ports', 'berth.yaml']).status).toBe(0);
    expect(run(['env', 'berth.yaml']).status).toBe(0);
  });

  it('exits 1 with the validator\'s own message when a port conflict is introduced', () => {
    const spec = join(dir, 'semops-data/berth.yaml');
    const text = readFileSync(spec, 'utf8').replace('\nmodules:\n', '\n  notebook-proxy:\n    name: Notebook proxy\n    ports: [8888]\n\nmodules:\n');
    writeFileSync(spec, text);
    const r = run(['ports', 'berth.yaml']);
    expect(r.status).toBe(1);
    // The same lines the analysis gives in-process: berth-spec adds nothing and hides nothing.
    const cwd = join(dir, 'semops-data');
    const loaded = loadSpecFile('berth.yaml', cwd);
    const registry = loadRegistryFile('../semops-dx-orchestrator/ports.yaml', cwd);
    const report = analyzePorts({ specs: [{ spec: loaded.value!, file: 'berth.yaml', source: loaded.source! }], registry: { value: registry.value!, file: registry.file, source: registry.source! } });
    const errors = report.problems.filter((p) => p.severity === 'error').map(formatProblem);
    expect(errors.some((e) => e.includes('8888'))).toBe(true);
    for (const line of errors) expect(r.stderr).toContain(line);
    expect(r.stderr).toMatch(/^berth\.yaml:\d+:\d+: .*8888/m);
  });
});

const ecosystemBuilt = existsSync(join(root, 'packages/ecosystem/dist/check-cli.js'));
describe.skipIf(!ecosystemBuilt)(`berth-ecosystem, the command validate-ecosystem runs${ecosystemBuilt ? '' : ' (skipped: packages/ecosystem/dist is not built; nx-plugin:test builds it first)'}`, () => {
  let tree: Tree | undefined;
  afterEach(() => tree?.cleanup());
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [join(root, 'packages/ecosystem/bin/berth-ecosystem.mjs'), ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 });

  it('passes on the bundled ecosystem, printing the warnings semops-data\'s own validate gives', () => {
    const r = run(['check', 'ecosystem.yaml'], join(root, 'examples/semops-dx-orchestrator'));
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe(
      '../semops-data/berth.yaml:70:9: warning: semops-data: port 5000/tcp is forwarded by the devcontainer for mlflow and published by Compose service marquez (../semops-data/berth.yaml:88:9): while the devcontainer is open the editor holds localhost:5000, so marquez cannot start, though the two are declared exclusive (give one of them another port, or close the devcontainer before starting marquez)\n' +
        '../semops-data/berth.yaml:88:9: warning: semops-data: port 5000/tcp is published by both mlflow (../semops-data/berth.yaml:70:9) and marquez (api); they are declared exclusive, so they cannot run together\n' +
        'ecosystem.yaml: ecosystem semops ok (2 members)\n',
    );
  });

  it('exits 1 with the cross-repo error when a member (read at a git tag) takes another\'s port, 2 when a member is missing or the usage is wrong', () => {
    tree = makeTree({ tools: TOOLS.replace('ports: [8300]', 'ports: [8200]') });
    const cwd = join(tree.root, 'orchestrator');
    const conflict = run(['check', 'ecosystem.yaml'], cwd);
    expect(conflict.status).toBe(1);
    expect(conflict.stderr).toContain('../tools@v1:berth.yaml:6:13: tools: port 8200/tcp is published by both web/ui (../web/berth.yaml:6:13) and tools/docs; only one of them can bind it');
    tree.write('orchestrator/ecosystem.yaml', MANIFEST.replace('path: ../data', 'path: ../dta'));
    const missing = run(['check', '.'], cwd);
    expect(missing.status).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('ecosystem.yaml:6:5: member data (../dta): no such file or folder (fix the path, clone the repo beside the others, or remove the member)');
    expect(run(['ports', 'ecosystem.yaml'], cwd)).toMatchObject({ status: 2, stderr: 'usage: berth-ecosystem check <ecosystem.yaml | folder> [--registry FILE]\n' });
  });
});
