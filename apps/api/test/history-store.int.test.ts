import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult, HealthStatus } from '../src/contract.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { openStore, type StoreLocation } from '../src/store/open-store.js';
import { postgresUnavailableReason, startPostgres, type PgCluster } from './support/postgres.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12, 30);

function result(id: string, subject: string, status: HealthStatus, latencyMs: number, t: number): CheckResult {
  return { id, subject: { kind: 'service', id: subject }, type: 'tcp', label: `tcp ${subject}`, status, reason: status, latencyMs, checkedAt: new Date(t).toISOString(), attempts: 1 };
}

/** Ten days of one result per 10 minutes for two checks of "db": one down every fifth hour. */
function tenDays(): CheckResult[] {
  const out: CheckResult[] = [];
  for (let t = NOW - 10 * 24 * HOUR; t < NOW; t += 10 * 60_000) {
    const hour = Math.floor(t / HOUR);
    out.push(result('db:tcp', 'db', hour % 5 === 0 ? 'critical' : 'passing', 2 + (hour % 7), t));
    out.push(result('db:pg', 'db', 'passing', 10, t));
  }
  return out;
}

function expectedUptime(results: CheckResult[], since: number) {
  const inWindow = results.filter((r) => Date.parse(r.checkedAt) >= since);
  return inWindow.filter((r) => r.status !== 'critical').length / inWindow.length;
}

const pgSkip = postgresUnavailableReason();
const tmp = mkdtempSync(join(tmpdir(), 'berth-store-'));
let cluster: PgCluster | undefined;

beforeAll(async () => {
  if (!pgSkip) cluster = await startPostgres();
});
afterAll(() => {
  cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const stores: { name: string; skip?: string; location: () => StoreLocation }[] = [
  { name: 'sqlite', location: () => ({ kind: 'sqlite', path: join(tmp, `h-${Math.random().toString(36).slice(2)}.db`) }) },
  { name: `postgres${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, skip: pgSkip, location: () => ({ kind: 'postgres', url: cluster!.url }) },
];

for (const s of stores) {
  describe.skipIf(!!s.skip)(`history store on ${s.name}`, () => {
    it('migrates, records, rolls up past the raw window and still answers uptime over 7 days', async () => {
      const location = s.location();
      const store = await openStore(location, { rawMs: 24 * HOUR });
      const all = tenDays();
      for (const r of all) store.add(r);
      await store.flush();
      const before = await store.summary('db', NOW);
      expect(before.uptime24h).toBeCloseTo(expectedUptime(all, NOW - 24 * HOUR), 2);

      await store.maintain(NOW);
      const stats = await store.stats();
      expect(stats.checks).toBe(2);
      // raw rows only for the last day; older ones are in hourly roll-ups
      expect(stats.rawRows).toBeLessThanOrEqual(2 * 6 * 25);
      expect(stats.hourlyRows).toBeGreaterThanOrEqual(2 * 24 * 9);
      const after = await store.summary('db', NOW);
      expect(after.uptime24h).toBeCloseTo(expectedUptime(all, NOW - 24 * HOUR), 2);
      expect(after.uptime7d).toBeCloseTo(expectedUptime(all, NOW - 7 * 24 * HOUR), 2);
      expect(after.latency?.samples).toBeGreaterThan(0);
      expect(after.latency!.p99).toBeGreaterThanOrEqual(after.latency!.p50);

      const week = await store.history('db', '7d', NOW, 100);
      expect(week.length).toBeGreaterThan(10);
      expect(week.length).toBeLessThanOrEqual(100);
      expect(week.some((p) => p.status === 'critical')).toBe(true);
      await store.close();

      // a second open finds the same data and does not migrate again
      const again = await openStore(location, { rawMs: 24 * HOUR });
      expect((await again.summary('db', NOW)).uptime7d).toBeCloseTo(after.uptime7d!, 5);
      expect(await again.db.all('SELECT version FROM schema_version')).toHaveLength(MIGRATIONS.length);
      if (location.kind === 'postgres') await again.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
      await again.close();
    });

    it("past the raw window, an hour's point keeps its worst status: warning, unknown and starting too, not only critical", async () => {
      const location = s.location();
      const store = await openStore(location, { rawMs: 24 * HOUR });
      try {
        // three days ago, one hour each of: passing, warning (with passing), unknown (a profile off), starting, critical
        const kinds: HealthStatus[][] = [['passing'], ['passing', 'warning'], ['unknown'], ['starting', 'passing'], ['passing', 'critical']];
        const first = Math.floor((NOW - 3 * 24 * HOUR) / HOUR) * HOUR;
        kinds.forEach((statuses, i) => {
          for (let m = 0; m < 6; m++) store.add(result('mixed:tcp', 'mixed', statuses[m % statuses.length]!, 5, first + i * HOUR + m * 10 * 60_000));
        });
        await store.flush();
        // read raw, each hour's worst status is what the sparkline shows
        const raw = await store.history('mixed', '7d', NOW, 1000);
        await store.maintain(NOW);
        expect((await store.stats()).rawRows).toBe(0);
        const rolled = await store.history('mixed', '7d', NOW, 1000);
        expect(rolled.map((p) => p.status)).toEqual(['passing', 'warning', 'unknown', 'starting', 'critical']);
        const worstOfHour = (hour: number) => raw.filter((p) => Math.floor(p.t / HOUR) * HOUR === first + hour * HOUR).map((p) => p.status);
        expect(worstOfHour(1)).toContain('warning');
        // uptime counts as before: passing and warning up, critical down, the rest not at all
        expect((await store.summary('mixed', NOW)).uptime7d).toBeCloseTo(18 / 21, 5);
      } finally {
        if (location.kind === 'postgres') await store.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
        await store.close();
      }
    });

    it('migrates a store of the first schema: its roll-ups stay, an hour of neither up nor down reads unknown', async () => {
      const location = s.location();
      const { openPostgres, openSqlite } = await import('../src/store/sql-driver.js');
      const db = location.kind === 'sqlite' ? await openSqlite(location.path) : await openPostgres(location.url);
      await db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      await db.exec(`BEGIN; ${MIGRATIONS[0]![db.dialect]}; INSERT INTO schema_version (version) VALUES (1); COMMIT;`);
      const hour = Math.floor((NOW - 3 * 24 * HOUR) / HOUR) * HOUR;
      await db.run("INSERT INTO checks (check_id, subject, kind) VALUES ('old:tcp', 'old', 'service')");
      for (const [i, [total, up, down]] of [[6, 6, 0], [6, 0, 0], [6, 5, 1]].entries()) {
        await db.run('INSERT INTO hourly (check_key, hour, total, up, down, latency_sum, latency_max) VALUES (1, ?, ?, ?, ?, 30, 5)', [hour + i * HOUR, total, up, down]);
      }
      await db.run("INSERT INTO meta (key, value) VALUES ('rollup_watermark', ?)", [String(Math.floor(NOW / HOUR) * HOUR)]);
      await db.close();
      const store = await openStore(location, { rawMs: 24 * HOUR });
      try {
        expect((await store.db.all<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
        expect((await store.history('old', '7d', NOW, 1000)).map((p) => p.status)).toEqual(['passing', 'unknown', 'critical']);
      } finally {
        if (location.kind === 'postgres') await store.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
        await store.close();
      }
    });

    it('keeps queued results when a write fails and writes them on the next flush', async () => {
      const location = s.location();
      const store = await openStore(location);
      try {
        await store.db.exec('ALTER TABLE results RENAME TO results_away');
        store.add(result('x:tcp', 'x', 'passing', 3, NOW));
        await expect(store.flush()).rejects.toThrow();
        await store.db.exec('ALTER TABLE results_away RENAME TO results');
        store.add(result('x:tcp', 'x', 'critical', 4, NOW + 10_000));
        await store.flush();
        expect((await store.stats()).rawRows).toBe(2);
        expect((await store.summary('x', NOW + 20_000)).uptime24h).toBe(0.5);
      } finally {
        if (location.kind === 'postgres') await store.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
        await store.close();
      }
    });

    it('refuses a database from a newer berth', async () => {
      const location = s.location();
      const store = await openStore(location);
      await store.db.run('INSERT INTO schema_version (version) VALUES (?)', [99]);
      await store.close();
      // The user's to fix (a newer berth wrote it), so a BerthError with what to do, not an internal error.
      await expect(openStore(location)).rejects.toMatchObject({ code: 'ERR_BERTH_STORE_NEWER', message: expect.stringMatching(/schema version 99, newer than this berth/), hint: 'upgrade berth, or point --store elsewhere' });
      if (location.kind === 'postgres') {
        const { openPostgres } = await import('../src/store/sql-driver.js');
        const db = await openPostgres(location.url);
        await db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
        await db.close();
      }
    });
  });
}

describe.skipIf(!!pgSkip)(`the history store on a PostgreSQL that restarts, or that two servers share${pgSkip ? ` (skipped: ${pgSkip})` : ''}`, () => {
  it('two servers rolling up the same hours at once count each hour once', async () => {
    const url = cluster!.url;
    const a = await openStore({ kind: 'postgres', url });
    const b = await openStore({ kind: 'postgres', url });
    try {
      const all = tenDays();
      for (const r of all) a.add(r);
      await a.flush();
      await Promise.all([a.maintain(NOW), b.maintain(NOW), a.maintain(NOW), b.maintain(NOW)]);
      const [row] = await a.db.all<{ total: number }>('SELECT sum(total) AS total FROM hourly');
      // every result before the current hour is in exactly one roll-up
      expect(Number(row!.total)).toBe(all.filter((r) => Date.parse(r.checkedAt) < Math.floor(NOW / HOUR) * HOUR).length);
    } finally {
      await a.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
      await a.close();
      await b.close();
    }
  }, 90_000);

  it('comes back when PostgreSQL restarts: what was queued meanwhile is written, and reads answer', async () => {
    const store = await openStore({ kind: 'postgres', url: cluster!.url });
    try {
      store.add(result('r:tcp', 'r', 'passing', 3, NOW));
      await store.flush();
      cluster!.restart();
      store.add(result('r:tcp', 'r', 'critical', 4, NOW + 10_000));
      // the dropped connection may be noticed by the first statement after it: that flush fails, the results stay queued
      let flushed = false;
      for (let i = 0; i < 5 && !flushed; i++) flushed = await store.flush().then(() => true, () => new Promise((r) => setTimeout(() => r(false), 200)));
      expect(flushed).toBe(true);
      expect((await store.stats()).rawRows).toBe(2);
      expect((await store.summary('r', NOW + 20_000)).uptime24h).toBe(0.5);
    } finally {
      await store.db.exec('DROP TABLE results, hourly, checks, meta, schema_version');
      await store.close();
    }
  }, 90_000);
});

/** A SQLite history store, and a second connection to its file that can hold it locked. */
async function storeAndAnother(name: string) {
  const path = join(tmp, `${name}-${Math.random().toString(36).slice(2)}.db`);
  const store = await openStore({ kind: 'sqlite', path });
  const { openSqlite } = await import('../src/store/sql-driver.js');
  return { store, other: await openSqlite(path), path };
}

describe('the history store on a SQLite file another process holds locked', () => {
  it('a flush fails at once and keeps its results queued (the driver is synchronous: a long wait would stop the server); reads still answer', async () => {
    const { store, other } = await storeAndAnother('locked');
    try {
      store.add(result('l:tcp', 'l', 'passing', 3, NOW));
      await store.flush();
      await other.exec('BEGIN EXCLUSIVE');
      store.add(result('l:tcp', 'l', 'critical', 4, NOW + 10_000));
      const started = performance.now();
      await expect(store.flush()).rejects.toThrow(/locked|busy/i);
      expect(performance.now() - started).toBeLessThan(1000);
      expect((await store.summary('l', NOW + 20_000)).uptime24h).toBe(1);
      await other.exec('COMMIT');
      await store.flush();
      expect((await store.summary('l', NOW + 20_000)).uptime24h).toBe(0.5);
    } finally {
      await other.close();
      await store.close();
    }
  });
});

describe('closing the history store when its last write fails', () => {
  it('closes it all the same, and says how many results were not written and why, instead of throwing', async () => {
    const { store, other, path } = await storeAndAnother('closing');
    try {
      store.add(result('c:tcp', 'c', 'passing', 3, NOW));
      await store.flush();
      await other.exec('BEGIN EXCLUSIVE');
      store.add(result('c:tcp', 'c', 'critical', 4, NOW + 10_000));
      store.add(result('c:tcp', 'c', 'passing', 5, NOW + 20_000));
      const closed = await store.close();
      expect(closed).toEqual({ unstored: 2, reason: expect.stringMatching(/locked|busy/i) });
      // closed for good: the file is no longer held by this store
      await expect(store.stats()).rejects.toThrow();
      await other.exec('COMMIT');
    } finally {
      await other.close();
    }
    const again = await openStore({ kind: 'sqlite', path });
    expect((await again.stats()).rawRows).toBe(1);
    expect(await again.close()).toEqual({ unstored: 0 });
  });
});
