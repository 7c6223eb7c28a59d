import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePorts, formatProblem, loadRegistryFile, loadSpecFile } from '@berth/spec';

const root = fileURLToPath(new URL('../../../', import.meta.url));
type Target = { command: string; options: { cwd: string }; cache: boolean; inputs: unknown[] };
type Node = { root: string; name?: string; tags: string[]; targets: Record<string, Target> };
type CreateNodesV2 = [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Promise<[string, { projects: Record<string, Node> }][]>];
const { createNodesV2 } = createRequire(import.meta.url)('../index.cjs') as { createNodesV2: CreateNodesV2 };

describe('the Nx plugin infers validate-ports and validate-env for every berth.yaml', () => {
  let ws: string;
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-nx-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(ws, path, '..'), { recursive: true });
      writeFileSync(join(ws, path), text);
    };
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

  it('matches every berth.yaml in the workspace', () => {
    expect(createNodesV2[0]).toBe('**/berth.yaml');
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

  it('caches validate-ports on the spec and the registry it names, validate-env on the spec alone', async () => {
    const web = (await infer(['apps/web/berth.yaml']))['apps/web/berth.yaml']!;
    expect(web.targets['validate-ports']!.inputs).toEqual(['{projectRoot}/berth.yaml', '{workspaceRoot}/infra/ports.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
    expect(web.targets['validate-env']!.inputs).toEqual(['{projectRoot}/berth.yaml', { dependentTasksOutputFiles: '**/*.js', transitive: true }]);
  });

  it('takes a registry published as an npm package as an external dependency input', async () => {
    const demo = (await infer(['examples/demo/berth.yaml']))['examples/demo/berth.yaml']!;
    expect(demo.targets['validate-ports']!.inputs).toContainEqual({ externalDependencies: ['@acme/ports'] });
  });

  it('reads the registry as YAML: a comment after the key, quoted keys and values, a commented-out line', async () => {
    const nodes = await infer(['commented/berth.yaml', 'quoted/berth.yaml', 'quoted-package/berth.yaml']);
    expect(nodes['commented/berth.yaml']!.targets['validate-ports']!.inputs).toContain('{workspaceRoot}/infra/ports.yaml');
    expect(nodes['commented/berth.yaml']!.targets['validate-ports']!.inputs).not.toContain('{workspaceRoot}/old/ports.yaml');
    expect(nodes['quoted/berth.yaml']!.targets['validate-ports']!.inputs).toContain('{workspaceRoot}/infra/ports.yaml');
    expect(nodes['quoted-package/berth.yaml']!.targets['validate-ports']!.inputs).toContainEqual({ externalDependencies: ['@acme/ports'] });
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

describe('this workspace\'s task graph, as Nx itself computes it', () => {
  const nxPackage = createRequire(import.meta.url).resolve('nx/package.json');
  const nxBin = join(nxPackage, '..', (JSON.parse(readFileSync(nxPackage, 'utf8')) as { bin: Record<string, string> }).bin.nx!);
  const nx = (args: string[]) => spawnSync(process.execPath, [nxBin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true' }, timeout: 90_000 });

  it('runs validate-ports and validate-env of every spec before the CLI builds', () => {
    const r = nx(['show', 'project', 'cli', '--json']);
    expect(r.status).toBe(0);
    const build = (JSON.parse(r.stdout) as { targets: { build: { dependsOn: unknown[] } } }).targets.build;
    expect(build.dependsOn).toEqual(expect.arrayContaining([{ projects: 'tag:berth-spec', target: 'validate-ports' }, { projects: 'tag:berth-spec', target: 'validate-env' }]));
    const specs = nx(['show', 'projects', '--with-target', 'validate-ports', '--json']);
    expect(JSON.parse(specs.stdout)).toContain('spec-semops-data');
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
