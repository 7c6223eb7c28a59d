import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../src/index.js';
import { closeAll, listen, refusedPort } from './loopback.js';
import { target } from './loopback.js';
import { postgresBinDir } from './peers.js';

afterEach(closeAll);

const bin = postgresBinDir();
const asRoot = process.getuid?.() === 0;
const postgresUser = asRoot ? spawnSync('id', ['-u', 'postgres']).status === 0 : true;
const skip = !bin ? 'no initdb/pg_ctl (install postgresql: .ci/setup.d/postgres.sh)' : !postgresUser ? 'running as root without a postgres user' : undefined;

/** Runs a PostgreSQL program as the postgres user when we are root (initdb refuses root), else as ourselves. */
function pg(program: string, args: string[]): void {
  const full = join(bin!, program);
  if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
  else execFileSync(full, args, { stdio: 'pipe' });
}

describe.skipIf(!!skip)(`PostgreSQL check against a real server${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir = '';
  let port = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-health-pg-'));
    if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
    port = await refusedPort();
    pg('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    pg('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  });
  afterAll(() => {
    try {
      const status = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin!, 'pg_ctl'), '-D', join(dir, 'data'), 'status']) : spawnSync(join(bin!, 'pg_ctl'), ['-D', join(dir, 'data'), 'status']);
      if (status.status === 0) pg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a running server accepts connections, with no credentials sent', async () => {
    const r = await runCheck(target({ type: 'postgres', port }));
    expect(r.status).toBe('passing');
    expect(r.reason).toBe(`accepting connections on 127.0.0.1:${port}; no password needed`);
  });

  it('an unknown role and database still prove the server accepts connections (as pg_isready)', async () => {
    const r = await runCheck(target({ type: 'postgres', port, database: 'no_such_db', user: 'nobody_here' }));
    expect(r.status).toBe('passing');
    expect(r.reason).toMatch(new RegExp(`^accepting connections on 127\\.0\\.0\\.1:${port}; `));
  });

  it('after the server stops: connection refused', async () => {
    pg('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
    const r = await runCheck(target({ type: 'postgres', port }));
    expect([r.status, r.reason]).toEqual(['critical', `connection refused on 127.0.0.1:${port}`]);
  });
});

/** Writes one ErrorResponse as PostgreSQL does while it starts up (SQLSTATE 57P03). */
function errorResponse(code: string, message: string): Buffer {
  const body = Buffer.from(`SFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

describe('PostgreSQL check against servers that are not (yet) accepting', () => {
  it('"the database system is starting up" is rejecting, reported as starting', async () => {
    const { port } = await listen(net.createServer((s) => s.once('data', () => s.end(errorResponse('57P03', 'the database system is starting up')))));
    const r = await runCheck(target({ type: 'postgres', port }));
    expect(r.status).toBe('starting');
    expect(r.reason).toBe(`rejecting connections on 127.0.0.1:${port}: the database system is starting up`);
  });

  it('a standby not yet consistent (PostgreSQL 14 and later) is starting; one shutting down, or without hot standby, is critical', async () => {
    const answering = (message: string) => listen(net.createServer((s) => s.once('data', () => s.end(errorResponse('57P03', message)))));
    const standby = await answering('the database system is not yet accepting connections');
    expect((await runCheck(target({ type: 'postgres', port: standby.port }))).status).toBe('starting');
    for (const message of ['the database system is shutting down', 'the database system is not accepting connections']) {
      const { port } = await answering(message);
      const r = await runCheck(target({ type: 'postgres', port }));
      expect([r.status, r.reason]).toEqual(['critical', `rejecting connections on 127.0.0.1:${port}: ${message}`]);
    }
  });

  it('a server that never answers the startup message: no answer', async () => {
    const { port } = await listen(net.createServer((s) => void s.resume()));
    const r = await runCheck(target({ type: 'postgres', port, timeout: 400 }));
    expect(r.status).toBe('critical');
    expect(r.reason).toMatch(/^no answer from 127\.0\.0\.1:\d+ within 400 ms/);
  });

  it('an HTTP server on the port is named as not PostgreSQL', async () => {
    const { port } = await listen(net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    const r = await runCheck(target({ type: 'postgres', port }));
    expect(r.status).toBe('critical');
    expect(r.reason).toBe(`127.0.0.1:${port} answered but not as PostgreSQL: "HTTP/1.1 400 Bad Request...."`);
  });

  it('nothing listening: connection refused', async () => {
    const port = await refusedPort();
    const r = await runCheck(target({ type: 'postgres', port }));
    expect(r.reason).toBe(`connection refused on 127.0.0.1:${port}`);
  });
});
