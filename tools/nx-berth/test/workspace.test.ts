import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
type Target = { command: string; options?: { cwd?: string }; cache: boolean; inputs: unknown[]; parallelism?: boolean };
type Node = { targets: Record<string, Target> };
type CreateNodesV2 = [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Promise<[string, { projects: Record<string, Node> }][]>];
const { createNodesV2 } = createRequire(import.meta.url)('../workspace.cjs') as { createNodesV2: CreateNodesV2 };

describe('the workspace convention: every package, app and tool gets its targets with no wiring of its own', () => {
  let ws: string;
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'berth-nx-ws-'));
    const write = (path: string, text = '') => {
      mkdirSync(join(ws, path, '..'), { recursive: true });
      writeFileSync(join(ws, path), text);
    };
    write('packages/fresh/package.json', '{ "name": "@berth/fresh" }');
    write('packages/fresh/tsconfig.json', '{}');
    write('packages/fresh/src/thing.test.ts');
    write('apps/web/package.json', '{ "name": "@berth/web" }');
    write('apps/web/tsconfig.json', '{}');
    write('apps/web/test/page.e2e.test.ts');
    write('apps/web/test/real.corpus.test.ts');
    write('apps/web/dist/stale.test.ts'); // build output is never a test
    write('tools/script/package.json', '{ "name": "script" }');
  });
  afterAll(() => rmSync(ws, { recursive: true, force: true }));

  const infer = async (files: string[]) => Object.fromEntries((await createNodesV2[1](files, {}, { workspaceRoot: ws })).map(([file, r]) => [file, Object.values(r.projects)[0]!.targets]));

  it('matches the package.json of each folder under packages/, apps/ and tools/', () => {
    expect(createNodesV2[0]).toBe('{packages,apps,tools}/*/package.json');
  });

  it('gives each one `test` (vitest project unit on its folder), cached on the Node version and the test peers', async () => {
    const t = await infer(['packages/fresh/package.json', 'apps/web/package.json', 'tools/script/package.json']);
    expect(t['packages/fresh/package.json']!.test).toMatchObject({ command: 'vitest run --project unit packages/fresh/', cache: true });
    expect(t['tools/script/package.json']!.test!.command).toBe('vitest run --project unit tools/script/');
    expect(t['packages/fresh/package.json']!.test!.inputs).toEqual(expect.arrayContaining([{ runtime: 'node --version' }, { runtime: 'node tools/nx-berth/test-peers.cjs' }, 'testFixtures', '^production']));
  });

  it('adds e2e (one at a time) and corpus (never cached) only where such files exist', async () => {
    const t = await infer(['packages/fresh/package.json', 'apps/web/package.json']);
    expect(t['apps/web/package.json']!.e2e).toMatchObject({ command: 'vitest run --project e2e apps/web/', parallelism: false });
    expect(t['apps/web/package.json']!.corpus).toMatchObject({ command: 'vitest run --project corpus apps/web/', cache: false });
    expect(Object.keys(t['packages/fresh/package.json']!).sort()).toEqual(['test', 'typecheck']);
  });

  it('type-checks a folder holding a tsconfig.json with it, in the folder', async () => {
    const t = await infer(['packages/fresh/package.json', 'tools/script/package.json']);
    expect(t['packages/fresh/package.json']!.typecheck).toMatchObject({ command: 'tsc -p tsconfig.json --noEmit', options: { cwd: 'packages/fresh' }, cache: true });
    expect(t['tools/script/package.json']!.typecheck).toBeUndefined();
  });
});

describe("this workspace's projects, as Nx itself computes them", () => {
  const nxPackage = createRequire(import.meta.url).resolve('nx/package.json');
  const nxBin = join(nxPackage, '..', (JSON.parse(readFileSync(nxPackage, 'utf8')) as { bin: Record<string, string> }).bin.nx!);

  it('gives every package, app and tool test, lint and typecheck', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'berth-nx-graph-')), 'graph.json');
    const r = spawnSync(process.execPath, [nxBin, 'graph', `--file=${out}`], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const graph = JSON.parse(readFileSync(out, 'utf8')) as { graph: { nodes: Record<string, { data: { root: string; targets: Record<string, unknown> } }> } };
    rmSync(join(out, '..'), { recursive: true, force: true });
    const byRoot = new Map(Object.values(graph.graph.nodes).map((n) => [n.data.root, Object.keys(n.data.targets)]));
    const folders = ['packages', 'apps', 'tools'].flatMap((d) => readdirSync(join(root, d)).map((f) => `${d}/${f}`)).filter((p) => existsSync(join(root, p, 'package.json')));
    expect(folders.length).toBeGreaterThanOrEqual(8);
    for (const folder of folders) expect(byRoot.get(folder), folder).toEqual(expect.arrayContaining(['test', 'lint', 'typecheck']));
  }, 150_000);
});
