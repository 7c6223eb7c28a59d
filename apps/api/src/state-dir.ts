import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { BerthError, makeDirs, unwritableReason, writeFileAtomic } from '@berth/spec';

/**
 * Creates the directory for berth's local state (history, token) readable only by the user.
 * A `.berth` directory gets a `.gitignore` of `*`, so the token and history are never committed.
 * A folder berth cannot make or write in is one line naming it (ERR_BERTH_WRITE, exit 2).
 */
export function ensureStateDir(dir: string): void {
  const ignore = `${dir}/.gitignore`;
  try {
    makeDirs(dir, 0o700);
    if (basename(dir) === '.berth' && !existsSync(ignore)) writeFileAtomic(ignore, "# berth's local state (history, API token): never commit it\n*\n");
  } catch (err) {
    throw new BerthError('ERR_BERTH_WRITE', `cannot write berth's state folder ${dir}: ${unwritableReason(err)}`, {
      cause: err,
      hint: 'make the folder yours (an earlier sudo berth serve may own it)',
    });
  }
}
