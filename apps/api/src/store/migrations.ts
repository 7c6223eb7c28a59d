import { BerthError } from '@berth/spec';
import type { SqlDriver } from './sql-driver.js';

/**
 * Schema migrations, applied in order on open. The `schema_version` table holds the
 * version reached; a new berth adds entries here and never edits old ones.
 */
interface Migration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

const common = `
  CREATE TABLE hourly (
    check_key INTEGER NOT NULL, hour BIGINT NOT NULL, total INTEGER NOT NULL, up INTEGER NOT NULL, down INTEGER NOT NULL,
    latency_sum DOUBLE PRECISION NOT NULL, latency_max DOUBLE PRECISION NOT NULL, PRIMARY KEY (check_key, hour));
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    // Raw results keyed by (check, time): one b-tree (WITHOUT ROWID on SQLite) serves writes, reads and pruning.
    description: 'checks, raw results, hourly roll-ups',
    sqlite: `
      CREATE TABLE checks (check_key INTEGER PRIMARY KEY, check_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, kind TEXT NOT NULL);
      CREATE TABLE results (check_key INTEGER NOT NULL, t INTEGER NOT NULL, status INTEGER NOT NULL, latency REAL NOT NULL, PRIMARY KEY (check_key, t)) WITHOUT ROWID;
      ${common}`,
    postgres: `
      CREATE TABLE checks (check_key SERIAL PRIMARY KEY, check_id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, kind TEXT NOT NULL);
      CREATE TABLE results (check_key INTEGER NOT NULL, t BIGINT NOT NULL, status SMALLINT NOT NULL, latency REAL NOT NULL, PRIMARY KEY (check_key, t));
      ${common}`,
  },
  {
    version: 2,
    // An hour's worst status: `up` counts warnings with passing, and neither `up` nor `down` counts starting or
    // unknown, so a roll-up of warnings (or of nothing but "not expected") read as passing in the 7-day history.
    // Hours rolled up before this keep 0 for both: their warnings stay unknowable.
    description: 'hourly roll-ups count warning and starting results',
    sqlite: 'ALTER TABLE hourly ADD COLUMN warning INTEGER NOT NULL DEFAULT 0; ALTER TABLE hourly ADD COLUMN starting INTEGER NOT NULL DEFAULT 0',
    postgres: 'ALTER TABLE hourly ADD COLUMN warning INTEGER NOT NULL DEFAULT 0, ADD COLUMN starting INTEGER NOT NULL DEFAULT 0',
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database to the latest version; returns the versions applied. Refuses a newer database. */
export async function migrate(db: SqlDriver): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const rows = await db.all<{ version: number }>('SELECT max(version) AS version FROM schema_version');
  const current = Number(rows[0]?.version ?? 0);
  if (current > LATEST_VERSION) {
    // The user can fix this (a newer berth wrote the store): their error, not berth's bug.
    throw new BerthError('ERR_BERTH_STORE_NEWER', `the history store at ${db.location} has schema version ${current}, newer than this berth understands (${LATEST_VERSION})`, {
      hint: 'upgrade berth, or point --store elsewhere',
    });
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.exec(`BEGIN; ${m[db.dialect]}; INSERT INTO schema_version (version) VALUES (${m.version}); COMMIT;`).catch(async (err) => {
      await db.exec('ROLLBACK').catch(() => {});
      throw err;
    });
    applied.push(m.version);
  }
  return applied;
}
