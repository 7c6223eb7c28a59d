import { dirname, join, resolve } from 'node:path';
import { BerthError } from '@berth/spec';
import { ensureStateDir } from '../state-dir.js';
import { HistoryStore, type RetentionOptions } from './history-store.js';
import { openPostgres, openSqlite, redactUrl } from './sql-driver.js';

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** The default store: `.berth/history.db` beside the spec. */
export function defaultStorePath(specPath: string): string {
  return join(dirname(specPath), '.berth', 'history.db');
}

/**
 * Parses `--store`: `sqlite:PATH`, a bare path, or `postgres://...` / `postgresql://...`. Any other `scheme:` prefix is
 * refused (exit 2), so a mistyped URL never becomes an SQLite file named after it; `./name:with:colons` is a path.
 */
export function parseStoreOption(value: string | undefined, specPath: string, cwd = process.cwd()): StoreLocation {
  if (!value) return { kind: 'sqlite', path: defaultStorePath(specPath) };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) throw new BerthError('ERR_BERTH_STORE', '--store sqlite: needs a file path, such as sqlite:.berth/history.db');
    return { kind: 'sqlite', path: resolve(cwd, path) };
  }
  // Anything that looks like a scheme (`postgres:/db`, `bogus:xyz`, `mysql://x`) is a mistyped store, not a file to
  // create under that name; one letter and a colon is a Windows drive (`C:\\data\\h.db`), a path.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value);
  if (scheme) {
    // a mistyped URL may carry a password: it is not shown
    const shown = value.replace(/(\/\/[^/:@]*:)[^@/]*@/, '$1***@');
    throw new BerthError('ERR_BERTH_STORE', `--store ${scheme[1]}: is not a store berth knows; use sqlite:PATH, a file path, or postgres://USER@HOST:PORT/DB`, {
      hint: `for a file named ${shown}, write ./${shown}`,
    });
  }
  return { kind: 'sqlite', path: resolve(cwd, value) };
}

export function describeStore(location: StoreLocation): string {
  return location.kind === 'sqlite' ? `sqlite:${location.path}` : redactUrl(location.url);
}

/** Opens (creating and migrating) the history store; a store that cannot open is a BerthError. */
export async function openStore(location: StoreLocation, retention?: RetentionOptions): Promise<HistoryStore> {
  try {
    if (location.kind === 'sqlite') {
      ensureStateDir(dirname(location.path));
      return await HistoryStore.open(await openSqlite(location.path, undefined, { ownTable: 'schema_version' }), retention);
    }
    return await HistoryStore.open(await openPostgres(location.url), retention);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw new BerthError('ERR_BERTH_STORE', `cannot open the history store ${describeStore(location)}: ${(err as Error).message}`, {
      hint: location.kind === 'postgres' ? 'is PostgreSQL running there, and may this user connect?' : /not a database/i.test((err as Error).message) ? 'it is not a SQLite database: point --store at a file of its own' : 'is the directory writable?',
    });
  }
}
