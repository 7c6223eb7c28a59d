import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every publishable package of the workspace as npm packs it: what its tarball carries (its `files`) and how it
 * names its siblings. A package without `files` falls back to .gitignore, which excludes dist/: @berth/api once
 * packed its src/ and tests and no dist/.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
type Manifest = { name: string; version: string; private?: boolean; main?: string; bin?: string | Record<string, string>; exports?: unknown; files?: string[] } & Partial<Record<'dependencies' | 'peerDependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string>>>;
const folders = ['packages', 'apps', 'tools'].flatMap((d) => readdirSync(join(root, d)).map((f) => `${d}/${f}`)).filter((p) => existsSync(join(root, p, 'package.json')));
const manifests = folders.map((folder) => ({ folder, pkg: JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as Manifest }));
const published = manifests.filter((m) => !m.pkg.private);

/** Every file a manifest points a consumer at: main, bin, and each exports target but the workspace's source condition. */
function entryPoints(pkg: Manifest): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      if (key !== '@berth/source') out.push(v);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(pkg.exports);
  walk(pkg.main);
  walk(pkg.bin);
  return out.map((p) => p.replace(/^\.\//, ''));
}

describe('every published package ships its build and no tests', () => {
  it.each(published.map((m) => [m.pkg.name, m] as const))('%s lists `files`, and they cover every entry point', (_name, { pkg }) => {
    expect(pkg.files, 'without `files` npm falls back to .gitignore, which excludes dist/').toBeInstanceOf(Array);
    const uncovered = entryPoints(pkg).filter((p) => p !== 'package.json' && !pkg.files!.some((f) => p === f || p.startsWith(`${f.replace(/\/$/, '')}/`)));
    expect(uncovered).toEqual([]);
  });

  it.each(published.map((m) => [m.pkg.name, m] as const))('%s: npm pack carries no source tests or test folders', (_name, { folder }) => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(root, folder), encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } })) as { files: { path: string }[] }[];
    const paths = packed[0]!.files.map((f) => f.path);
    expect(paths.filter((p) => /(^|\/)test\/|\.test\.tsx?$|^src\//.test(p))).toEqual([]);
  }, 60_000);
});

describe('the packages name each other by caret ranges', () => {
  const versions = new Map(manifests.map((m) => [m.pkg.name, m.pkg.version]));
  it.each(manifests.map((m) => [m.pkg.name, m] as const))('%s: every @berth/* dependency and peer is ^<its version>', (_name, { pkg }) => {
    const ranges = (['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies'] as const).flatMap((field) => Object.entries(pkg[field] ?? {}).filter(([dep]) => versions.has(dep)).map(([dep, range]) => [field, dep, range]));
    // An exact pin (0.1.0) makes a patch release of @berth/spec an invalid tree or a second copy of it.
    expect(ranges.filter(([, dep, range]) => range !== `^${versions.get(dep!)}`)).toEqual([]);
  });
});

/** Whether an installed package carries its own declarations (else a consumer needs @types/<name>). */
function shipsTypes(dep: string): boolean {
  const dir = join(root, 'node_modules', dep);
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { types?: string; typings?: string; exports?: unknown };
  return !!(pj.types || pj.typings || JSON.stringify(pj.exports ?? '').includes('"types"') || existsSync(join(dir, 'index.d.ts')));
}

describe('the public declarations of every published package resolve from what it declares', () => {
  const built = published.filter((m) => existsSync(join(root, m.folder, 'dist')));
  it.each(built.map((m) => [m.pkg.name, m] as const))('%s: each package its .d.ts files import is a dependency (with its @types where it has no types of its own)', (_name, { folder, pkg }) => {
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const imported = new Set<string>();
    for (const f of readdirSync(join(root, folder, 'dist'), { recursive: true }) as string[]) {
      if (!f.endsWith('.d.ts')) continue;
      for (const m of readFileSync(join(root, folder, 'dist', f), 'utf8').matchAll(/(?:from |import\()'([^.'][^']*)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    imported.delete(pkg.name);
    const missing = [...imported].flatMap((dep) => {
      if (!declared.has(dep)) return [dep];
      if (dep.startsWith('@berth/') || shipsTypes(dep)) return [];
      const types = `@types/${dep.startsWith('@') ? dep.slice(1).replace('/', '__') : dep}`;
      return declared.has(types) ? [] : [types];
    });
    expect(missing).toEqual([]);
  });
});

describe('every tsc build clears its dist/ first', () => {
  type Scripts = { scripts?: { build?: string } };
  const tscBuilds = manifests.filter((m) => /\btsc -p tsconfig\.lib\.json/.test((m.pkg as Scripts).scripts?.build ?? ''));
  it.each(tscBuilds.map((m) => [m.pkg.name, m] as const))('%s', (_name, { pkg }) => {
    // tsc never deletes: a removed source's .js/.d.ts would stay, be cached by Nx as the build's output and be packed.
    const build = (pkg as Scripts).scripts!.build!;
    expect(build.indexOf("rmSync('dist'")).toBeGreaterThanOrEqual(0);
    expect(build.indexOf("rmSync('dist'")).toBeLessThan(build.indexOf('tsc -p'));
  });
});
