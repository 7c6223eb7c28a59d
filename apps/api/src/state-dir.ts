import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { makeDirs } from '@berth/spec';

/**
 * Creates the directory for berth's local state (history, token) readable only by the user.
 * A `.berth` directory gets a `.gitignore` of `*`, so the token and history are never committed.
 */
export function ensureStateDir(dir: string): void {
  makeDirs(dir, 0o700);
  const ignore = `${dir}/.gitignore`;
  if (basename(dir) === '.berth' && !existsSync(ignore)) writeFileSync(ignore, "# berth's local state (history, API token): never commit it\n*\n");
}
