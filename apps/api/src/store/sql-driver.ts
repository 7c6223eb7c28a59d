// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient declaration must reach every program that compiles this file (the CLI type-checks it too)
/// <reference path="../types/pg-client.d.ts" />
/**
 * The two SQL engines the history store runs on, behind one small async interface:
 * embedded SQLite (better-sqlite3, synchronous underneath) and PostgreSQL (pg pool).
 * Statements use `?` placeholders; the PostgreSQL driver numbers them.
 */
export type Row = Record<string, unknown>;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, for messages (a file path, or the URL without its password). */
  readonly location: string;
  exec(sql: string): Promise<void>;
  all<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Inserts many rows in one transaction; a row whose key is already there is skipped. */
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  close(): Promise<void>;
}

export async function openSqlite(file: string): Promise<SqlDriver> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const cache = new Map<string, import('better-sqlite3').Statement>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    dialect: 'sqlite',
    location: file,
    exec: async (sql) => void db.exec(sql),
    all: async <T extends Row>(sql: string, params: unknown[] = []) => prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => void prepare(sql).run(...params),
    insert: async (table, columns, rows) => {
      const stmt = prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
      db.transaction((all: unknown[][]) => {
        for (const r of all) stmt.run(...r);
      })(rows);
    },
    close: async () => {
      cache.clear();
      db.close();
    },
  };
}

/** `?` placeholders to `$1, $2...` (the store's SQL never has `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

const CHUNK = 500;

export async function openPostgres(url: string): Promise<SqlDriver> {
  // One client, not pg's Pool: the store's writes are already batched and serialised, and
  // pg's index pulls pg-pool, which breaks under runners that resolve with the "import" condition.
  const { default: Client } = await import('pg/lib/client.js');
  const client = new Client({ connectionString: url });
  client.on('error', () => {}); // a dropped connection is reported by the next query
  await client.connect();
  // Transactions take the connection for themselves; other statements wait behind them.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };
  const q = (sql: string) => numberPlaceholders(sql);
  return {
    dialect: 'postgres',
    location: redactUrl(url),
    exec: (sql) => exclusive(async () => void (await client.query(sql))),
    all: <T extends Row>(sql: string, params: unknown[] = []) => exclusive(async () => (await client.query(q(sql), params)).rows as T[]),
    run: (sql, params = []) => exclusive(async () => void (await client.query(q(sql), params))),
    insert: (table, columns, rows) =>
      exclusive(async () => {
        // Multi-row VALUES in chunks: one round trip per chunk, all in one transaction.
        await client.query('BEGIN');
        try {
          for (let i = 0; i < rows.length; i += CHUNK) {
            const chunk = rows.slice(i, i + CHUNK);
            let n = 0;
            const values = chunk.map((r) => `(${r.map(() => `$${++n}`).join(', ')})`).join(', ');
            await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flat());
          }
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    close: () => exclusive(() => client.end()),
  };
}
