// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient declaration must reach every program that compiles this file (the CLI type-checks it too)
/// <reference path="../types/pg-client.d.ts" />
/**
 * The SQL engines the history store runs on, behind one small async interface: embedded SQLite (synchronous
 * underneath) and PostgreSQL (one pg client). Statements use `?` placeholders; the PostgreSQL driver numbers them.
 *
 * SQLite comes from Node itself where this Node has it without a flag (`node:sqlite`: 22.13+, 24), else from the
 * better-sqlite3 addon (Node 20, 22.12). Both are the same SQLite and the same file format, so a history file
 * written under one Node opens under another; on 22 and 24 nothing native has to be compiled or loaded.
 */
import { BerthError } from '@berth/spec';
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
  /**
   * Runs `work` in one transaction that holds the database's write lock from its start (SQLite's BEGIN IMMEDIATE,
   * a PostgreSQL advisory lock): another process running the same work waits (or fails) instead of interleaving.
   * All or nothing: a throw rolls it back.
   */
  transaction<T>(work: (tx: Pick<SqlDriver, 'all' | 'run'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where SQLite comes from: Node's own module, or the better-sqlite3 addon. */
export type SqliteSource = 'node:sqlite' | 'better-sqlite3';

/** The part of a prepared statement both sources share. */
interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}
/** node:sqlite as berth uses it (@types/node for Node 20 has no declarations for it). */
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => SqliteDatabase;
}

/**
 * Node's own SQLite, or undefined where this Node has none without a flag. Node 22 still calls the module
 * experimental when it is first loaded (24 no longer does); the few statements berth runs behave the same on every
 * version that has it, so that one warning is not printed (every other warning still is).
 */
function nodeSqlite(): NodeSqliteModule | undefined {
  if (nodeSqliteLooked) return nodeSqliteModule;
  nodeSqliteLooked = true;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    if (/^SQLite is an experimental feature/.test(typeof warning === 'string' ? warning : warning.message)) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    nodeSqliteModule = process.getBuiltinModule('node:sqlite') as NodeSqliteModule | undefined;
  } catch {
    nodeSqliteModule = undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
  return nodeSqliteModule;
}
/** Looked for once per process: the answer cannot change, and the lookup swaps process.emitWarning. */
let nodeSqliteLooked = false;
let nodeSqliteModule: NodeSqliteModule | undefined;

/** The SQLite sources this Node can use, the preferred first: its own module, then the addon. */
export function sqliteSources(): SqliteSource[] {
  return nodeSqlite() ? ['node:sqlite', 'better-sqlite3'] : ['better-sqlite3'];
}

async function openSqliteDatabase(file: string, source: SqliteSource): Promise<SqliteDatabase> {
  if (source === 'node:sqlite') {
    const sqlite = nodeSqlite();
    if (!sqlite) throw new Error(`this Node (${process.version}) has no node:sqlite`);
    return new sqlite.DatabaseSync(file);
  }
  const { default: Database } = await import('better-sqlite3');
  return new Database(file) as unknown as SqliteDatabase;
}

/**
 * Opens (creating) the SQLite file FILE, from `source` (default: the first of sqliteSources()). With `ownTable`, a
 * database that has tables but not that one belongs to something else: it is refused before anything is changed
 * in it (the WAL journal mode below is kept in the file, and a migration would add tables).
 */
export async function openSqlite(file: string, source: SqliteSource = sqliteSources()[0]!, options: { ownTable?: string } = {}): Promise<SqlDriver> {
  const db = await openSqliteDatabase(file, source);
  try {
    if (options.ownTable) {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      if (tables.length && !tables.includes(options.ownTable)) {
        throw new BerthError('ERR_BERTH_STORE', `${file} is a SQLite database of something else (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}); berth left it as it was`, {
          hint: 'point --store at a file of its own, such as sqlite:.berth/history.db',
        });
      }
    }
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    // The driver is synchronous: a wait for another process's lock blocks the whole server. Short, then: a flush
    // that finds the file locked fails at once, keeps its results queued, and the next one (a second later) retries.
    db.exec('PRAGMA busy_timeout = 100');
  } catch (err) {
    db.close();
    throw err;
  }
  const cache = new Map<string, SqliteStatement>();
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const statements: Pick<SqlDriver, 'all' | 'run'> = {
    all: async <T extends Row>(sql: string, params: unknown[] = []) => prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => void prepare(sql).run(...params),
  };
  /** `work` between BEGIN (or BEGIN IMMEDIATE) and COMMIT; ROLLBACK when it throws. */
  const inTransaction = async <T>(begin: string, work: () => Promise<T> | T): Promise<T> => {
    db.exec(begin);
    try {
      const out = await work();
      db.exec('COMMIT');
      return out;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  return {
    dialect: 'sqlite',
    location: file,
    exec: async (sql) => void db.exec(sql),
    ...statements,
    insert: async (table, columns, rows) => {
      const stmt = prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
      await inTransaction('BEGIN', () => {
        for (const r of rows) stmt.run(...r);
      });
    },
    // the driver is synchronous underneath: no other statement of this process runs between these
    transaction: (work) => inTransaction('BEGIN IMMEDIATE', () => work(statements)),
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

/** The store's URL as berth prints it: a password in the user part or in the query (libpq reads both) is `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/^(ssl)?password$/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

const CHUNK = 500;

export async function openPostgres(url: string): Promise<SqlDriver> {
  // One client at a time, not pg's Pool: the store's writes are already batched and serialised, and
  // pg's index pulls pg-pool, which breaks under runners that resolve with the "import" condition.
  const { default: Client } = await import('pg/lib/client.js');
  type PgClient = InstanceType<typeof Client>;
  // A client whose connection dropped (PostgreSQL restarted, a network blip) is never usable again: it is put
  // aside and the next statement connects a new one, so the store comes back when the server does.
  let client: PgClient | undefined;
  const connected = async (): Promise<PgClient> => {
    if (client) return client;
    const fresh = new Client({ connectionString: url });
    const putAside = () => {
      if (client === fresh) client = undefined;
    };
    fresh.on('error', () => {
      putAside();
      void fresh.end().catch(() => {});
    });
    fresh.on('end', putAside);
    await fresh.connect();
    client = fresh;
    return fresh;
  };
  await connected();
  // Transactions take the connection for themselves; other statements wait behind them.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: (c: PgClient) => Promise<T>): Promise<T> => {
    const run = async () => fn(await connected());
    const next = chain.then(run, run);
    chain = next.catch(() => {});
    return next;
  };
  const q = (sql: string) => numberPlaceholders(sql);
  const on = (c: PgClient): Pick<SqlDriver, 'all' | 'run'> => ({
    all: async <T extends Row>(sql: string, params: unknown[] = []) => (await c.query(q(sql), params)).rows as T[],
    run: async (sql, params = []) => void (await c.query(q(sql), params)),
  });
  /** `work` on the connection between BEGIN and COMMIT, taking it for itself; ROLLBACK when it throws. */
  const inTransaction = <T>(work: (c: PgClient) => Promise<T>): Promise<T> =>
    exclusive(async (c) => {
      await c.query('BEGIN');
      try {
        const out = await work(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  return {
    dialect: 'postgres',
    location: redactUrl(url),
    exec: (sql) => exclusive(async (c) => void (await c.query(sql))),
    all: (sql, params) => exclusive((c) => on(c).all(sql, params)),
    run: (sql, params) => exclusive((c) => on(c).run(sql, params)),
    // Multi-row VALUES in chunks: one round trip per chunk, all in one transaction.
    insert: (table, columns, rows) =>
      inTransaction(async (c) => {
        for (let i = 0; i < rows.length; i += CHUNK) {
          const chunk = rows.slice(i, i + CHUNK);
          let n = 0;
          const values = chunk.map((r) => `(${r.map(() => `$${++n}`).join(', ')})`).join(', ');
          await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values} ON CONFLICT DO NOTHING`, chunk.flat());
        }
      }),
    transaction: (work) =>
      inTransaction(async (c) => {
        // one key for every berth on this database: the second waits for the first to commit
        await c.query('SELECT pg_advisory_xact_lock(7420)');
        return work(on(c));
      }),
    close: async () => {
      await chain.catch(() => {});
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
