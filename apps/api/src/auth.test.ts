import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerMatches, resolveToken } from './auth.js';

describe('bearerMatches', () => {
  it('accepts only the exact token with the Bearer scheme', () => {
    expect(bearerMatches('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(bearerMatches('Bearer s3cret-tokens', 's3cret-token')).toBe(false);
    expect(bearerMatches('Basic s3cret-token', 's3cret-token')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token')).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});

describe('resolveToken', () => {
  it('prefers BERTH_TOKEN, else creates a 0600 file once and reads it back, tightening loose modes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-token-'));
    try {
      const file = join(dir, '.berth', 'token');
      expect(resolveToken({ env: { BERTH_TOKEN: 'from-env-123' }, file })).toEqual({ token: 'from-env-123', from: 'env' });
      const created = resolveToken({ env: {}, file });
      expect(created.from).toBe('created');
      expect(created.token.length).toBeGreaterThanOrEqual(40);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(resolveToken({ env: {}, file })).toEqual({ token: created.token, from: 'file', file });
      writeFileSync(file, 'loose-token-value\n');
      chmodSync(file, 0o644);
      expect(resolveToken({ env: {}, file }).token).toBe('loose-token-value');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('servers starting at once agree on one token: the first makes the file, the others read it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-token-race-'));
    try {
      const file = join(dir, '.berth', 'token');
      const auth = fileURLToPath(new URL('./auth.ts', import.meta.url));
      // every child loads first, then all call resolveToken at the same instant
      const startAt = Date.now() + 4000;
      const script = `import { resolveToken } from ${JSON.stringify(auth)}; while (Date.now() < ${startAt}); const t = resolveToken({ env: {}, file: ${JSON.stringify(file)} }); console.log(t.from + ' ' + t.token);`;
      const run = () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d));
          child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`))));
        });
      const said = await Promise.all([run(), run(), run(), run()]);
      const inFile = readFileSync(file, 'utf8').trim();
      expect(said.map((s) => s.split(' ')[1])).toEqual([inFile, inFile, inFile, inFile]);
      expect(said.filter((s) => s.startsWith('created '))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a BERTH_TOKEN no header can carry, and a token file that is a folder, in one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-token-bad-'));
    try {
      expect(() => resolveToken({ env: { BERTH_TOKEN: 'my dev token' }, file: join(dir, 'token') })).toThrow(expect.objectContaining({ code: 'ERR_BERTH_USAGE', message: expect.stringContaining('BERTH_TOKEN holds whitespace') }));
      // a token the redactor could not hide (under 8 characters) is refused, from the environment or the file, and never quoted
      for (const short of ['abc', 'seven77']) {
        const r = (() => {
          try {
            resolveToken({ env: { BERTH_TOKEN: short }, file: join(dir, 'token') });
          } catch (err) {
            return err as { code: string; message: string };
          }
        })();
        expect(r).toMatchObject({ code: 'ERR_BERTH_USAGE', message: expect.stringMatching(new RegExp(`^BERTH_TOKEN: the API token is ${short.length} characters; berth needs 8 or more`)) });
        expect(r!.message).not.toContain(short);
      }
      writeFileSync(join(dir, 'short-token'), 'pw12\n', { mode: 0o600 });
      expect(() => resolveToken({ env: {}, file: join(dir, 'short-token') })).toThrow(expect.objectContaining({ code: 'ERR_BERTH_USAGE', message: expect.stringContaining(`${join(dir, 'short-token')}: the API token is 4 characters`) }));
      expect(resolveToken({ env: { BERTH_TOKEN: 'eight888' }, file: join(dir, 'token') })).toEqual({ token: 'eight888', from: 'env' });
      mkdirSync(join(dir, 'token'));
      expect(() => resolveToken({ env: {}, file: join(dir, 'token') })).toThrow(expect.objectContaining({ code: 'ERR_BERTH_UNREADABLE', message: `${join(dir, 'token')}: is a directory, not the API token file` }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
