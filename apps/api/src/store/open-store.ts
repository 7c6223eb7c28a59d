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

/** Parses `--store`: `sqlite:PATH`, a bare path, or `postgres://...` / `postgresql://...`. */
export function parseStoreOption(value: string | undefined, specPath: string, cwd = process.cwd()): StoreLocation {
  if (!value) return { kind: 'sqlite', path: defaultStorePath(specPath) };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) throw new BerthError('ERR_BERTH_STORE', '--store sqlite: needs a file path, such as sqlite:.berth/history.db');
    return { kind: 'sqlite', path: resolve(cwd, path) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new BerthError('ERR_BERTH_STORE', `--store ${value.split(':')[0]}: is not a store berth knows; use sqlite:PATH or postgres://USER@HOST:PORT/DB`);
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
