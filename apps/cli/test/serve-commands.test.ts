/** `berth serve` as a user runs it: the built binary as a child process, a real socket, Ctrl-C to stop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/berth.mjs');
const bundle = join(root, 'apps/cli/dist/berth.mjs');
const skip = existsSync(bundle) ? '' : ' (skipped: the CLI is not built; npm test builds it with `nx run cli:build`)';

let dir: string;
let web: Server;
/** Every `berth serve` started here, so none outlives the file even when a test times out. */
const children = new Set<ReturnType<typeof spawn>>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-serve-cli-'));
  web = createServer((_req, res) => res.writeHead(200).end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const port = (web.address() as AddressInfo).port;
  writeFileSync(
    join(dir, 'berth.yaml'),
    `berth: 1
repo: { name: serve-cli-test }
services:
  web:
    runtime: host
    ports: [{ host: ${port}, hostIp: 127.0.0.1, appProtocol: http }]
    checks: [{ type: http, url: "http://127.0.0.1:${port}/", interval: 500ms }]
`,
  );
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  web?.closeAllConnections();
  await new Promise((r) => web?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', BERTH_TOKEN: '' });

/** Starts `berth serve`, waits for its summary, runs `during`, then sends SIGINT and collects the end. */
async function serveSession(args: string[], during: (url: string, stdout: string) => Promise<void>, cwd = dir, extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--no-engine', '--no-gpu', ...args], { cwd, env: { ...env(), ...extraEnv } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (stdout.includes('Ctrl-C stops.')) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - started > 20_000) {
          clearInterval(timer);
          reject(new Error(`no summary from berth serve within 20 s:\n${stdout}\n${stderr}`));
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`berth serve exited ${code} before its summary:\n${stdout}\n${stderr}`));
      });
    });
    const url = /dashboard (http:\/\/\S+)/.exec(stdout)![1]!;
    await during(url, stdout);
  } finally {
    child.kill('SIGINT');
  }
  return { code: await exited, stdout, stderr };
}

describe.skipIf(!!skip)(`berth serve${skip}`, () => {
  it('prints the URL, the token once and the summary, serves /health, and stops cleanly on Ctrl-C', async () => {
    const first = await serveSession([], async (url) => {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('passing');
    });
    expect(first.code).toBe(0);
    const tokenFile = join(dir, '.berth', 'token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(first.stdout).toContain(`token     ${token}  (shown once`);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, '.berth', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(existsSync(join(dir, '.berth', 'history.db'))).toBe(true);
    expect(first.stdout).toMatch(/service:web\s+passing/);
    expect(first.stderr).toContain('stopping');

    const second = await serveSession([], async () => {});
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain(token);
    expect(second.stdout).toContain(`token     in ${tokenFile}`);
  });

  it('keeps the bundled example\'s history and token in .berth/ of the current directory, not in the build output', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'berth-serve-bundled-'));
    try {
      const run = await serveSession([], async (url) => {
        const spec = (await (await fetch(`${url}/api/spec`)).json()) as { repo: { name: string } };
        expect(spec.repo.name).toBe('semops-data');
      }, empty);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('using the bundled example');
      expect(existsSync(join(empty, '.berth', 'history.db'))).toBe(true);
      expect(existsSync(join(empty, '.berth', 'token'))).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('/api/env judges the .env beside the spec as env check does: interpolated, as Compose reads it', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'berth-serve-dotenv-'));
    try {
      writeFileSync(join(repo, 'berth.yaml'), 'berth: 1\nrepo: { name: serve-dotenv }\nservices: {}\nenv:\n  WORKERS: { type: int, required: true }\n  API_URL: { type: url }\n');
      writeFileSync(join(repo, '.env'), 'WORKERS=${NPROC:-4}\nAPI_URL="http://${API_HOST:-localhost}:8000"\n');
      const run = await serveSession([], async (url) => {
        const body = (await (await fetch(`${url}/api/env`)).json()) as { modules: { vars: { name: string; set: boolean; valid: boolean; source?: string }[] }[]; problems: unknown[] };
        expect(body.modules.flatMap((m) => m.vars)).toEqual([
          { name: 'WORKERS', required: true, secret: false, set: true, valid: true, source: 'env-file' },
          { name: 'API_URL', required: false, secret: false, set: true, valid: true, source: 'env-file' },
        ]);
        expect(body.problems).toEqual([]);
      }, repo);
      expect(run.code).toBe(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('says in one line that the port is taken, exit 1, and ends (nothing left running)', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as AddressInfo).port;
    try {
      const r = spawnSync(process.execPath, [bin, 'serve', '--port', String(taken), '--no-engine', '--no-gpu'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
      expect(r.error).toBeUndefined(); // it ended by itself, well within the timeout
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${taken}: the port is in use (another berth serve, or another program)`);
      expect(r.stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
      const host = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--host', '192.0.2.1', '--no-engine', '--no-gpu'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
      expect(host.status).toBe(2);
      expect(host.stderr).toContain('cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('an empty BERTH_HOST is unset (loopback, as a shell means it), an empty --host is refused: neither listens on every interface', async () => {
    const run = await serveSession([], async (url) => {
      expect(new URL(url).hostname).toBe('127.0.0.1');
    }, dir, { BERTH_HOST: '' });
    expect(run.stderr).not.toContain('not only loopback');
    const flag = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--host', '', '--no-engine', '--no-gpu'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('--host is empty');
  });

  it('says what is wrong with --store and --port, exit 2', () => {
    const bad = spawnSync(process.execPath, [bin, 'serve', '--store', 'redis://x', '--no-engine', '--no-gpu'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--store redis: is not a store berth knows/);
    const port = spawnSync(process.execPath, [bin, 'serve', '--port', 'eighty'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/--port eighty is not a port/);
  });

  it('refuses a mistyped store scheme (postgres:/db, bogus:xyz) with exit 2, and creates no file named after it', () => {
    for (const store of ['postgres:/db', 'bogus:xyz']) {
      const bad = spawnSync(process.execPath, [bin, 'serve', '--port', '0', '--no-engine', '--no-gpu', '--wait', '0', '--store', store, '--json'], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });
      expect(bad.status, bad.stderr).toBe(2);
      const out = JSON.parse(bad.stdout) as { ok: boolean; error: { message: string; hint?: string } };
      expect(out.ok).toBe(false);
      expect(out.error.message).toBe(`--store ${store.split(':')[0]}: is not a store berth knows; use sqlite:PATH, a file path, or postgres://USER@HOST:PORT/DB`);
      expect(out.error.hint).toBe(`for a file named ${store}, write ./${store}`);
      expect(existsSync(join(dir, store))).toBe(false);
      expect(existsSync(join(dir, store.split('/')[0]!))).toBe(false);
    }
  });
});
