/** How berth reads `.env` files, as Compose does: interpolated, refused where Compose refuses them, merged in order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, ensureBuiltCli } from './support/built-cli.js';

const SECRET = 'S3cr3tXYZ123-DO-NOT-PRINT';

function berth(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', BERTH_RESULT_CACHE: '0', ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: r.stdout + r.stderr };
}

const SPEC = `berth: 1
repo: { name: dotenv-cli }
services:
  web:
    image: berth-test/none:1
    runtime: compose
    environment: { DB_URL: "\${SEMOPS_DB_URL}" }
    ports:
      - { host: 3010, env: WEB_PORT }
env:
  DB_HOST: { default: localhost }
  SEMOPS_DB_URL: { type: url, required: true }
  QDRANT_URL: { type: url }
  WORKERS: { type: int }
  APP_TOKEN: { secret: true }
`;

describe('.env files as Compose reads them, run as the built binary', () => {
  let dir: string;
  const write = (rel: string, text: string) => writeFileSync(join(dir, rel), text);

  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'berth-dotenv-cli-'));
    write('berth.yaml', SPEC);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('env check and validate judge values after interpolation: a .env Compose accepts passes (audit finding 1)', () => {
    write('.env', 'SEMOPS_DB_URL=postgres://app@${DB_HOST:-localhost}:5434/semops\nQDRANT_URL=${QDRANT_BASE:-http://localhost:6333}\nWORKERS=${NPROC:-4}\nWEB_PORT=${WEB_PORT_OVERRIDE:-3010}\n');
    const check = berth(['env', 'check'], dir);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('berth.yaml (no modules enabled, .env): no problems') });
    expect(berth(['validate'], dir)).toMatchObject({ code: 0, stdout: 'berth.yaml: valid\n' });
    expect(berth(['env', 'check', '--json'], dir, { NPROC: 'many' }).stdout).toContain('"errors": 1');
    // the process env comes first, inside the file's references too
    const shell = berth(['env', 'check'], dir, { NPROC: 'many' });
    expect(shell).toMatchObject({ code: 1, stdout: expect.stringContaining('.env:3:1: WORKERS (set in .env) is not a whole number') });
    expect(berth(['validate'], dir, { WEB_PORT_OVERRIDE: '3011' })).toMatchObject({ code: 1, stdout: expect.stringContaining('.env:4:1:') });
  });

  it('Node 20 loading an --env-file itself (nodejs/node#54232), uninterpolated, changes nothing', () => {
    write('local.env', 'SEMOPS_DB_URL=http://${DB_HOST:-localhost}:5434\nWORKERS=${NPROC:-4}\n');
    expect(berth(['env', 'check', '--env-file', 'local.env'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('no problems') });
  });

  it('a failed ${VAR:?message} or a broken ${ is bad input at .env:LINE:COL for every command that reads the file, the value never printed', () => {
    write('.env', `SEMOPS_DB_URL=http://db\nA=${SECRET}\${oops\nAPP_TOKEN=\${VAULT_TOKEN:?export VAULT_TOKEN first}\n`);
    const lines = ['.env:2:28: A: invalid interpolation: this ${ is not closed, or names no variable', '.env:3:11: APP_TOKEN: required variable VAULT_TOKEN is missing a value: export VAULT_TOKEN first'];
    for (const args of [['env', 'check'], ['validate'], ['ports', 'check'], ['up', '--dry-run'], ['doctor']]) {
      const r = berth(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      for (const line of lines) expect(r.stderr, args.join(' ')).toContain(line);
      expect(r.all).not.toContain(SECRET);
    }
    const json = JSON.parse(berth(['env', 'check', '--json'], dir).stdout);
    expect(json.problems.map((p: { code: string; line: number; col: number }) => [p.code, p.line, p.col])).toEqual([
      ['env-file-interpolation', 2, 28],
      ['env-file-required', 3, 11],
    ]);
    expect(berth(['env', 'check'], dir, { VAULT_TOKEN: SECRET }).stderr).toBe(`${lines[0]} (write \${NAME} or \${NAME:-default}, and $$ for a literal $)\n`);
  });

  it('an unterminated quote is one error at its line, as Compose refuses the file, and swallows nothing silently (audit finding 2)', () => {
    write('.env', `GREETING="hello world\nSEMOPS_DB_URL=http://db:5000\nAPP_TOKEN=${SECRET}\n`);
    for (const args of [['env', 'check'], ['validate'], ['up', '--dry-run']]) {
      const r = berth(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe('.env:1:10: unterminated quoted value: the quote opened here is never closed (close it: Compose refuses the file)\n');
      expect(r.all).not.toContain('not set');
      expect(r.all).not.toContain(SECRET);
    }
  });

  it('--dotenv and --env-file may be given more than once: the files merge in order, a later one winning (audit finding 10)', () => {
    write('.env', 'SEMOPS_DB_URL=nope\n');
    write('a.env', 'SEMOPS_DB_URL=http://a\nDB_HOST=a\n');
    write('b.env', 'OTHER=1\n');
    write('c.env', 'SEMOPS_DB_URL=${DB_HOST}-no-scheme\n');
    expect(berth(['env', 'check', '--dotenv', 'a.env', '--dotenv', 'b.env'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('berth.yaml (no modules enabled, a.env, b.env): no problems') });
    // c.env comes later and wins; its ${DB_HOST} reads a.env's
    const later = berth(['env', 'check', '--dotenv', 'a.env', '--dotenv', 'c.env'], dir);
    expect(later).toMatchObject({ code: 1, stdout: expect.stringContaining('c.env:1:1: SEMOPS_DB_URL (set in a.env, c.env) is not a URL') });
    expect(later.stdout).toMatch(/SEMOPS_DB_URL +yes +invalid +c\.env/);
    expect(berth(['env', 'check', '--dotenv', 'c.env', '--dotenv', 'a.env'], dir).code).toBe(0);
    // the order holds across the two flags
    expect(berth(['env', 'check', '--dotenv', 'c.env', '--env-file', 'a.env'], dir).code).toBe(0);
    expect(berth(['env', 'check', '--dotenv', 'a.env', '--env-file', 'c.env'], dir).code).toBe(1);
    expect(berth(['ports', 'check', '--dotenv', 'a.env', '--dotenv', 'b.env'], dir).code).toBe(0);
    expect(berth(['env', 'check', '--dotenv', 'a.env', '--dotenv', 'missing.env'], dir)).toMatchObject({ code: 2, stderr: 'missing.env: no such file (from --dotenv)\n' });
  });
});
