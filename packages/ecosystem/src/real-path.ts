import { realpathSync } from 'node:fs';

/** PATH with its links resolved, so one file reached two ways compares equal; PATH itself when it cannot be resolved. */
export function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
