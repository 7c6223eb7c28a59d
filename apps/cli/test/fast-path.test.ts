import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script, constants } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullDisk } from '@berth/spec/testing';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

const esm = join(root, 'apps/cli/dist/berth.mjs');
const fast = join(root, 'apps/cli/dist/fast/berth.cjs');
const fastPath = join(root, 'apps/cli/bin/fast-path.cjs');
const { RUNTIME, cacheFiles } = createRequire(import.meta.url)(fastPath) as {
  RUNTIME: string;
  cacheFiles(file: string, source: string, env: NodeJS.ProcessEnv): { build: string; user?: string };
};
const scratch = mkdtempSync(join(tmpdir(), 'berth-fast-path-'));
const disk = fullDisk();
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  disk.dispose();
});

/** A clean environment: no colour, an engine socket that is not there (the engine commands answer exit 3), our own cache folder. */
const envWith = (xdg: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/berth-fast-path.sock', XDG_CACHE_HOME: xdg });
const run = (entry: string, args: string[], env = envWith(join(scratch, 'xdg'))) => spawnSync(process.execPath, [entry, ...args], { cwd: root, encoding: 'utf8', env });

const VALIDATE = ['validate', '--json', '--spec', 'examples/semops-data/berth.yaml'];
/** Loads a copy of the fast path the way the launcher does, runs `validate`, and reports which cache it used. */
const PROBE = `const { load } = require(process.argv[1]); const r = load(process.argv[2]);
process.on('exit', () => process.stderr.write('\\nberth-cache:' + r.cache + '\\n'));
r.exports.start(['validate', '--json', '--spec', 'examples/semops-data/berth.yaml']);`;
const loadCopy = (copy: string, xdg: string) => {
  const r = spawnSync(process.execPath, ['-e', PROBE, fastPath, copy], { cwd: root, encoding: 'utf8', env: envWith(xdg) });
  return { ...r, cache: /berth-cache:(\w+)/.exec(r.stderr)?.[1], stderr: r.stderr.replace(/\nberth-cache:\w+\n$/, '') };
};

describe('the code-cached fast path for the spec and engine commands', () => {
  beforeAll(() => {
    ensureBuiltCli();
  });

  // One test per command (two CLI runs each), so a loaded machine's slow starts are not summed under one timeout.
  it.each(
    [
      ['validate', '--json'],
      ['ports', 'list'],
      ['--spec', 'examples/semops-data/berth.yaml', 'env', 'check', '--json'],
      ['validate', '--spec', 'nope.yaml'],
      ['status'],
      ['down', '--json'],
    ].map((args) => [args.join(' '), args] as const),
  )('answers exactly as the ES module bundle does: berth %s', (_line, args) => {
    const viaLauncher = run(bin, args);
    const direct = run(esm, args);
    expect(viaLauncher.status, args.join(' ')).toBe(direct.status);
    expect(viaLauncher.stdout, args.join(' ')).toBe(direct.stdout);
    expect(viaLauncher.stderr, args.join(' ')).toBe(direct.stderr);
  });

  it('ships a code cache for the Node that built it, named for that Node, which V8 accepts', () => {
    const { build } = cacheFiles(fast, readFileSync(fast, 'utf8'), process.env);
    expect(build).toBe(`${fast}.${RUNTIME}.cache`);
    expect(RUNTIME).toBe(`node-${process.version}-${process.arch}`);
    const Module = createRequire(import.meta.url)('node:module') as { wrap(source: string): string };
    const script = new Script(Module.wrap(readFileSync(fast, 'utf8')), {
      filename: fast,
      cachedData: readFileSync(build),
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  describe('on a Node version the build did not warm', () => {
    // A copy of the fast path with no cache beside it: what any Node but the builder's finds.
    const dir = join(scratch, 'copy');
    const copy = join(dir, 'berth.cjs');
    const xdg = join(scratch, 'xdg-copy');
    let expected: ReturnType<typeof loadCopy>;
    beforeAll(() => {
      mkdirSync(dir, { recursive: true });
      copyFileSync(fast, copy);
      expected = run(bin, VALIDATE) as ReturnType<typeof loadCopy>;
    });
    const sameAnswer = (r: ReturnType<typeof loadCopy>) => {
      expect(r.status).toBe(expected.status);
      expect(r.stdout).toBe(expected.stdout);
      expect(r.stderr).toBe(expected.stderr);
    };
    const userCache = () => cacheFiles(copy, readFileSync(copy, 'utf8'), envWith(xdg)).user!;

    it('compiles once, then writes its own cache under the user\'s cache folder, named for this Node and this build', () => {
      const first = loadCopy(copy, xdg);
      sameAnswer(first);
      expect(first.cache).toBe('none');
      expect(userCache()).toBe(join(xdg, 'berth', 'code-cache', RUNTIME, `${/^\/\/ berth-build ([0-9a-f]+)/.exec(readFileSync(copy, 'utf8'))![1]}.cache`));
      expect(existsSync(userCache())).toBe(true);
      const second = loadCopy(copy, xdg);
      sameAnswer(second);
      expect(second.cache).toBe('user');
    });

    it('never reads a cache named for another Node version', () => {
      const other = join(scratch, 'xdg-other');
      const mine = cacheFiles(copy, readFileSync(copy, 'utf8'), envWith(other)).user!;
      const theirs = mine.replace(RUNTIME, 'node-v0.0.0-x64');
      mkdirSync(join(theirs, '..'), { recursive: true });
      copyFileSync(userCache(), theirs);
      const r = loadCopy(copy, other);
      sameAnswer(r);
      expect(r.cache).toBe('none');
    });

    it('a stale or corrupt cache costs a compile, nothing else, and is replaced', () => {
      writeFileSync(userCache(), 'not a V8 code cache');
      const stale = loadCopy(copy, xdg);
      sameAnswer(stale);
      expect(stale.cache).toBe('rejected');
      const after = loadCopy(copy, xdg);
      sameAnswer(after);
      expect(after.cache).toBe('user');
    });

    it('a cache whose body is damaged and whose header is whole (which V8 accepts, then aborts on) is never handed to V8', () => {
      expect(loadCopy(copy, xdg).cache).toBe('user');
      const bytes = readFileSync(userCache());
      // V8's header (its version, flags, source hash, length) stays as it was; every 997th byte after it is flipped
      for (let i = 200; i < bytes.length - 8; i += 997) bytes[i] = bytes[i]! ^ 0xff;
      writeFileSync(userCache(), bytes);
      const damaged = loadCopy(copy, xdg);
      sameAnswer(damaged);
      expect(damaged.cache).toBe('rejected');
      // a cache cut short, as a crash before the data reached the disk leaves one
      writeFileSync(userCache(), readFileSync(userCache()).subarray(0, 4096));
      expect(loadCopy(copy, xdg).cache).toBe('rejected');
      const after = loadCopy(copy, xdg);
      sameAnswer(after);
      expect(after.cache).toBe('user');
    });

    it('an unwritable cache folder costs a compile, nothing else, and says nothing', () => {
      const file = join(scratch, 'a-file');
      writeFileSync(file, '');
      // XDG_CACHE_HOME under a plain file: no folder can be made there, not even by root.
      for (let i = 0; i < 2; i++) {
        const r = loadCopy(copy, join(file, 'cache'));
        sameAnswer(r);
        expect(r.cache).toBe('none');
      }
      const viaLauncher = run(bin, VALIDATE, envWith(join(file, 'cache')));
      expect(viaLauncher.stdout).toBe(expected.stdout);
      expect(viaLauncher.stderr).toBe(expected.stderr);
    });

    describe.skipIf(disk.skip)(`with the cache folder on a full disk${disk.skip ? ` (skipped: ${disk.skip})` : ''}`, () => {
      it('costs a compile, nothing else, says nothing, and leaves no temporary file behind', () => {
        disk.fill();
        const xdg = join(disk.dir, 'xdg');
        for (let i = 0; i < 2; i++) {
          const r = loadCopy(copy, xdg);
          sameAnswer(r);
          expect(r.cache).toBe('none');
        }
        const viaLauncher = run(bin, VALIDATE, envWith(xdg));
        expect([viaLauncher.status, viaLauncher.stdout, viaLauncher.stderr]).toEqual([expected.status, expected.stdout, expected.stderr]);
        const left = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? left(join(dir, d.name)) : [join(dir, d.name)]));
        expect(left(xdg).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      });
    });

    // Node's recursive mkdir retried for ever where mkdir answers ENOENT under a parent that exists (/proc): the
    // user's code cache (written at exit) and Node's compile cache (the ES module bundle, 22.1+) both hung there.
    it.skipIf(!existsSync('/proc/self'))(`a cache folder that cannot be made under a folder that exists (/proc) costs a compile, nothing else, at once${existsSync('/proc/self') ? '' : ' (skipped: this system has no /proc)'}`, () => {
      const xdg = '/proc/berth-no-such-folder';
      const bounded = { cwd: root, encoding: 'utf8' as const, env: envWith(xdg), timeout: 20_000 };
      const copied = spawnSync(process.execPath, ['-e', PROBE, fastPath, copy], bounded);
      expect(copied.error).toBeUndefined();
      expect(copied.status).toBe(expected.status);
      expect(copied.stdout).toBe(expected.stdout);
      expect(copied.stderr).toMatch(/berth-cache:none\n$/);
      const esmCommand = spawnSync(process.execPath, [bin, 'doctor', '--help'], bounded);
      expect(esmCommand.error).toBeUndefined();
      expect(esmCommand.status).toBe(0);
      expect(esmCommand.stderr).toBe('');
    });
  });

  it('says in one line, exit 2, that the current folder is gone, on either path (no stack trace)', () => {
    for (const args of [['validate'], ['doctor']]) {
      // the shell enters a folder and removes it under itself before it runs berth, as a user's deleted checkout does
      const gone = join(scratch, `gone-${args[0]}`);
      mkdirSync(gone);
      const r = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" "$4"', 'sh', gone, process.execPath, bin, args[0]!], { encoding: 'utf8', env: envWith(join(scratch, 'xdg')) });
      expect([r.status, r.stdout, r.stderr], args[0]).toEqual([2, '', 'berth: cannot read the current folder (ENOENT: it was deleted or moved, or is not readable); cd into a folder that exists\n']);
    }
  });

  it('answers the same through bin/berth.mjs, the launcher\'s older name, which scripts may still run', () => {
    for (const args of [['validate', '--json'], ['--version'], ['status']]) {
      const viaBin = run(bin, args);
      const viaOldName = run(join(root, 'apps/cli/bin/berth.mjs'), args);
      expect([viaOldName.status, viaOldName.stdout, viaOldName.stderr], args.join(' ')).toEqual([viaBin.status, viaBin.stdout, viaBin.stderr]);
    }
  });

  it('loads neither node:crypto nor node:child_process for validate (a lock, an atomic write and git load them when they run)', () => {
    const probe = join(scratch, 'module-probe.cjs');
    writeFileSync(probe, 'process.on("exit", () => process.stderr.write("\\nberth-modules:" + process.moduleLoadList.join(",") + "\\n"));\n');
    const r = spawnSync(process.execPath, ['-r', probe, bin, 'validate'], { cwd: root, encoding: 'utf8', env: envWith(join(scratch, 'xdg')) });
    expect(r.status).toBe(0);
    const loaded = /berth-modules:(.*)/.exec(r.stderr)![1]!.split(',');
    expect(loaded).toContain('NativeModule fs');
    expect(loaded.filter((m) => /^NativeModule (crypto|child_process|dgram|timers\/promises)$/.test(m))).toEqual([]);
  });

  it('sends `ecosystem check` to the fast path and `ecosystem docs` (pages: not on it) to the ES module bundle', () => {
    // The probe notes every script compiled through node:vm: the launcher compiles the fast path that way, and only it.
    const probe = join(scratch, 'fast-probe.cjs');
    writeFileSync(
      probe,
      [
        'const vm = require("node:vm"); const Script = vm.Script; const files = [];',
        'vm.Script = function (code, options) { files.push(options && options.filename); return new Script(code, options); };',
        'process.on("exit", () => process.stderr.write("\\nberth-vm:" + files.join(",") + "\\n"));',
        '',
      ].join('\n'),
    );
    const orchestrator = join(root, 'examples/semops-dx-orchestrator');
    const viaFast = (args: string[]) => {
      const r = spawnSync(process.execPath, ['-r', probe, bin, ...args], { cwd: orchestrator, encoding: 'utf8', env: envWith(join(scratch, 'xdg')) });
      return { status: r.status, fast: /berth-vm:.*fast\/berth\.cjs/.test(r.stderr) };
    };
    expect(viaFast(['ecosystem', 'check'])).toEqual({ status: 0, fast: true });
    expect(viaFast(['ecosystem', '--json', 'check', '--manifest', 'ecosystem.yaml'])).toEqual({ status: 0, fast: true });
    expect(viaFast(['ecosystem', 'docs', '--check', 'docs'])).toEqual({ status: 0, fast: false });
    expect(viaFast(['validate', '--spec', '../semops-data/berth.yaml'])).toEqual({ status: 0, fast: true });
    // the orchestrator's folder is no repo's: validate there says so (exit 2), on the fast path too
    expect(viaFast(['validate'])).toEqual({ status: 2, fast: true });
  });

  it("keeps Node's compile cache for the ES module bundle where Node has one (22.1+), per Node version", () => {
    const xdg = join(scratch, 'xdg-esm');
    const r = run(bin, ['doctor', '--help'], envWith(xdg));
    expect(r.status).toBe(0);
    const dir = join(xdg, 'berth', 'compile-cache');
    const hasCompileCache = typeof (createRequire(import.meta.url)('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    if (hasCompileCache) expect(readdirSync(dir).map((d) => d.startsWith(`${process.version}-${process.arch}-`))).toEqual([true]);
    else expect(existsSync(dir)).toBe(false);
  });

  it('holds the engine commands and the ecosystem\'s checks, and leaves Compose import/export, health, GPU, the doctor, the devcontainer, the API, the MCP server and the ecosystem\'s pages out', () => {
    const text = readFileSync(fast, 'utf8');
    // Every import of a heavy package that the bundle meets is replaced by a module that only throws.
    const stubbed = [...text.matchAll(/(@berth\/[\w/-]+) is not part of the fast path/g)].map((m) => m[1]);
    expect(stubbed).toContain('@berth/docker'); // the package root: Compose import and export
    expect(stubbed).toContain('@berth/ecosystem/render'); // berth ecosystem docs always takes the ES module path
    expect(stubbed).not.toContain('@berth/ecosystem'); // validate and docs check a repo with its ecosystem
    expect(text).toContain('include cycle'); // @berth/ecosystem's loader
    expect(stubbed.filter((p) => !/^@berth\/(docker$|health$|gpu|doctor|api|devcontainer|mcp$|ecosystem\/render$)/.test(p!))).toEqual([]);
    expect(text).not.toContain('server/discover'); // the MCP SDK
    expect(text).toContain('/containers/create'); // @berth/docker/runtime: up, down, status, logs, restart
    expect(text).not.toContain('text/event-stream');
  });
});
