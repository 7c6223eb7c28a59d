import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script, constants } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

const esm = join(root, 'apps/cli/dist/berth.mjs');
const fast = join(root, 'apps/cli/dist/fast/berth.cjs');
// DOCKER_HOST at a socket that is not there: the engine commands answer without a daemon (exit 3, every place tried).
const run = (entry: string, args: string[]) =>
  spawnSync(process.execPath, [entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/berth-fast-path.sock' },
  });

describe('the code-cached fast path for the spec and engine commands', () => {
  beforeAll(() => {
    ensureBuiltCli();
  });

  it('answers exactly as the ES module bundle does', () => {
    for (const args of [
      ['validate', '--json'],
      ['ports', 'list'],
      ['--spec', 'examples/semops-data/berth.yaml', 'env', 'check', '--json'],
      ['validate', '--spec', 'nope.yaml'],
      ['status'],
      ['down', '--json'],
    ]) {
      const viaLauncher = run(bin, args);
      const direct = run(esm, args);
      expect(viaLauncher.status, args.join(' ')).toBe(direct.status);
      expect(viaLauncher.stdout, args.join(' ')).toBe(direct.stdout);
      expect(viaLauncher.stderr, args.join(' ')).toBe(direct.stderr);
    }
  });

  it('ships a code cache that V8 accepts', () => {
    const Module = createRequire(import.meta.url)('node:module') as { wrap(source: string): string };
    const script = new Script(Module.wrap(readFileSync(fast, 'utf8')), {
      filename: fast,
      cachedData: readFileSync(`${fast}.cache`),
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('holds the engine commands, and leaves Compose import/export, health, GPU, the doctor, the devcontainer, the API, the MCP server and the ecosystem out', () => {
    const text = readFileSync(fast, 'utf8');
    // Every import of a heavy package that the bundle meets is replaced by a module that only throws.
    const stubbed = [...text.matchAll(/(@berth\/[\w/-]+) is not part of the fast path/g)].map((m) => m[1]);
    expect(stubbed).toContain('@berth/docker'); // the package root: Compose import and export
    expect(stubbed).toContain('@berth/ecosystem'); // berth ecosystem always takes the ES module path
    expect(stubbed.filter((p) => !/^@berth\/(docker$|health$|gpu|doctor|api|devcontainer|mcp$|ecosystem)/.test(p!))).toEqual([]);
    expect(text).not.toContain('server/discover'); // the MCP SDK
    expect(text).toContain('/containers/create'); // @berth/docker/runtime: up, down, status, logs, restart
    expect(text).not.toContain('text/event-stream');
  });
});
