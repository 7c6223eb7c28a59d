import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite, redactUrl, sqliteSources, type SqliteSource } from './sql-driver.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const major = Number(process.versions.node.split('.')[0]);
const [minor] = process.versions.node.split('.').slice(1).map(Number);

/** Whether `source` opens here: better-sqlite3's addon may have been built for another Node (a switched runtime). */
async function opens(source: SqliteSource): Promise<boolean> {
  try {
    await (await openSqlite(':memory:', source)).close();
    return true;
  } catch {
    return false;
  }
}

describe('SQLite for the history store', () => {
  it("prefers Node's own SQLite where this Node has it without a flag (22.13+, 24), else the better-sqlite3 addon", async () => {
    const own = major > 22 || (major === 22 && minor! >= 13);
    expect(sqliteSources()[0]).toBe(own ? 'node:sqlite' : 'better-sqlite3');
    // The preferred source always opens: it is what `berth serve` uses.
    expect(await opens(sqliteSources()[0]!)).toBe(true);
  });

  it('each source that opens here keeps rows, skips a duplicate key in a batch, and rolls a failed batch back whole', async () => {
    const usable: SqliteSource[] = [];
    for (const s of sqliteSources()) if (await opens(s)) usable.push(s);
    expect(usable.length).toBeGreaterThan(0);
    for (const source of usable) {
      const file = join(dir, `${source.replace(/\W/g, '-')}.db`);
      const db = await openSqlite(file, source);
      await db.exec('CREATE TABLE r (k TEXT PRIMARY KEY, t INTEGER NOT NULL, v REAL)');
      await db.insert('r', ['k', 't', 'v'], [['a', 1, 0.5], ['b', 2, null], ['a', 3, 9]]);
      await expect(db.insert('r', ['k', 't', 'v'], [['c', 4, 1], ['d', null, 1]])).rejects.toThrow(/NOT NULL/);
      await db.run('UPDATE r SET v = ? WHERE k = ?', [1.5, 'b']);
      expect((await db.all('SELECT k, t, v FROM r ORDER BY k')).map((r) => ({ ...r }))).toEqual([
        { k: 'a', t: 1, v: 0.5 },
        { k: 'b', t: 2, v: 1.5 },
      ]);
      expect((await db.all<{ journal_mode: string }>('PRAGMA journal_mode'))[0]!.journal_mode).toBe('wal');
      await db.close();
      // The same file again, as the next `berth serve` opens it.
      const again = await openSqlite(file, source);
      expect(await again.all('SELECT k FROM r ORDER BY k')).toHaveLength(2);
      await again.close();
    }
  });

  it('a history file written with one source opens with the other (the same SQLite file format)', async () => {
    const usable: SqliteSource[] = [];
    for (const s of sqliteSources()) if (await opens(s)) usable.push(s);
    const file = join(dir, 'shared.db');
    for (const [i, source] of usable.entries()) {
      const db = await openSqlite(file, source);
      await db.exec('CREATE TABLE IF NOT EXISTS s (n INTEGER PRIMARY KEY)');
      await db.insert('s', ['n'], [[i]]);
      expect(await db.all('SELECT n FROM s')).toHaveLength(i + 1);
      await db.close();
    }
  });

  it('opening it prints no warning on any Node (Node 22 calls node:sqlite experimental)', () => {
    const driver = fileURLToPath(new URL('./sql-driver.ts', import.meta.url));
    const r = spawnSync(
      process.execPath,
      ['--conditions=@berth/source', '--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(driver)}); await (await m.openSqlite(':memory:')).close(); console.log(m.sqliteSources()[0]);`],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(sqliteSources()[0]);
    expect(r.stderr).toBe('');
  });
});

describe('redactUrl', () => {
  it('hides a password in the user part and in the query, where libpq reads one too', () => {
    expect(redactUrl('postgres://berth:S3cret@db:5432/h')).toBe('postgres://berth:***@db:5432/h');
    expect(redactUrl('postgres://berth@db/h?password=S3cretPassw0rd&sslmode=require&sslpassword=K3y')).toBe('postgres://berth@db/h?password=***&sslmode=require&sslpassword=***');
  });
});
