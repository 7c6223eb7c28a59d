import type { CheckResult, HistoryResponse, LatencyStats } from '../contract.js';
import type { SqlDriver } from './sql-driver.js';
import { migrate } from './migrations.js';
import { downsample, hourStatus, latencyStats, STATUS_CODES, STATUS_NAMES, uptimeRatio, type Point } from './stats.js';
import { errorLine } from '../sources/error-line.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Results kept in memory while the store cannot be written (an hour of 1,000 checks at 10 s). */
const MAX_PENDING = 360_000;

export interface RetentionOptions {
  /** Raw results are kept this long (default 24 hours, as Uptime Kuma does), hourly roll-ups beyond it. */
  rawMs?: number;
  /** Hourly roll-ups are kept this long (default 90 days). */
  hourlyMs?: number;
}

export interface SubjectSummary {
  uptime24h: number | null;
  uptime7d: number | null;
  latency: LatencyStats | null;
}

export interface StoreStats {
  location: string;
  dialect: 'sqlite' | 'postgres';
  checks: number;
  rawRows: number;
  hourlyRows: number;
}

const WINDOWS: Record<HistoryResponse['window'], number> = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY };

/**
 * Every check result, kept for uptime and latency: raw rows for a short window and hourly
 * roll-ups beyond it (as Uptime Kuma learned: raw heartbeats forever do not scale).
 * Writes are buffered and flushed in one transaction; `close()` flushes first.
 */
/** What closing the store left unwritten: results still queued when a last write failed, and why. */
export interface StoreClosed {
  unstored: number;
  reason?: string;
}

export class HistoryStore {
  private keys = new Map<string, number>();
  private pending: CheckResult[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly rawMs: number;
  private readonly hourlyMs: number;

  private constructor(
    readonly db: SqlDriver,
    retention: RetentionOptions,
  ) {
    this.rawMs = retention.rawMs ?? DAY;
    this.hourlyMs = retention.hourlyMs ?? 90 * DAY;
  }

  static async open(db: SqlDriver, retention: RetentionOptions = {}): Promise<HistoryStore> {
    await migrate(db);
    const store = new HistoryStore(db, retention);
    for (const r of await db.all<{ check_key: number; check_id: string }>('SELECT check_key, check_id FROM checks')) store.keys.set(r.check_id, Number(r.check_key));
    return store;
  }

  get location() {
    return this.db.location;
  }

  /** Queues a result; it is written on the next flush. */
  add(result: CheckResult): void {
    this.pending.push(result);
  }

  /** Writes every queued result in one transaction. Flushes run one at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.record(batch);
      } catch (err) {
        // The store is away (PostgreSQL restarting): keep the results for the next flush, within reason.
        this.pending = [...batch, ...this.pending].slice(-MAX_PENDING);
        throw err;
      }
    });
    const done = this.flushing;
    this.flushing = done.catch(() => {});
    return done;
  }

  async record(results: CheckResult[]): Promise<void> {
    const rows: unknown[][] = [];
    for (const r of results) {
      const key = await this.keyFor(r);
      rows.push([key, Date.parse(r.checkedAt) || Date.now(), STATUS_CODES[r.status], r.latencyMs]);
    }
    if (rows.length) await this.db.insert('results', ['check_key', 't', 'status', 'latency'], rows);
  }

  private async keyFor(r: CheckResult): Promise<number> {
    const known = this.keys.get(r.id);
    if (known !== undefined) return known;
    await this.db.run('INSERT INTO checks (check_id, subject, kind) VALUES (?, ?, ?) ON CONFLICT (check_id) DO NOTHING', [r.id, r.subject.id, r.subject.kind]);
    const [row] = await this.db.all<{ check_key: number }>('SELECT check_key FROM checks WHERE check_id = ?', [r.id]);
    const key = Number(row!.check_key);
    this.keys.set(r.id, key);
    return key;
  }

  private async subjectKeys(subject: string): Promise<{ key: number; checkId: string }[]> {
    const rows = await this.db.all<{ check_key: number; check_id: string }>('SELECT check_key, check_id FROM checks WHERE subject = ?', [subject]);
    return rows.map((r) => ({ key: Number(r.check_key), checkId: r.check_id }));
  }

  /** The end of the hours rolled up so far, as `db` (the store, or a transaction of it) reads it. */
  private async watermark(db: Pick<SqlDriver, 'all'> = this.db): Promise<number> {
    const [row] = await db.all<{ value: string }>("SELECT value FROM meta WHERE key = 'rollup_watermark'");
    return row ? Number(row.value) : 0;
  }

  /** Uptime and latency of one subject (all its checks), from raw rows and roll-ups. */
  async summary(subject: string, now = Date.now()): Promise<SubjectSummary> {
    const keys = (await this.subjectKeys(subject)).map((k) => k.key);
    if (keys.length === 0) return { uptime24h: null, uptime7d: null, latency: null };
    const inList = keys.map(() => '?').join(', ');
    const w = await this.watermark();
    const uptime = async (since: number) => {
      const [h] = await this.db.all<{ up: number | null; down: number | null }>(
        `SELECT sum(up) AS up, sum(down) AS down FROM hourly WHERE check_key IN (${inList}) AND hour >= ? AND hour < ?`,
        [...keys, since, w],
      );
      const [r] = await this.db.all<{ up: number | null; down: number | null }>(
        `SELECT sum(CASE WHEN status <= 1 THEN 1 ELSE 0 END) AS up, sum(CASE WHEN status = 2 THEN 1 ELSE 0 END) AS down FROM results WHERE check_key IN (${inList}) AND t >= ?`,
        [...keys, Math.max(since, w)],
      );
      return uptimeRatio(Number(h?.up ?? 0) + Number(r?.up ?? 0), Number(h?.down ?? 0) + Number(r?.down ?? 0));
    };
    const lat = await this.db.all<{ latency: number }>(`SELECT latency FROM results WHERE check_key IN (${inList}) AND t >= ? AND status <= 1`, [...keys, now - DAY]);
    return { uptime24h: await uptime(now - DAY), uptime7d: await uptime(now - 7 * DAY), latency: latencyStats(lat.map((r) => Number(r.latency))) };
  }

  /** Points for a sparkline: raw rows within the raw window, hourly roll-ups before it; at most `max`. */
  async history(subject: string, window: HistoryResponse['window'], now = Date.now(), max = 300): Promise<Point[]> {
    const keys = await this.subjectKeys(subject);
    if (keys.length === 0) return [];
    const byKey = new Map(keys.map((k) => [k.key, k.checkId]));
    const inList = keys.map(() => '?').join(', ');
    const since = now - WINDOWS[window];
    const w = await this.watermark();
    const rollups = await this.db.all<{ check_key: number; hour: number; total: number; up: number; down: number; warning: number; starting: number; latency_sum: number }>(
      `SELECT check_key, hour, total, up, down, warning, starting, latency_sum FROM hourly WHERE check_key IN (${inList}) AND hour >= ? AND hour < ? ORDER BY hour`,
      [...byKey.keys(), since, Math.min(w, now - this.rawMs)],
    );
    const raw = await this.db.all<{ check_key: number; t: number; status: number; latency: number }>(
      `SELECT check_key, t, status, latency FROM results WHERE check_key IN (${inList}) AND t >= ? ORDER BY t`,
      [...byKey.keys(), Math.max(since, Math.min(w, now - this.rawMs))],
    );
    const points: Point[] = [
      ...rollups.map((h) => ({
        t: Number(h.hour),
        status: hourStatus({ total: Number(h.total), up: Number(h.up), down: Number(h.down), warning: Number(h.warning), starting: Number(h.starting) }),
        latencyMs: Number(h.latency_sum) / Math.max(1, Number(h.total)),
        checkId: byKey.get(Number(h.check_key))!,
      })),
      ...raw.map((r) => ({ t: Number(r.t), status: STATUS_NAMES[Number(r.status)] ?? 'unknown', latencyMs: Number(r.latency), checkId: byKey.get(Number(r.check_key))! })),
    ];
    return downsample(points, max);
  }

  /** Rolls completed hours into `hourly`, then drops raw rows and roll-ups past retention. */
  async maintain(now = Date.now()): Promise<void> {
    await this.flush();
    const to = Math.floor(now / HOUR) * HOUR;
    // The roll-up and its watermark in one transaction that holds the write lock: a crash between them, or two
    // servers on one store rolling up at once, would count the same hours twice. The watermark is read inside it.
    await this.db.transaction(async (tx) => {
      const from = await this.watermark(tx);
      if (to <= from) return;
      await tx.run(
        `INSERT INTO hourly (check_key, hour, total, up, down, warning, starting, latency_sum, latency_max)
         SELECT check_key, (t / ${HOUR}) * ${HOUR} AS hour, count(*), sum(CASE WHEN status <= 1 THEN 1 ELSE 0 END), sum(CASE WHEN status = 2 THEN 1 ELSE 0 END),
           sum(CASE WHEN status = 1 THEN 1 ELSE 0 END), sum(CASE WHEN status = 3 THEN 1 ELSE 0 END), sum(latency), max(latency)
         FROM results WHERE t >= ? AND t < ? GROUP BY check_key, (t / ${HOUR}) * ${HOUR}
         ON CONFLICT (check_key, hour) DO UPDATE SET total = hourly.total + excluded.total, up = hourly.up + excluded.up, down = hourly.down + excluded.down,
           warning = hourly.warning + excluded.warning, starting = hourly.starting + excluded.starting, latency_sum = hourly.latency_sum + excluded.latency_sum, latency_max = CASE WHEN excluded.latency_max > hourly.latency_max THEN excluded.latency_max ELSE hourly.latency_max END`,
        [from, to],
      );
      await tx.run("INSERT INTO meta (key, value) VALUES ('rollup_watermark', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(to)]);
    });
    // Per check, so the (check_key, t) key serves the delete.
    for (const key of this.keys.values()) await this.db.run('DELETE FROM results WHERE check_key = ? AND t < ?', [key, Math.min(to, now - this.rawMs)]);
    await this.db.run('DELETE FROM hourly WHERE hour < ?', [now - this.hourlyMs]);
  }

  async stats(): Promise<StoreStats> {
    const count = async (table: string) => Number((await this.db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
    return { location: this.location, dialect: this.db.dialect, checks: await count('checks'), rawRows: await count('results'), hourlyRows: await count('hourly') };
  }

  /**
   * Writes what is queued, then closes the store, always: a write that fails (a full disk, a database another
   * process holds locked) does not keep the store open, nor turn a stop into an error. Says how many results
   * were not written, and why.
   */
  async close(): Promise<StoreClosed> {
    let failure: unknown;
    try {
      await this.flush();
    } catch (err) {
      failure = err;
    } finally {
      await this.db.close().catch(() => {});
    }
    return failure === undefined ? { unstored: 0 } : { unstored: this.pending.length, reason: errorLine(failure) };
  }
}
