import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRegistry } from '@berth/spec';
import { fullDisk } from '@berth/spec/testing';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const ENV = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };

/** `berth args` as a real process, asynchronously, so that several run at once. */
function berth(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...ENV, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const REGISTRY = `# Shared by every repo: comments must survive ten registrations at once.
registry: 1
owner: orchestrator

ports:
  # existing
  - { port: 9000, repo: other, service: minio }
`;

describe('concurrent writers: every registration that says it succeeded is in the file', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-concurrent-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ten `berth ports register` at once against one registry: all exit 0 and all ten entries land', async () => {
    mkdirSync(join(dir, 'orchestrator'));
    writeFileSync(join(dir, 'orchestrator', 'ports.yaml'), REGISTRY);
    const repos = Array.from({ length: 10 }, (_, i) => {
      const repo = join(dir, `app${i}`);
      mkdirSync(repo);
      writeFileSync(join(repo, 'berth.yaml'), `berth: 1\nrepo: { name: app${i} }\nregistry: ../orchestrator/ports.yaml\nservices:\n  api:\n    ports: [{ host: ${42100 + i}, env: API_PORT }]\n`);
      return repo;
    });
    const results = await Promise.all(repos.map((repo) => berth(['ports', 'register', 'api'], repo)));
    expect(results.map((r) => r.code)).toEqual(Array(10).fill(0));
    results.forEach((r, i) => expect(r.stdout).toBe(`registered ${42100 + i}/tcp for app${i}/api (API_PORT) in ${dir}/orchestrator/ports.yaml\n`));

    const text = readFileSync(join(dir, 'orchestrator', 'ports.yaml'), 'utf8');
    const registry = parseRegistry(text);
    expect(registry.problems).toEqual([]);
    const entries = registry.value!.ports.map((e) => `${e.repo}/${e.service}:${e.port.from}`).sort();
    expect(entries).toEqual(['other/minio:9000', ...Array.from({ length: 10 }, (_, i) => `app${i}/api:${42100 + i}`)].sort());
    expect(text.startsWith('# Shared by every repo: comments must survive ten registrations at once.\n')).toBe(true);
    expect(text).toContain('  # existing\n');
    expect(readdirSync(join(dir, 'orchestrator'))).toEqual(['ports.yaml']);
  }, 120_000);

  it('a registry another berth keeps locked past the wait: exit 1 naming the holder, nothing written', async () => {
    const repo = join(dir, 'late');
    mkdirSync(repo);
    writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: late }\nregistry: ../orchestrator/ports.yaml\nservices:\n  api:\n    ports: [42200]\n');
    const registry = join(dir, 'orchestrator', 'ports.yaml');
    const before = readFileSync(registry, 'utf8');
    // This test process is the (live) holder.
    writeFileSync(`${registry}.lock`, JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), command: 'berth ports register web', nonce: 'test' }));
    try {
      const r = await berth(['ports', 'register', 'api'], repo, { BERTH_LOCK_TIMEOUT: '0.5' });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`berth: ${dir}/orchestrator/ports.yaml is locked by pid ${process.pid} ("berth ports register web", since `);
      expect(r.stderr).toContain('; waited 500 ms\n');
      expect(r.stderr).toContain(`hint: wait for it to finish, or stop it (kill ${process.pid})`);
      expect(readFileSync(registry, 'utf8')).toBe(before);
    } finally {
      rmSync(`${registry}.lock`, { force: true });
    }
    // With the lock gone the same command succeeds.
    const again = spawnSync(process.execPath, [bin, 'ports', 'register', 'api'], { cwd: repo, encoding: 'utf8', env: ENV });
    expect(again.status).toBe(0);
  }, 60_000);

  it('compose -o, import compose -o and mcp --register wait for a lock as long as BERTH_LOCK_TIMEOUT says, and name the holder', async () => {
    const repo = join(dir, 'exporter');
    mkdirSync(repo);
    writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: exporter }\nservices:\n  api:\n    image: img:1\n');
    writeFileSync(join(repo, 'compose.yaml'), 'services:\n  api:\n    image: img:1\n');
    const holder = JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), command: 'berth compose', nonce: 'test' });
    for (const [args, target] of [
      [['compose', '-o', 'out.yaml'], 'out.yaml'],
      [['import', 'compose', '-o', 'imported.yaml'], 'imported.yaml'],
      [['mcp', '--register'], '.mcp.json'],
    ] as const) {
      writeFileSync(join(repo, `${target}.lock`), holder);
      try {
        const started = Date.now();
        const r = await berth([...args], repo, { BERTH_LOCK_TIMEOUT: '0.5' });
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toContain(`is locked by pid ${process.pid} ("berth compose", since `);
        expect(r.stderr, args.join(' ')).toContain('; waited 500 ms\n');
        expect(Date.now() - started, args.join(' ')).toBeLessThan(8000);
      } finally {
        rmSync(join(repo, `${target}.lock`), { force: true });
      }
    }
  }, 60_000);

  it.each([
    ['Ctrl-C', 'SIGINT', 130],
    ['SIGTERM', 'SIGTERM', 143],
  ] as const)('%s while waiting for the lock (%s): exit %s, nothing written, and with --json the ending on stdout too', async (_name, signal, exitCode) => {
    const repo = join(dir, `impatient-${signal}`);
    mkdirSync(repo);
    writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: impatient }\nregistry: ../orchestrator/ports.yaml\nservices:\n  api:\n    ports: [42300]\n');
    const registry = join(dir, 'orchestrator', 'ports.yaml');
    const before = readFileSync(registry, 'utf8');
    writeFileSync(`${registry}.lock`, JSON.stringify({ pid: process.pid, hostname: hostname(), since: new Date().toISOString(), command: 'berth ports register web', nonce: 'test' }));
    try {
      const child = spawn(process.execPath, [bin, 'ports', 'register', 'api', '--json'], { cwd: repo, env: { ...ENV, BERTH_LOCK_TIMEOUT: '30' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      // berth waits for the lock (30 s) with the signals caught; --json prints no progress, so give it time to get there
      await new Promise((resolve) => setTimeout(resolve, 2500));
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(exitCode);
      expect(JSON.parse(stdout)).toEqual({ ok: false, error: { code: 'ERR_BERTH_INTERRUPTED', message: 'interrupted' } });
      expect(stderr).toContain('berth: interrupted');
      expect(readFileSync(registry, 'utf8')).toBe(before);
    } finally {
      rmSync(`${registry}.lock`, { force: true });
    }
  }, 60_000);
});

const disk = fullDisk(512);
afterAll(() => disk.dispose());

describe.skipIf(disk.skip)(`writers on a full disk${disk.skip ? ` (skipped: ${disk.skip})` : ''}`, () => {
  it('every command that writes a file says so in one line, exit 2; the files stay as they were and nothing is left beside them', () => {
    const repo = join(disk.dir, 'repo');
    mkdirSync(repo);
    const spec = 'berth: 1\nrepo: { name: full }\nregistry: ports.yaml\nservices:\n  api:\n    ports: [{ host: 42300, env: API_PORT }]\n';
    writeFileSync(join(repo, 'berth.yaml'), spec);
    writeFileSync(join(repo, 'ports.yaml'), 'registry: 1\nowner: full\nports: []\n');
    writeFileSync(join(repo, 'INFRASTRUCTURE.md'), 'the page as it was\n');
    ensureBuiltCli();
    disk.fill();
    const before = readdirSync(repo).sort();
    const empty = join(disk.dir, 'empty');
    mkdirSync(empty);
    for (const [args, cwd, file] of [
      [['docs', '--write'], repo, 'INFRASTRUCTURE.md'],
      [['env', 'example', '-o', '.env.example'], repo, '.env.example'],
      [['ports', 'register', 'api'], repo, 'ports.yaml'],
      [['compose', '-o', 'compose.yaml'], repo, 'compose.yaml'],
      [['init'], empty, 'berth.yaml'],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...ENV, XDG_CACHE_HOME: join(disk.dir, 'cache') } });
      expect([r.status, r.stdout, r.stderr], args.join(' ')).toEqual([2, '', `berth: cannot lock ${join(cwd, file)}.lock: no space left on the device\n`]);
    }
    expect(readdirSync(repo).sort()).toEqual(before);
    expect(readdirSync(empty)).toEqual([]);
    expect(readFileSync(join(repo, 'INFRASTRUCTURE.md'), 'utf8')).toBe('the page as it was\n');
    expect(readFileSync(join(repo, 'ports.yaml'), 'utf8')).toBe('registry: 1\nowner: full\nports: []\n');
  }, 60_000);
});
