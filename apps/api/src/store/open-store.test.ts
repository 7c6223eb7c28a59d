import { describe, expect, it } from 'vitest';
import { describeStore, parseStoreOption } from './open-store.js';
import { resolve } from 'node:path';
import type { BerthError } from '@berth/spec';

describe('parseStoreOption', () => {
  it('defaults to .berth/history.db beside the spec', () => {
    expect(parseStoreOption(undefined, '/repo/berth.yaml')).toEqual({ kind: 'sqlite', path: '/repo/.berth/history.db' });
  });
  it('reads sqlite:PATH, bare paths and postgres URLs', () => {
    expect(parseStoreOption('sqlite:data/h.db', '/repo/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: '/work/data/h.db' });
    expect(parseStoreOption('h.db', '/repo/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: '/work/h.db' });
    expect(parseStoreOption('postgresql://u:p@localhost:5434/berth', '/repo/berth.yaml')).toEqual({ kind: 'postgres', url: 'postgresql://u:p@localhost:5434/berth' });
  });
  it('refuses other schemes and an empty sqlite path', () => {
    expect(() => parseStoreOption('mysql://x', '/r/berth.yaml')).toThrow(/not a store berth knows/);
    expect(() => parseStoreOption('sqlite:', '/r/berth.yaml')).toThrow(/needs a file path/);
  });
  it('refuses any other scheme, with or without //, rather than create a file named after it', () => {
    for (const value of ['postgres:/db', 'bogus:xyz', 'postgress://u:hunter22@h/db', 'sqlite3:x.db']) {
      const err = (() => {
        try {
          parseStoreOption(value, '/r/berth.yaml', '/work');
        } catch (e) {
          return e as BerthError;
        }
        throw new Error(`${value} was accepted`);
      })();
      expect(err.code).toBe('ERR_BERTH_STORE');
      expect(err.message).toMatch(/not a store berth knows; use sqlite:PATH, a file path, or postgres:\/\//);
      expect(err.message).not.toContain('hunter22');
      expect(err.hint).toMatch(/^for a file named .*, write \.\//);
      expect(err.hint).not.toContain('hunter22');
    }
  });
  it('keeps a Windows drive letter and a ./name with a colon as paths', () => {
    expect(parseStoreOption('C:\\data\\h.db', '/r/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: resolve('/work', 'C:\\data\\h.db') });
    expect(parseStoreOption('./bogus:xyz', '/r/berth.yaml', '/work')).toEqual({ kind: 'sqlite', path: '/work/bogus:xyz' });
  });
  it('masks a PostgreSQL password when shown', () => {
    expect(describeStore({ kind: 'postgres', url: 'postgres://u:hunter22@localhost:5434/db' })).not.toContain('hunter22');
  });
});

describe('openStore on a file that is not berth\'s', () => {
  it('refuses a SQLite database of something else and leaves it as it was (journal mode, tables); names a file that is no database', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openStore } = await import('./open-store.js');
    const { openSqlite } = await import('./sql-driver.js');
    const dir = mkdtempSync(join(tmpdir(), 'berth-foreign-store-'));
    try {
      const path = join(dir, 'app.db');
      const app = await openSqlite(path);
      await app.exec('PRAGMA journal_mode = DELETE; CREATE TABLE results (id INTEGER); CREATE TABLE users (name TEXT)');
      await app.close();
      await expect(openStore({ kind: 'sqlite', path })).rejects.toMatchObject({
        code: 'ERR_BERTH_STORE',
        message: `${path} is a SQLite database of something else (tables: results, users); berth left it as it was`,
      });
      // the file header's read and write versions (bytes 18 and 19): 1 for a rollback journal, 2 once switched to WAL
      expect([...readFileSync(path).subarray(18, 20)]).toEqual([1, 1]);
      const after = await openSqlite(path);
      expect((await after.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((t) => t.name)).toEqual(['results', 'users']);
      await after.close();
      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'not a database at all, just some text that is long enough to be read as a header\n'.repeat(20));
      await expect(openStore({ kind: 'sqlite', path: text })).rejects.toMatchObject({ code: 'ERR_BERTH_STORE', hint: 'it is not a SQLite database: point --store at a file of its own' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
