import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @berth/spec as another repo gets it: built to ESM with .d.ts, packed with `npm pack`, unpacked into
 * a scratch consumer project outside the workspace (its dependencies linked from the workspace's
 * node_modules: no network), then imported by plain Node and type-checked by tsc.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkgDir = join(root, 'packages/spec');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; files: string[] };

describe('@berth/spec packed and imported from a project outside the workspace', () => {
  let tmp: string;
  let consumer: string;
  let tarball: string;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'berth-pack-'));
    // Build into a staging copy, so the shared packages/spec/dist is never half-written under other tests.
    const stage = join(tmp, 'stage');
    mkdirSync(stage);
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(pkgDir, 'tsconfig.lib.json'), '--outDir', join(stage, 'dist'), '--tsBuildInfoFile', join(tmp, 'tsbuildinfo')], { stdio: 'pipe' });
    cpSync(join(root, 'docs/schema'), join(stage, 'dist/schema'), { recursive: true });
    for (const f of ['package.json', 'bin', 'README.md']) cpSync(join(pkgDir, f), join(stage, f), { recursive: true });
    const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: stage, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
    tarball = join(tmp, (JSON.parse(packed) as { filename: string }[])[0]!.filename);

    consumer = join(tmp, 'consumer');
    const installed = join(consumer, 'node_modules/@berth/spec');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(root, 'node_modules', dep), join(consumer, 'node_modules', dep), 'dir');
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'scratch-consumer', private: true, type: 'module', dependencies: { '@berth/spec': pkg.version } }));
    cpSync(join(root, 'examples'), join(consumer, 'examples'), { recursive: true });
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('packs only what a consumer needs: ESM, declarations, the schemas and the bin', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/schema/berth.schema.json', 'package/bin/berth-spec.mjs', 'package/README.md']));
    expect(listing.filter((f) => /\/src\/|\.test\.|tsbuildinfo/.test(f))).toEqual([]);
  });

  it('imports with plain Node (no TypeScript, no source condition) and loads the example', () => {
    writeFileSync(
      join(consumer, 'main.mjs'),
      `import { loadSpecFile, formatProblem } from '@berth/spec';
import { renderInfrastructurePage } from '@berth/spec/render';
import { specJsonSchema } from '@berth/spec/json-schema';
import { createRequire } from 'node:module';
const r = loadSpecFile('examples/semops-data/berth.yaml');
const schema = createRequire(import.meta.url)('@berth/spec/schema/berth.schema.json');
console.log(JSON.stringify({ file: r.file, services: Object.keys(r.value.services), problems: r.problems.map(formatProblem), page: renderInfrastructurePage(r.value).split('\\n')[0], schema: schema.title, same: JSON.stringify(specJsonSchema()) === JSON.stringify(schema) }));
`,
    );
    const out = execFileSync(process.execPath, ['main.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      file: 'examples/semops-data/berth.yaml',
      services: ['python', 'dbt', 'jupyter', 'mlflow', 'marquez', 'marquez-web'],
      problems: [],
      page: '# Infrastructure',
      schema: 'berth.yaml',
      same: true,
    });
    // Resolved from the consumer's node_modules, never from the workspace.
    const where = execFileSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@berth/spec'))"], { cwd: consumer, encoding: 'utf8' }).trim();
    expect(where).toBe(`file://${join(consumer, 'node_modules/@berth/spec/dist/index.js')}`);
  });

  it('requires from CommonJS too (Node 20.19+ loads an ES module with require; the exports map says where)', () => {
    writeFileSync(join(consumer, 'main.cjs'), "const { parseSpec, formatProblem } = require('@berth/spec');\nconst { renderInfrastructurePage } = require('@berth/spec/render');\nconst r = parseSpec('berth: 1\\nrepo: { name: cjs }\\n');\nconsole.log(JSON.stringify({ name: r.value.repo.name, problems: r.problems.map(formatProblem), page: typeof renderInfrastructurePage }));\n");
    const r = spawnSync(process.execPath, ['main.cjs'], { cwd: consumer, encoding: 'utf8' });
    expect(r.stderr.replace(/^.*ExperimentalWarning.*\n|^\(Use `node --trace-warnings.*\n/gm, '')).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ name: 'cjs', problems: [], page: 'function' });
  });

  it('type-checks a TypeScript consumer against the packed declarations', () => {
    writeFileSync(
      join(consumer, 'main.ts'),
      `import { loadSpecFile, type BerthSpec, type Problem } from '@berth/spec';
import { renderInfrastructurePage } from '@berth/spec/render';
const r = loadSpecFile('examples/semops-data/berth.yaml');
const spec: BerthSpec | undefined = r.value;
const ports: number[] = Object.values(spec?.services ?? {}).flatMap((s) => (s.ports ?? []).map((p) => p.host.from));
const problems: Problem[] = r.problems;
export const summary = { ports, problems: problems.length, page: spec ? renderInfrastructurePage(spec).length : 0 };
`,
    );
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['main.ts'] }));
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', consumer], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('ships the berth-spec validator bin, runnable from the consumer', () => {
    expect(existsSync(join(consumer, 'node_modules/@berth/spec/dist/validate-cli.js'))).toBe(true);
    const r = spawnSync(process.execPath, ['node_modules/@berth/spec/bin/berth-spec.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: berth-spec');
    expect(readdirSync(join(consumer, 'node_modules/@berth/spec'))).toEqual(expect.arrayContaining(['bin', 'dist', 'package.json']));
  });
});
