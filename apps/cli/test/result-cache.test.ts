import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bin, ensureBuiltCli, root } from './support/built-cli.js';

// The result cache (apps/cli/bin/result-cache.cjs): a pure spec command run again on unchanged inputs answers from
// the entry its last run kept, without loading the CLI. Every test runs the real launcher over the real bundle.
const { PURE } = createRequire(import.meta.url)(join(root, 'apps/cli/bin/result-cache.cjs')) as { PURE: Set<string> };
const scratch = mkdtempSync(join(tmpdir(), 'berth-result-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The bundled example's two repos, copied: files the tests may change. */
const project = join(scratch, 'project');
const repo = join(project, 'semops-data');
const spec = join(repo, 'berth.yaml');

/**
 * Runs the launcher with a probe that reports whether the CLI's code was loaded (the launcher compiles the fast
 * path through node:vm, and only it): `replayed` is true when the answer came from the cache.
 */
const probe = join(scratch, 'vm-probe.cjs');
/** Each test's own cache folder. */
let cacheHome = '';
beforeEach(() => {
  cacheHome = mkdtempSync(join(scratch, 'xdg-'));
});
function berth(args: string[], { cwd = repo, env = {}, xdg = cacheHome }: { cwd?: string; env?: NodeJS.ProcessEnv; xdg?: string } = {}) {
  const r = spawnSync(process.execPath, ['-r', probe, bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/berth-result-cache.sock', XDG_CACHE_HOME: xdg, ...env },
  });
  const loaded = /\nberth-vm:(\d)\n$/.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\nberth-vm:\d\n$/, ''), replayed: loaded?.[1] === '0' };
}
const entries = (xdg = cacheHome) => {
  const dir = join(xdg, 'berth', 'results');
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : found.push(join(d, e.name))));
  walk(dir);
  return found.filter((f) => f.endsWith('.json'));
};
const answer = (r: ReturnType<typeof berth>) => [r.status, r.stdout, r.stderr];

/** The second run of ARGS answers from the cache, exactly as the first; returns the first. */
function keptAndReplayed(args: string[], options?: Parameters<typeof berth>[1]) {
  const first = berth(args, options);
  expect(first.replayed, `${args.join(' ')}: the first run runs`).toBe(false);
  const second = berth(args, options);
  expect(second.replayed, `${args.join(' ')}: the second run answers from the cache`).toBe(true);
  expect(answer(second), args.join(' ')).toEqual(answer(first));
  return first;
}

describe('the result cache of the pure spec commands', () => {
  beforeAll(async () => {
    ensureBuiltCli();
    writeFileSync(probe, 'const vm = require("node:vm"); const S = vm.Script; let n = 0; vm.Script = function (c, o) { n++; return new S(c, o); };\nprocess.on("exit", () => process.stderr.write("\\nberth-vm:" + Math.min(n, 1) + "\\n"));\n');
    cpSync(join(root, 'examples/semops-data'), repo, { recursive: true });
    mkdirSync(join(repo, 'sub'));
    cpSync(join(root, 'examples/semops-dx-orchestrator'), join(project, 'semops-dx-orchestrator'), { recursive: true });
    // the ecosystem's second member, at ../../apps/api/berth.yaml from its manifest, as in the repo
    mkdirSync(join(scratch, 'apps/api'), { recursive: true });
    cpSync(join(root, 'apps/api/berth.yaml'), join(scratch, 'apps/api/berth.yaml'));
    // A run is kept only once the files it read have been left alone for 3 s (racily clean otherwise): let them settle.
    await new Promise((r) => setTimeout(r, 3200));
  }, 30_000);

  it('answers a repeated validate, ports, env, docs and schema from the cache, byte for byte, whatever the exit code', () => {
    expect([...PURE].sort()).toEqual(['docs', 'env', 'ports', 'schema', 'validate']);
    keptAndReplayed(['validate']);
    keptAndReplayed(['validate', '--json']);
    keptAndReplayed(['ports', 'list', '--json']);
    keptAndReplayed(['ports', 'check']);
    keptAndReplayed(['env', 'check', '--json']);
    keptAndReplayed(['docs']);
    keptAndReplayed(['schema']);
    const missing = keptAndReplayed(['validate', '--spec', 'nope.yaml']);
    expect(missing.status).toBe(2);
    const findings = keptAndReplayed(['env', 'check', '-m', 'coherence']);
    expect(findings.status).toBe(1);
    expect(findings.stdout).toMatch(/OPENAI_API_KEY +yes +secret +missing/);
  });

  it('keys the answer on the arguments, the working folder and every environment variable', () => {
    keptAndReplayed(['validate', '--json']);
    expect(berth(['validate', '--json', '--no-ecosystem']).replayed).toBe(false);
    expect(berth(['validate', '--json'], { cwd: join(repo, 'sub') }).replayed).toBe(false);
    expect(berth(['validate', '--json'], { env: { SOME_UNRELATED_VARIABLE: '1' } }).replayed).toBe(false);
    // colour is an input too: the same command with colour answers in colour
    const coloured = berth(['validate'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(coloured.replayed).toBe(false);
    expect(coloured.stdout).toContain('\u001b[');
  });

  it('runs again when a file it read changed, even one rewritten to the same size and mtime (the ctime tells)', () => {
    const before = keptAndReplayed(['validate', '--json']);
    const text = readFileSync(spec, 'utf8');
    const { atime, mtime, size } = statSync(spec);
    // the same length, another project name: a change only a full run sees
    writeFileSync(spec, text.replace('owner: semops-ai', 'owner: semops-xx'));
    utimesSync(spec, atime, mtime);
    expect(statSync(spec).size).toBe(size);
    const after = berth(['validate', '--json']);
    expect(after.replayed).toBe(false);
    expect(after.stdout).toBe(before.stdout); // the owner is not in validate's answer: the run was needed all the same
    writeFileSync(spec, text);
    const ports = berth(['ports', 'list', '--json']);
    writeFileSync(spec, text.replace('host: 8888', 'host: 8899'));
    const changed = berth(['ports', 'list', '--json']);
    expect(changed.replayed).toBe(false);
    expect(changed.stdout).not.toBe(ports.stdout);
    writeFileSync(spec, text);
  });

  it('keeps nothing from a run whose files changed in the 3 s before it, and says why with BERTH_DEBUG', () => {
    writeFileSync(join(repo, 'fresh.yaml'), readFileSync(spec, 'utf8'));
    const args = ['validate', '--spec', 'fresh.yaml'];
    const first = berth(args, { env: { BERTH_DEBUG: '1' } });
    expect(first.stderr).toContain(`berth: this run's answer is not kept (result cache): ${join(repo, 'fresh.yaml')} changed less than 3 s before the run`);
    expect(berth(args, { env: { BERTH_DEBUG: '1' } }).replayed).toBe(false);
  });

  it('runs again when a file appears where the command looked for one and found none', () => {
    const args = ['validate', '--json'];
    keptAndReplayed(args, { cwd: join(project, 'semops-dx-orchestrator') });
    // validate in the orchestrator's folder found no berth.yaml there and fell back to the bundled example
    writeFileSync(join(project, 'semops-dx-orchestrator', 'berth.yaml'), 'berth: 1\nrepo:\n  name: semops-dx-orchestrator\n');
    const after = berth(args, { cwd: join(project, 'semops-dx-orchestrator') });
    expect(after.replayed).toBe(false);
    expect(JSON.parse(after.stdout).spec).toBe('berth.yaml');
    rmSync(join(project, 'semops-dx-orchestrator', 'berth.yaml'));
  });

  it('runs again when the registry package is installed nearer the spec than the copy it read', async () => {
    // a registry shared through npm: the copy in the parent folder's node_modules first, then `npm install` in the repo
    const at = join(scratch, 'pkg-registry');
    const install = (where: string, owner: string) => {
      const dir = join(where, 'node_modules', '@org', 'ports');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"name":"@org/ports","version":"1.0.0"}\n');
      writeFileSync(join(dir, 'ports.yaml'), `registry: 1\nowner: org\nports:\n  - { port: 8080, repo: ${owner}, service: web }\n`);
    };
    install(at, 'demo');
    mkdirSync(join(at, 'repo'));
    writeFileSync(join(at, 'repo', 'berth.yaml'), 'berth: 1\nrepo: { name: demo }\nregistry: { package: "@org/ports" }\nservices:\n  web: { image: app, ports: [8080] }\n');
    await new Promise((r) => setTimeout(r, 3200));
    const kept = keptAndReplayed(['validate'], { cwd: join(at, 'repo') });
    expect(kept.status).toBe(0);
    install(join(at, 'repo'), 'other');
    const after = berth(['validate'], { cwd: join(at, 'repo') });
    expect(after.replayed).toBe(false);
    expect([after.status, after.stdout]).toEqual([1, expect.stringContaining('registered to other/web')]);
  }, 20_000);

  it('keeps nothing from a run that writes or touches the network', () => {
    const xdg = join(scratch, 'xdg-impure');
    const notKept = (args: string[], why: RegExp) => {
      const r = berth(args, { xdg, env: { BERTH_DEBUG: '1' } });
      expect(r.stderr, args.join(' ')).toMatch(why);
      expect(berth(args, { xdg }).replayed, args.join(' ')).toBe(false);
    };
    notKept(['env', 'example', '-o', join(scratch, 'env.example'), '--force'], /not kept \(result cache\): (os\.hostname|fs\.\w+)/);
    notKept(['ports', 'suggest', 'mlflow', '--count', '1'], /not kept \(result cache\): node:(child_process|net|dgram) was loaded|a listening socket/);
    expect(existsSync(join(scratch, 'env.example'))).toBe(true);
    rmSync(join(scratch, 'env.example'));
    // the write happens again on the second run: nothing was replayed in its place
    berth(['env', 'example', '-o', join(scratch, 'env.example')], { xdg });
    expect(existsSync(join(scratch, 'env.example'))).toBe(true);
    expect(entries(xdg)).toEqual([]);
  });

  it("keeps nothing from a run during which Node printed a warning of its own, so a replay never prints it twice", () => {
    const xdg = join(scratch, 'xdg-warning');
    // what NODE_USE_ENV_PROXY on Node 22, or a deprecated flag, makes Node print while berth runs
    const warn = join(scratch, 'node-warning.cjs');
    writeFileSync(warn, 'setImmediate(() => process.emitWarning("a warning of Node\'s own", "ExperimentalWarning"));\n');
    const env = { NODE_OPTIONS: `--require=${warn}` };
    const first = berth(['validate'], { xdg, env: { ...env, BERTH_DEBUG: '1' } });
    expect(first.stderr).toMatch(/not kept \(result cache\): a warning of Node's/);
    const second = berth(['validate'], { xdg, env });
    expect(second.replayed).toBe(false);
    expect(second.stderr.match(/ExperimentalWarning: a warning of Node's own/g)).toHaveLength(1);
    expect(entries(xdg)).toEqual([]);
  });

  it('is off with BERTH_RESULT_CACHE=0, and never used by a command that is not pure', () => {
    const xdg = join(scratch, 'xdg-off');
    for (let i = 0; i < 2; i++) expect(berth(['validate'], { xdg, env: { BERTH_RESULT_CACHE: '0' } }).replayed).toBe(false);
    for (let i = 0; i < 2; i++) expect(berth(['status'], { xdg }).replayed).toBe(false);
    expect(entries(xdg)).toEqual([]);
  });

  it('writes no environment value and no file content into an entry, and keeps its files private', () => {
    const xdg = join(scratch, 'xdg-secret');
    writeFileSync(join(repo, '.env.secret'), 'POSTGRES_PASSWORD=dotenv-secret-value-9f31\n');
    const args = ['validate', '--dotenv', '.env.secret', '--json'];
    spawnSync('sleep', ['3.2']); // the .env file was just written: a run that reads it is kept once it settled
    berth(args, { xdg, env: { OPENAI_API_KEY: 'env-secret-value-7c2e' } });
    const files = entries(xdg);
    expect(files.length).toBe(1);
    const text = readFileSync(files[0]!, 'utf8');
    expect(text).not.toContain('env-secret-value-7c2e');
    expect(text).not.toContain('dotenv-secret-value-9f31');
    expect(text).not.toContain('POSTGRES_PASSWORD');
    expect(statSync(files[0]!).mode & 0o077).toBe(0);
    expect(berth(args, { xdg, env: { OPENAI_API_KEY: 'env-secret-value-7c2e' } }).replayed).toBe(true);
    rmSync(join(repo, '.env.secret'));
  });

  it('treats a corrupt or truncated entry as no entry, and writes a whole one again', () => {
    const xdg = join(scratch, 'xdg-corrupt');
    const first = keptAndReplayed(['validate'], { xdg });
    const [file] = entries(xdg);
    for (const broken of ['', '{"format":1,"reads":[', '{"format":1,"reads":[["nonsense","/",null,"x"]],"output":[],"exitCode":0}', 'null']) {
      writeFileSync(file!, broken);
      const r = berth(['validate'], { xdg });
      expect(r.replayed, JSON.stringify(broken)).toBe(false);
      expect(answer(r)).toEqual(answer(first));
      expect(() => JSON.parse(readFileSync(file!, 'utf8'))).not.toThrow();
    }
  });

  it('gives every one of many concurrent runs the same answer, and leaves one whole entry', async () => {
    const xdg = join(scratch, 'xdg-concurrent');
    const expected = berth(['validate', '--json'], { xdg: join(scratch, 'xdg-reference') });
    rmSync(join(scratch, 'xdg-reference'), { recursive: true, force: true });
    const once = () =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'validate', '--json'], {
          cwd: repo,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', XDG_CACHE_HOME: xdg },
        });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (status) => resolve({ status, stdout }));
      });
    for (let round = 0; round < 2; round++) {
      const runs = await Promise.all(Array.from({ length: 6 }, once));
      for (const r of runs) expect([r.status, r.stdout]).toEqual([expected.status, expected.stdout]);
    }
    const files = entries(xdg);
    expect(files.length).toBe(1);
    expect(JSON.parse(readFileSync(files[0]!, 'utf8')).format).toBe(1);
    expect(readdirSync(join(files[0]!, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it("keeps the newest 256 entries of this build, and removes another build's entries once unused for a week", () => {
    const first = keptAndReplayed(['validate']);
    const [kept] = entries();
    const buildDir = join(kept!, '..');
    const otherBuild = join(buildDir, '..', 'f'.repeat(64)); // another install's, in use
    const staleBuild = join(buildDir, '..', 'e'.repeat(64)); // one not written for 8 days
    for (const dir of [otherBuild, staleBuild]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'old.json'), '{}');
    }
    const week = new Date(Date.now() - 8 * 24 * 3600_000);
    utimesSync(staleBuild, week, week);
    const old = new Date(Date.now() - 3600_000);
    for (let i = 0; i < 300; i++) {
      writeFileSync(join(buildDir, `stale-${i}.json`), '{}');
      utimesSync(join(buildDir, `stale-${i}.json`), old, old);
    }
    const other = berth(['validate', '--json']); // another key: kept, then the folder is trimmed
    expect(other.replayed).toBe(false);
    expect(existsSync(staleBuild)).toBe(false);
    expect(existsSync(join(otherBuild, 'old.json'))).toBe(true);
    const left = readdirSync(buildDir);
    expect(left.length).toBe(256);
    expect(left.filter((f) => !f.startsWith('stale-')).length).toBe(2);
    expect(berth(['validate']).replayed).toBe(true);
    expect(answer(berth(['validate']))).toEqual(answer(first));
  });

  it('costs nothing but speed where the cache folder cannot be written', () => {
    const blocked = join(scratch, 'not-a-folder');
    writeFileSync(blocked, 'a plain file where the cache folder would be');
    const plain = berth(['validate'], { xdg: join(scratch, 'xdg-reference-2') });
    for (let i = 0; i < 2; i++) {
      const r = berth(['validate'], { xdg: blocked });
      expect(r.replayed).toBe(false);
      expect(answer(r)).toEqual(answer(plain));
    }
  });
});
